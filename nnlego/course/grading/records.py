"""What each grading task was made from: a digest of its input folder, kept beside its log.

A resubmission must be graded again, and its feedback written again, by the plain ``make grade``
and ``make feedback``: the grader cannot tell by the folder's existence alone. So when a task
succeeds, the grader records the *digest* of the folder the task read (``submitted/<student>/
<assignment>/`` for autograde, ``autograded/...`` for feedback) in ``grading_logs/<step>/
<assignment>/<student>.json``, beside the task's log (the grader's own folder). The next run
compares it with the folder as it is now: the same digest, the task is skipped; another, it
runs again ("resubmitted").

The digest covers every name in the folder and the bytes of every file, links not followed
(a link counts by its target's name), so a renamed, added, removed or edited file changes it
and a touched but unchanged file does not. Work graded before records existed has none; then
the files' times decide: input files newer than every output file mean a resubmission.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

RECORD_SUFFIX = ".json"


def folder_digest(folder) -> str:
    """sha256 of the names (relative, sorted) and contents of everything under folder: a
    link by its target, a FIFO, device or socket by its kind (never opened: reading a FIFO
    would wait for ever), a regular file by its bytes (read through a descriptor that follows
    no link, :func:`~nnlego.course.grading.safe_files.open_regular`)."""
    from .safe_files import open_regular

    folder = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        name = os.fsencode(path.relative_to(folder).as_posix())
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            parts = [b"link", name, os.fsencode(os.readlink(path))]
        elif stat.S_ISDIR(mode):
            parts = [b"dir", name, b""]
        elif stat.S_ISREG(mode) and (fd := open_regular(path)) is not None:
            content = hashlib.sha256()
            with os.fdopen(fd, "rb") as handle:
                while chunk := handle.read(2 ** 20):
                    content.update(chunk)
            parts = [b"file", name, content.digest()]
        else:
            parts = [b"other", name, f"{stat.S_IFMT(mode):o}".encode()]
        for part in parts:
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def record_path(logs: Path, step: str, student: str, assignment: str) -> Path:
    """Where the record of one task lives: beside its log."""
    return Path(logs) / step / assignment / f"{student}{RECORD_SUFFIX}"


def read_digest(path: Path) -> str | None:
    """The digest recorded at path, or None (no record, or one that cannot be read)."""
    try:
        return json.loads(Path(path).read_text())["digest"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_digest(path: Path, digest: str) -> None:
    """Record digest at path, atomically (a reader sees the old record or the new one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(json.dumps({"digest": digest}) + "\n")
    part.replace(path)


def newest_change(folder: Path) -> float:
    """The latest modification time (seconds) of anything under folder, links not followed."""
    times = [p.lstat().st_mtime for p in Path(folder).rglob("*")]
    return max(times, default=Path(folder).lstat().st_mtime)


def changed_since(source: Path, output: Path, record: Path, digest: str) -> bool:
    """True if source is not what output was made from: its digest differs from the record's,
    or, with no record, something in source is newer than everything in output."""
    recorded = read_digest(record)
    if recorded is not None:
        return recorded != digest
    return newest_change(source) > newest_change(output)
