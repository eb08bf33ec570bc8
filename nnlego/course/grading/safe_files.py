"""File operations of the grader on folders a submission had a hand in: no link, FIFO or device
is ever followed or opened, and what is copied is bounded.

A submission arrives as a folder (``submitted/<student>/<assignment>/``, via the exchange or a
zip) that may hold anything: symbolic links to the gradebook or to another student's work,
FIFOs that hang a reader, devices, huge or many files, names with newlines or bytes that are not
UTF-8. The grader never reads such a folder in place: :func:`copy_regular` copies its regular
files and folders, and nothing else, into a folder of the grader's own, within :class:`Limits`
(total bytes, file count; notebooks are copied first), and returns one line per thing it
left out. Every file is opened with
``O_NOFOLLOW | O_NONBLOCK`` and checked to be a regular file *after* opening (``fstat``), so a
link or FIFO swapped in between the listing and the open is refused too; every file is created
with ``O_EXCL | O_NOFOLLOW``, so an existing link at the destination is never written through.

:func:`write_file` replaces a file atomically (a fresh temporary file, then ``os.replace``, which
replaces a link rather than following it); :func:`read_regular` reads a small regular file or
nothing; :func:`set_permissions` is nbgrader's permission pass without following links;
:func:`remove_tree` removes a folder whatever its contents did to their own permissions.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
CHUNK = 1 << 20


def _env_int(name, default, environ=None) -> int:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    try:
        return int(float(value)) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r}; expected a number (bytes or a count)") from None


@dataclass(frozen=True)
class Limits:
    """At most ``max_bytes`` in at most ``max_files`` files, per copied folder."""

    max_bytes: int = 64 * 2 ** 20
    max_files: int = 200

    @classmethod
    def from_env(cls, environ=None) -> Limits:
        """``NNLEGO_GRADER_SUBMISSION_BYTES`` and ``NNLEGO_GRADER_SUBMISSION_FILES``, else the
        defaults (64 MiB, 200 files)."""
        return cls(_env_int("NNLEGO_GRADER_SUBMISSION_BYTES", cls.max_bytes, environ),
                   _env_int("NNLEGO_GRADER_SUBMISSION_FILES", cls.max_files, environ))


def plain_name(name: str) -> bool:
    """A name the grader keeps: printable, valid UTF-8, not "." or ".."."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:     # bytes that are not UTF-8 (surrogate escapes)
        return False
    return name.isprintable() and name not in ("", ".", "..")


def _kind(mode) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path, dir_fd=None) -> int | None:
    """A read descriptor of the regular file at path (never through a link, never blocking on
    a FIFO), or None."""
    try:
        fd = os.open(path, READ, dir_fd=dir_fd)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def read_regular(path, limit: int = 16 * 2 ** 20) -> bytes | None:
    """The bytes of the regular file at path if it holds at most limit bytes, else None."""
    fd = open_regular(path)
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def write_file(path, data: bytes, mode: int = 0o644):
    """Write data to path atomically; a link, FIFO or file already there is replaced, never
    written through."""
    path = Path(path)
    fd, part = tempfile.mkstemp(prefix=f".{path.name[:40]}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.replace(part, path)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise


def copy_regular(source, dest, *, limits: Limits, keep=None) -> list[str]:
    """Copy source's regular files and folders into dest (created); returns one line per thing
    left out and why. ``keep(relative_path, is_folder)`` chooses what to copy (default: all)."""
    source, dest = Path(source), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    budget = {"bytes": limits.max_bytes, "files": limits.max_files}
    dropped = []
    _copy_folder(source, dest, Path(), limits, keep, budget, dropped)
    return dropped


def _copy_folder(source, dest, relative, limits, keep, budget, dropped):
    try:
        entries = sorted(os.scandir(source), key=_first_the_notebooks)
    except OSError as error:
        dropped.append(f"{relative or '.'}: cannot be listed ({error.strerror})")
        return
    for entry in entries:
        where = relative / entry.name
        shown = repr(str(where))[1:-1]
        if not plain_name(entry.name):
            dropped.append(f"{shown}: an odd name (not printable UTF-8)")
            continue
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            if keep is None or keep(where, True):
                (dest / entry.name).mkdir(exist_ok=True)
                _copy_folder(Path(entry.path), dest / entry.name, where, limits, keep, budget,
                             dropped)
            continue
        if keep is not None and not keep(where, False):
            continue
        if not stat.S_ISREG(mode):
            dropped.append(f"{shown}: {_kind(mode)}")
            continue
        dropped.extend(_copy_file(entry.path, dest / entry.name, shown, limits, budget))


def _first_the_notebooks(entry):
    """Notebooks first, then timestamp.txt, then the rest by name: the limits never leave out
    a notebook for the sake of other files."""
    return (not entry.name.endswith(".ipynb"), entry.name != "timestamp.txt", entry.name)


def _copy_file(path, target, shown, limits, budget) -> list[str]:
    if budget["files"] <= 0:
        return [f"{shown}: more than {limits.max_files} files"]
    fd = open_regular(path)
    if fd is None:
        return [f"{shown}: changed into something else than a regular file"]
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > budget["bytes"]:
            return [f"{shown}: {size:,} bytes, over the {limits.max_bytes:,} bytes a "
                    "submission may hold"]
        out = os.open(target, CREATE, 0o644)
        with os.fdopen(out, "wb") as copy:
            copied = _copy_limited(handle, copy, budget["bytes"])
    if copied < 0:
        os.unlink(target)
        return [f"{shown}: grew past the {limits.max_bytes:,} bytes a submission may hold"]
    budget["files"] -= 1
    budget["bytes"] -= copied
    return []


def _copy_limited(source, target, limit) -> int:
    """Bytes copied, or -1 if there were more than limit."""
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > limit:
            return -1
        target.write(chunk)
    return copied


def set_permissions(folder, mode: int):
    """chmod every regular file under folder to mode (nbgrader's permission pass), through
    descriptors opened without following links; links, FIFOs and devices are left alone."""
    for dirpath, _, filenames in os.walk(folder):       # (os.walk does not follow links)
        for name in filenames:
            fd = open_regular(os.path.join(dirpath, name))
            if fd is not None:
                try:
                    os.fchmod(fd, mode)
                finally:
                    os.close(fd)


def remove_tree(path):
    """Remove the folder at path and all in it (links removed, never followed), first giving
    back to its own folders the permissions a submission may have taken from them."""
    path = Path(path)
    if path.is_symlink() or not path.exists():
        path.unlink(missing_ok=True)
        return
    os.chmod(path, 0o700)
    for dirpath, dirnames, _ in os.walk(path):
        for name in dirnames:
            child = os.path.join(dirpath, name)
            if not os.path.islink(child):
                os.chmod(child, 0o700)
    shutil.rmtree(path, ignore_errors=True)
