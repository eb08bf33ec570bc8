"""An instructor's private course beside the public one (``nnlego course private DEST``).

The public repository ships ``solutions/``: every answer and every hidden test, seeds included,
so a student who reads it knows what the hidden tests draw. A private course is the
instructor's own git repository (kept private: it holds the solutions), cloned from the public
one (its remote ``upstream``), whose hidden tests draw other numbers: every
``default_rng(<integer>)`` inside a ``### BEGIN HIDDEN TESTS`` block of ``solutions/`` gets a
seed of its own, derived from the course's secret (``.nnlego-course-secret``, made once, kept
in the private repository) and the public seed, so equal seeds stay equal, and the same
number written elsewhere in the hidden tests (a tuple of seeds looped over) is replaced too.
Private seeds are at least :data:`PRIVATE_FLOOR` (public ones are small), so re-seeding is
idempotent.

Updating is the same command again: it merges ``upstream`` (upstream's side wins where both
changed a line, so a changed hidden test arrives with its public seed), re-seeds what is new,
regenerates the gradebook and ``exercises/``, closes the course to other users
(:mod:`nnlego.course.privacy`) and commits. The same secret gives the same seeds, every time.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
from pathlib import Path

from .exercises import generate_exercises
from .privacy import lock

SECRET_FILE = ".nnlego-course-secret"
PRIVATE_FLOOR = 10**9
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)
_SEED = re.compile(r"(default_rng\(\s*)(\d+)(\s*\))")
_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")


def private_seed(secret: str, assignment: str, notebook: str, public: int) -> int:
    digest = hashlib.sha256(f"{secret}/{assignment}/{notebook}/{public}".encode()).digest()
    return PRIVATE_FLOOR + int.from_bytes(digest[:8], "big") % PRIVATE_FLOOR


def reseed(text: str, secret: str, assignment: str, notebook: str) -> str:
    """A source notebook's text with every public seed of its hidden tests made private (the
    rest of the file byte for byte the same). A seed is an integer written in
    ``default_rng(<integer>)`` in a hidden block; the same number is replaced wherever it is
    written in the hidden blocks (``for s in (1408, 1409): ... default_rng(s)`` stays
    consistent with ``default_rng(1408)``)."""
    seeds = {int(m.group(2)) for block in _HIDDEN.findall(text) for m in _SEED.finditer(block)}
    seeds = {seed for seed in seeds if seed < PRIVATE_FLOOR}
    if not seeds:
        return text

    def number(match):
        value = int(match.group(0))
        return str(private_seed(secret, assignment, notebook, value)) if value in seeds \
            else match.group(0)

    return _HIDDEN.sub(lambda block: _NUMBER.sub(number, block.group(0)), text)


def hidden_seeds(root) -> dict[str, list[int]]:
    """{"assignment/notebook": the seeds of its hidden tests, in order} of the course in root."""
    return {f"{p.parent.name}/{p.stem}": [int(m.group(2)) for block in _HIDDEN.findall(
                p.read_text(encoding="utf-8")) for m in _SEED.finditer(block)]
            for p in sorted(Path(root, "solutions").glob("*/*.ipynb"))}


def reseed_course(root, secret: str) -> list[str]:
    """Re-seed every source notebook of the course in root; the files changed."""
    changed = []
    for path in sorted(Path(root, "solutions").glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        new = reseed(text, secret, path.parent.name, path.stem)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(str(path.relative_to(root)))
    return changed


def _git(root, *args, check=True) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed in {root}: "
                           f"{(done.stderr or done.stdout).strip()}")
    return done.stdout.strip()


def _identity(root) -> list[str]:
    """The ``-c`` options that name a committer where git knows none (a fresh account): the
    merges and commits this module makes are the tool's, not the instructor's words."""
    if _git(root, "config", "user.email", check=False):
        return []
    return ["-c", "user.name=nnlego", "-c", "user.email=nnlego@localhost"]


def make_private(dest, upstream=None, branch: str = "main", assignments=None) -> dict:
    """Create (from upstream, a URL or folder) or update the private course at dest; see the
    module. Returns {"created": bool, "reseeded": [files], "generated": [assignments]}."""
    dest = Path(dest).resolve()
    created = not dest.exists()
    if created:
        if not upstream:
            raise ValueError(f"dest={str(dest)!r} does not exist: pass --upstream (the public "
                             "course's URL or folder) to create it")
        _git(dest.parent if dest.parent.is_dir() else ".", "clone", "--quiet", "--origin",
             "upstream", "--branch", branch, str(upstream), str(dest))
        old = os.umask(0o077)
        try:
            (dest / SECRET_FILE).write_text(secrets.token_hex(16) + "\n")
        finally:
            os.umask(old)
    else:
        if not (dest / SECRET_FILE).is_file() or not (dest / ".git").exists():
            raise ValueError(f"dest={str(dest)!r} is not a private course (no {SECRET_FILE} or "
                             "no .git); choose a new folder to create one")
        if _git(dest, "status", "--porcelain", "--untracked-files=no"):
            raise ValueError(f"the private course {dest} has uncommitted changes; commit or "
                             "stash them, then update")
        _git(dest, "fetch", "--quiet", "upstream")
        _git(dest, *_identity(dest), "merge", "--quiet", "--no-edit", "-X", "theirs",
             f"upstream/{branch}")
    secret = (dest / SECRET_FILE).read_text().strip()
    reseeded = reseed_course(dest, secret)
    generated = generate_exercises(dest, assignments)
    lock(dest)
    _git(dest, "add", SECRET_FILE, "solutions", "exercises")
    if _git(dest, "status", "--porcelain", "--untracked-files=no"):
        _git(dest, *_identity(dest), "commit", "--quiet", "-m",
             "nnlego course private: this course's own hidden-test seeds")
    return {"created": created, "reseeded": reseeded, "generated": generated}
