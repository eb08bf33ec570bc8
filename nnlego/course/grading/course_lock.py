"""One grader at a time per course: the course lock.

Two ``nnlego grade`` (or ``feedback``) runs on one course would each plan the same submissions
and grade them twice (two TAs, ``make grade`` started twice). So a run holds the course lock
from its plan to its last merge:

- on the course folder, ``grading_logs/.lock`` (``filelock``, an OS lock: released when the
  process ends, however it ends), with ``grading_logs/.lock.owner`` saying who holds it;
- on a PostgreSQL gradebook also a session advisory lock named after the course, so graders on
  two machines that share the database (and not a folder) exclude each other too.

A second run either stops at once with one line naming the holder (the default) or, with
``wait=True`` (``--wait``), waits for the first to finish and then grades only what is still
missing. Nothing is graded twice either way.
"""

from __future__ import annotations

import contextlib
import datetime
import getpass
import hashlib
import os
import socket
from pathlib import Path

import filelock
from sqlalchemy import create_engine, exc, text

from .gradebook import GradebookError, explain

LOCK = ".lock"


class CourseBusy(ValueError):
    """Another grader holds the course lock (the command line prints it, exit status 2)."""


@contextlib.contextmanager
def course_lock(root, db_url: str, course_id: str, *, wait: bool = False, logs="grading_logs"):
    """Hold the course lock for the block; CourseBusy at once if it is held and not wait."""
    folder = Path(root) / logs
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    lock = filelock.FileLock(path, timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise CourseBusy(busy_message(path)) from None
    try:
        owner(path).write_text(describe_me(), encoding="utf-8")
        with _database_lock(db_url, course_id, wait):
            yield
    finally:
        owner(path).unlink(missing_ok=True)
        lock.release()


def owner(path: Path) -> Path:
    return path.with_name(path.name + ".owner")


def describe_me() -> str:
    now = datetime.datetime.now().isoformat(timespec="seconds")
    return f"pid {os.getpid()} of {getpass.getuser()} on {socket.gethostname()}, since {now}"


def busy_message(path: Path) -> str:
    try:
        who = owner(path).read_text(encoding="utf-8").strip()
    except OSError:
        who = "another process"
    return (f"another nnlego grade or feedback is running on this course ({who}; lock "
            f"{path}); wait for it to end and run again (it grades only what is missing), or "
            "pass --wait to wait for it")


@contextlib.contextmanager
def _database_lock(db_url: str, course_id: str, wait: bool):
    """A PostgreSQL session advisory lock for the course (nothing for SQLite: the file lock
    beside it is the one that counts)."""
    if not db_url.startswith("postgresql"):
        yield
        return
    key = int.from_bytes(hashlib.sha256(f"nnlego-grade:{course_id}".encode()).digest()[:8],
                         "big", signed=True)
    try:
        engine = create_engine(db_url)
        connection = engine.connect()
    except (exc.SQLAlchemyError, ImportError) as error:
        raise GradebookError(explain(db_url, error)) from error
    try:
        with connection:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            elif not connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                        {"k": key}).scalar():
                raise CourseBusy(
                    f"another nnlego grade or feedback is grading course {course_id!r} in the "
                    "gradebook's database (from another machine or folder); wait for it to end "
                    "and run again, or pass --wait to wait for it")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
    finally:
        engine.dispose()
