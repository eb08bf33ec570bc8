"""Faults an instructor meets with ``nnlego grade`` / ``nnlego feedback``, and two graders at once.

A battery: every fault of the gradebook (locked, damaged, a folder, a missing folder), of its
database server (none at the address, an unknown host, a database that does not exist), of its
URL (not a URL, an unknown database, a driver not installed) and of the run (a busy course, bad
flags) must end the command with exit status 2 and one line on stderr that names the thing and
says what to do -- no traceback -- and leave every file of the course as it was (hashed before
and after). Two graders started at once on one course, on SQLite and on PostgreSQL (two folders
sharing one database), never grade a submission twice: the second stops with one line, or with
``--wait`` waits and then finds nothing left to do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from support.notebooks import ROOT as REPOSITORY  # noqa: E402
from support.postgres import PG_URL, fresh_pg_database  # noqa: E402

from nnlego import cli  # noqa: E402
from nnlego.course.grading import gradebook as gbook  # noqa: E402
from nnlego.course.grading import synthetic  # noqa: E402
from nnlego.course.grading.course_lock import CourseBusy, course_lock  # noqa: E402

ASSIGNMENT = "02_forward_pass"
BIN = str(Path(sys.executable).parent)


@pytest.fixture(scope="module")
def blank_course(tmp_path_factory):
    """A course of one assignment, three students' submissions, nothing graded."""
    os.environ["PATH"] = os.pathsep.join([BIN, os.environ["PATH"]])   # alembic, as make does
    root = synthetic.make_course(tmp_path_factory.mktemp("faults") / "course", [ASSIGNMENT],
                                 repo=REPOSITORY)
    roster = {(f"student_{i}", ASSIGNMENT): kind
              for i, kind in enumerate(["solution", "blank", "solution"])}
    synthetic.write_class(root, roster, rng=np.random.default_rng(0), repo=REPOSITORY)
    return root


@pytest.fixture
def course(blank_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(blank_course, root)
    return root


def fingerprint(root: Path) -> dict[str, str]:
    """sha256 of every file of the course but the grader's own logs and lock."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "grading_logs" not in p.parts}


def run_cli(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_clear_line(err: str, *names: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()
             and not line.startswith("nnlego grade: autograde")]   # the plan's own line
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith("nnlego grade: error: "), err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


# --- the gradebook file ---------------------------------------------------------------------

def _garbage(path):
    path.write_bytes(b"this is not a gradebook\n" * 200)


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _folder(path):
    path.unlink()
    path.mkdir()


FILE_FAULTS = {   # how to spoil gradebook.db -> words the message must hold
    "garbage": (_garbage, ["not a readable SQLite gradebook", "make exercises"]),
    "truncated": (_truncated, ["not a readable SQLite gradebook", "backup"]),
    "a folder": (_folder, ["cannot be opened", "not be a folder"]),
}


@pytest.mark.parametrize("fault", FILE_FAULTS)
def test_a_spoiled_gradebook_is_one_line_and_left_as_it_is(course, capsys, fault):
    spoil, words = FILE_FAULTS[fault]
    gradebook = course / "gradebook.db"
    spoil(gradebook)
    before = fingerprint(course)
    code, _, err = run_cli(["grade", "--root", str(course), "--no-progress"], capsys)
    assert code == 2
    one_clear_line(err, str(gradebook), *words)
    assert fingerprint(course) == before


def test_a_locked_gradebook_says_who_may_hold_it(course, capsys):
    holder = sqlite3.connect(course / "gradebook.db")
    holder.execute("BEGIN EXCLUSIVE")       # the formgrader or nbgrader in the middle of a write
    try:
        before = fingerprint(course)
        code, _, err = run_cli(["grade", "--root", str(course), "--no-progress"], capsys)
    finally:
        holder.rollback()
        holder.close()
    assert code == 2
    one_clear_line(err, "gradebook.db", "locked by another program", "run again")
    assert fingerprint(course) == before


# --- the URL and the server -----------------------------------------------------------------

def _missing_database():
    if not PG_URL:
        pytest.skip("needs a PostgreSQL server: NNLEGO_TEST_PG_URL (make test starts one)")
    return PG_URL.rsplit("/", 1)[0] + f"/nnlego_missing_{uuid.uuid4().hex[:8]}"


URL_FAULTS = {   # --db -> (words the message must hold)
    "not a url": (lambda: "not a url", ["'not a url'", "is not a database URL", "sqlite:///"]),
    "unknown database": (lambda: "foo://host/course", ["foo://host/course", "cannot use"]),
    "no driver": (lambda: "mysql://grader@localhost/course",
                  ["mysql://grader@localhost/course", "'MySQLdb'", "not installed"]),
    "no server": (lambda: "postgresql://grader:secret@127.0.0.1:1/course",
                  ["127.0.0.1:1", "no database server answers", "start_postgres.sh"]),
    "unknown host": (lambda: "postgresql://grader@nohost.invalid/course",
                     ["nohost.invalid", "no database server answers"]),
    "missing folder": (lambda: "sqlite:////nonexistent/folder/gradebook.db",
                       ["/nonexistent/folder/gradebook.db", "folder must exist"]),
    "no such database": (_missing_database, ["nnlego_missing_", "does not exist", "UTF8"]),
}


@pytest.mark.parametrize("fault", URL_FAULTS)
def test_a_gradebook_url_that_leads_nowhere_is_one_line(course, capsys, fault):
    url, words = URL_FAULTS[fault]
    url = url()
    before = fingerprint(course)
    code, _, err = run_cli(["grade", "--root", str(course), "--db", url, "--no-progress"],
                           capsys)
    assert code == 2
    line = one_clear_line(err, *words)
    assert "secret" not in line                       # a password is never printed
    assert fingerprint(course) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any file mode")
def test_a_read_only_gradebook_is_one_line(course, capsys):
    gradebook = course / "gradebook.db"
    gradebook.chmod(0o444)
    before = fingerprint(course)
    code, _, err = run_cli(["grade", "--root", str(course), "--no-progress"], capsys)
    assert code == 2
    one_clear_line(err, str(gradebook), "read-only")
    assert fingerprint(course) == before


@pytest.mark.parametrize("unwritable", ["file", "folder"])
def test_a_gradebook_this_user_cannot_write_is_refused_before_any_grading(course, capsys,
                                                                          monkeypatch,
                                                                          unwritable):
    """The same as a plain user's read-only gradebook, seen as root: the write check comes
    before the plan, so no task runs for nothing (found at the first merge, each task would)."""
    gradebook = course / "gradebook.db"
    target = str(gradebook if unwritable == "file" else course)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        False if str(path) == target and mode == os.W_OK else real_access(path, mode, **kw)))
    before = fingerprint(course)
    code, _, err = run_cli(["grade", "--root", str(course), "--no-progress"], capsys)
    assert code == 2
    one_clear_line(err, str(gradebook), "read-only", target)
    assert fingerprint(course) == before
    assert not (course / "autograded").exists()


def test_every_kind_of_database_error_has_its_own_words():
    """explain() never falls through to the generic sentence for the kinds above, and the
    generic one still names the gradebook."""
    from sqlalchemy import exc

    generic = gbook.explain("sqlite:////x/gradebook.db",
                            exc.OperationalError("SELECT 1", {}, Exception("disk I/O error")))
    assert generic.startswith("the gradebook /x/gradebook.db failed: ") and "disk I/O" in generic


# --- the run's own faults -------------------------------------------------------------------

RUN_FAULTS = {   # argv after "grade" -> words
    "no course": (["--root", "{tmp}/nowhere"], ["nbgrader_config.py", "--root"]),
    "workers 0": (["--workers", "0"], ["--workers", "'0'"]),
    "timeout nan": (["--timeout", "nan"], ["--timeout", "'nan'"]),
    "unreleased assignment": (["--root", "{course}"], ["99_unknown", "make exercises"]),
    "logs folder is a file": (["--root", "{course}", "--assignment", "none"],
                              ["grading_logs", "a file is where a folder is needed"]),
}


@pytest.mark.parametrize("fault", RUN_FAULTS)
def test_a_bad_run_is_one_line(course, tmp_path, capsys, fault):
    argv, words = RUN_FAULTS[fault]
    (course / "submitted" / "student_0" / "99_unknown").mkdir(parents=True)
    if fault == "logs folder is a file":
        (course / "grading_logs").write_text("not a folder")
    before = fingerprint(course)
    argv = [a.format(tmp=tmp_path, course=course) for a in argv]
    with pytest.raises(SystemExit) if argv[0] in ("--workers", "--timeout") else nullcontext():
        code, _, err = run_cli(["grade", *argv, "--no-progress"], capsys)
    if argv[0] in ("--workers", "--timeout"):      # argparse: exit 2, usage and one error line
        err = capsys.readouterr().err
        assert "Traceback" not in err and all(w in err for w in words), err
    else:
        assert code == 2
        one_clear_line(err, *words)
    assert fingerprint(course) == before


# --- two graders at once ----------------------------------------------------------------------

def test_the_course_lock_excludes_a_second_holder_and_names_the_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with course_lock(tmp_path, url, "nnlego"):
        with pytest.raises(CourseBusy, match=rf"pid {os.getpid()} .*--wait"):
            with course_lock(tmp_path, url, "nnlego"):
                pass
    with course_lock(tmp_path, url, "nnlego"):      # released: free again
        pass


def test_a_waiting_holder_gets_the_lock_when_the_first_lets_go(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    order = []

    def second():
        with course_lock(tmp_path, url, "nnlego", wait=True):
            order.append("second")

    with course_lock(tmp_path, url, "nnlego"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        order.append("first done")
    thread.join(timeout=30)
    assert order == ["first done", "second"]


def _grader(root, *extra, db=None):
    argv = [sys.executable, "-m", "nnlego", "grade", "--root", str(root), "--workers", "1",
            "--no-progress", *extra, *(["--db", db] if db else [])]
    env = {**os.environ, "PATH": os.pathsep.join([BIN, os.environ["PATH"]])}
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def _when_held(root, first, seconds=120):
    owner = root / "grading_logs" / ".lock.owner"
    deadline = time.monotonic() + seconds
    while not owner.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first grader never took the course lock"
        time.sleep(0.05)


def _tasks_run(stdout: str) -> int:
    (line,) = [line for line in stdout.splitlines() if " tasks run " in line]
    return int(line.split()[0])


def _one_submission(course):
    """The course with student_0's submission only: the lock is what is tested, not the work."""
    for student in ("student_1", "student_2"):
        shutil.rmtree(course / "submitted" / student)
    return course


def _second_course(course, db):
    _one_submission(course)
    if db == "sqlite":
        return course, None
    url = fresh_pg_database()
    synthetic.make_course(course, [ASSIGNMENT], repo=REPOSITORY, db_url=url)
    return course, url


@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_two_graders_at_once_never_grade_twice(course, db):
    """The second grader stops with one line while the first runs; a third with --wait waits
    for it and then finds nothing left to grade."""
    course, url = _second_course(course, db)
    first = _grader(course, db=url)
    _when_held(course, first)
    second = _grader(course, db=url)
    out2, err2 = second.communicate(timeout=600)
    waiting = _grader(course, "--wait", db=url)
    out1, err1 = first.communicate(timeout=600)
    out3, err3 = waiting.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert _tasks_run(out1) == 1
    assert second.returncode == 2, (out2, err2)
    assert "another nnlego grade or feedback is running" in err2 and "--wait" in err2
    assert "Traceback" not in err2 + err3
    assert waiting.returncode == 0, err3
    assert _tasks_run(out3) == 0 and "1 unchanged, skipped" in out3
    with gbook.opened(url or gbook.sqlite_url(course / "gradebook.db"), "nnlego") as gb:
        assert len(gbook.graded(gb)) == 1


def test_graders_in_two_folders_exclude_each_other_through_the_database(course, tmp_path):
    """Two machines that share the PostgreSQL gradebook but not a folder."""
    course, url = _second_course(course, "postgresql")
    with course_lock(course, url, "nnlego"):
        with pytest.raises(CourseBusy, match="in the gradebook's database"):
            with course_lock(tmp_path / "elsewhere", url, "nnlego"):
                pass
    with course_lock(tmp_path / "elsewhere", url, "nnlego"):    # released with the first
        pass


@pytest.mark.slow
def test_a_grader_killed_mid_run_leaves_no_lock_behind(course):
    """SIGKILL gives no chance to clean up: the OS lock goes with the process, the next run
    grades what is missing, and nothing twice."""
    _one_submission(course)
    first = _grader(course)
    _when_held(course, first)
    first.kill()
    first.communicate(timeout=60)
    again = _grader(course)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    with gbook.opened(gbook.sqlite_url(course / "gradebook.db"), "nnlego") as gb:
        assert len(gbook.graded(gb)) == 1
    assert _tasks_run(out) == 1 - int(out.split(" unchanged, skipped")[0].split()[-1])
