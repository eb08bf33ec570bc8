"""Who can read a course on a shared machine (a JupyterHub server: the students have accounts).

A course's secrets are the answers and hidden tests (``solutions/``, and the gradebook, which
holds the hidden tests of every test cell), the students' work and grades (``submitted/``,
``autograded/``, ``feedback/``, ``grading_logs/``, ``grades.csv``, ``review.csv``) and the
history of all of them (``.git`` of a private course). On a shared machine a home folder is often
world-readable, and a file is created readable by all (umask 022).

- :func:`private_files`: what nnlego's grader and ``make exercises`` create is readable by the
  instructor only (umask 077), or also by the course's group (umask 027) when the course is
  shared with one: ``nnlego course lock --group TAS`` gives the course root that group and its
  set-group-id bit, so every file created below it belongs to the group;
- :func:`lock` (``nnlego course lock``): the course root and every secret closed to others;
- :func:`exposed` / :func:`warning`: which secrets another user can read now (``nnlego grade``
  says so in one line, with the fix).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path

SECRETS = ("solutions", "source", "gradebook.db", "submitted", "autograded", "feedback",
           "grading_logs", "grades.csv", "review.csv", "nbgrader_config.py", ".git",
           ".nnlego-course-secret")
WATCHED = ("solutions", "gradebook.db", "autograded", "feedback")   # what grade warns about


def shared_with_group(root) -> bool:
    """True when the course root carries the set-group-id bit (``nnlego course lock --group``)."""
    return bool(os.stat(root).st_mode & stat.S_ISGID)


def course_umask(root) -> int:
    return 0o027 if shared_with_group(root) else 0o077


@contextlib.contextmanager
def private_files(root):
    """``with private_files(root):`` files and folders created (by this process and the
    processes it starts) are readable by the instructor only, or the course's group."""
    old = os.umask(course_umask(root))
    try:
        yield
    finally:
        os.umask(old)


def public(folder) -> None:
    """Make a released folder readable by everyone again (folders 755, files 644)."""
    for path in [Path(folder), *Path(folder).rglob("*")]:
        mode = os.stat(path).st_mode
        os.chmod(path, (mode | (0o755 if path.is_dir() else 0o644)) & ~0o022)


def readable_by_others(path) -> bool:
    """True if a user who is neither the owner nor in the group can read path (its mode, and
    every folder above it open to them)."""
    path = Path(path).resolve()
    try:
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        return all(os.stat(parent).st_mode & stat.S_IXOTH for parent in path.parents)
    except OSError:
        return False


def exposed(root, names=WATCHED) -> list[str]:
    """The secrets of the course in root (names, relative) that another user can read now."""
    root, found = Path(root).resolve(), []
    for name in names:
        path = root / name
        if not path.exists():
            continue
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        if any(readable_by_others(p) for p in files):
            found.append(name)
    return found


def warning(root) -> str | None:
    """One line if another user of this machine can read the course's secrets, else None."""
    root = Path(root).resolve()
    found = exposed(root)
    if not found:
        return None
    return (f"warning: other users of this machine can read {', '.join(found)} in {root} (the "
            "hidden tests and the grades); run `nnlego course lock` (book/"
            "appendix_b_instructors.md, \"A shared machine\")")


def lock(root, group: str | None = None) -> list[str]:
    """Close the course in root to other users: the root folder (700, or 2750 with group, which
    then owns it and every secret) and every secret of :data:`SECRETS` below it (no access for
    others). Returns the names locked."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"root={str(root)!r} is not a folder; pass the course's root")
    if group is not None:
        try:
            shutil.chown(root, group=group)
        except LookupError:
            raise ValueError(f"group={group!r} is not a group of this machine; create it "
                             "(groupadd) or name an existing one (getent group)") from None
    os.chmod(root, 0o2750 if group else 0o700)
    locked = []
    for name in SECRETS:
        path = root / name
        if not path.exists():
            continue
        for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
            if item.is_symlink():
                continue
            if group is not None:
                shutil.chown(item, group=group)
            mode = os.stat(item).st_mode
            keep = 0o770 if group else 0o700
            extra = stat.S_ISGID if group and item.is_dir() else 0
            os.chmod(item, (mode & keep & ~(0o020 if group else 0)) | extra)
        locked.append(name)
    return locked
