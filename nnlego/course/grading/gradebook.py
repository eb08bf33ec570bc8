"""The gradebook side of parallel grading: templates, task results and the one writer's merge.

Why: SQLite takes one writer at a time, so parallel ``nbgrader autograde`` runs into one
``gradebook.db`` fail with "database is locked". Instead every task autogrades into its own
small SQLite gradebook (a copy of the *template*: the course's assignment definitions, no
students), and one writer (the parent process, or the Dask client) merges each result into the
main gradebook, SQLite or PostgreSQL, in one transaction per task.

A *result* is plain JSON (it travels from a Dask worker to the client)::

    {"timestamp": "2026-12-01 09:00:00" or None,
     "notebooks": {name: {"flagged": bool, "late_submission_penalty": float or None,
                          "grades": {cell: [auto_score or None, needs_manual_grade]},
                          "comments": {cell: auto_comment or None}}}}

The merge does what the autograder (nbgrader's ``SaveAutoGrades`` or the course's own grading
step) does to an existing submission: it sets the auto scores and comments, keeps manual
scores, and marks a grade for review when the autograder did (no auto score, a review flag) or
when it has a manual score. The task's gradebook is fresh (no manual scores), so "the
autograder did" and "has a manual score" are the two halves of the autograder's own rule.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

from nbgrader.api import Base, Gradebook, MissingEntry
from sqlalchemy import create_engine, exc, select, text
from sqlalchemy.engine import make_url

DEFINITIONS = ("assignment", "notebook", "base_cell", "source_cell", "grade_cells",
               "solution_cells", "task_cells")   # in foreign-key order


def driver_url(db_url: str) -> str:
    """db_url with the PostgreSQL driver that is installed: SQLAlchemy 2.1 reads a plain
    ``postgresql://`` as psycopg 3; the scale extra installs psycopg2 (``postgresql+psycopg2://``)."""
    if db_url.startswith("postgresql://") and importlib.util.find_spec("psycopg") is None:
        return "postgresql+psycopg2://" + db_url[len("postgresql://"):]
    return db_url


class GradebookError(ValueError):
    """The gradebook cannot be opened or used: one line naming it, what is wrong and the fix
    (the command line prints it and exits with status 2)."""


@contextlib.contextmanager
def opened(db_url: str, course_id: str):
    """``with opened(db_url, course_id) as gb:`` nbgrader's Gradebook, every database fault
    inside the block (a locked or damaged file, no server, no driver, not a URL) raised as one
    :class:`GradebookError`. Nothing is written to a file that is not a gradebook."""
    try:
        check_encoding(db_url)
        with Gradebook(db_url, course_id) as gb:
            yield gb
    except (exc.SQLAlchemyError, ImportError) as error:
        raise GradebookError(explain(db_url, error)) from error


UTF8_FIX = ("createdb --encoding=UTF8 --template=template0 --locale=C NAME "
            "(book/appendix_b_instructors.md, PostgreSQL)")


def check_encoding(db_url: str) -> None:
    """GradebookError if a PostgreSQL gradebook is not UTF-8 (a server without a UTF-8 locale
    makes SQL_ASCII databases): nbgrader stores the notebooks' text, and the first non-ASCII
    character (a ``\u00d7``) would fail mid-way. Nothing is written."""
    if not db_url.startswith("postgresql"):
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            encoding = connection.execute(text("SHOW server_encoding")).scalar()
    finally:
        engine.dispose()
    if str(encoding).upper().replace("-", "") != "UTF8":
        raise GradebookError(
            f"the gradebook database {where(db_url)} has the encoding {encoding}, not UTF-8: "
            f"the course's notebooks cannot be stored in it; create a UTF-8 one with {UTF8_FIX} "
            "and point --db or nbgrader_config.py's CourseDirectory.db_url at it")


def check_writable(db_url: str) -> None:
    """GradebookError before any grading if an SQLite gradebook (or its folder, where SQLite
    writes its journal) cannot be written by this user: found only at the first merge, every
    task would have run for nothing."""
    path = where(db_url)
    if not db_url.startswith("sqlite") or not os.path.isfile(path):
        return
    for target in (path, os.path.dirname(path) or "."):
        if not os.access(target, os.W_OK):
            raise GradebookError(_read_only(path, f"{target} is not writable"))


def where(db_url: str) -> str:
    """The gradebook as a reader knows it: the file of an SQLite URL, else the URL without
    its password."""
    try:
        url = make_url(db_url)
    except exc.ArgumentError:
        return repr(db_url)
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    return url.render_as_string(hide_password=True)


_SERVERS = ("connection refused", "could not connect", "could not translate host name",
            "server closed the connection", "timeout expired", "no route to host",
            "is the server running")


def explain(db_url: str, error: BaseException) -> str:
    """What went wrong with the gradebook at db_url, and what to do, in one line."""
    first = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    name, low = where(db_url), first.lower()
    if isinstance(error, exc.NoSuchModuleError):
        return (f"the gradebook URL {name} names a database nnlego cannot use ({first}); "
                "use sqlite:////path/to/gradebook.db or postgresql://user@host/dbname")
    if isinstance(error, exc.ArgumentError):
        return (f"the gradebook URL {db_url!r} is not a database URL; expected "
                "sqlite:////path/to/gradebook.db or postgresql://user@host/dbname (--db, or "
                "nbgrader_config.py's CourseDirectory.db_url)")
    if isinstance(error, ImportError):
        return (f"the gradebook URL {name} needs the Python driver {error.name!r}, which is not "
                "installed: install it, or use SQLite or PostgreSQL (pip install -e '.[scale]')")
    if "database is locked" in low:
        return (f"the gradebook {name} is locked by another program (the formgrader, nbgrader, "
                "another nnlego grade); let it finish or close it, then run again")
    if "not a database" in low or "malformed" in low:
        return (f"{name} is not a readable SQLite gradebook ({first}); it was left as it is: "
                "restore it from a backup, or move it away and run `make exercises` to start "
                "a new one (the grades it held are then lost)")
    if "readonly database" in low or "read-only" in low:
        return _read_only(name, first)
    if "unable to open database file" in low:
        return (f"the gradebook {name} cannot be opened ({first}): its folder must exist and be "
                "writable, and the path must not be a folder; fix the path (--db) or the folder")
    if any(words in low for words in _SERVERS):
        return (f"no database server answers for the gradebook {name} ({first}); start it "
                "(scripts/start_postgres.sh starts a private test server) or correct --db / "
                "nbgrader_config.py's CourseDirectory.db_url")
    if "does not exist" in low and "database" in low:
        return (f"the gradebook database {name} does not exist ({first}); create it with UTF-8: "
                f"{UTF8_FIX}")
    return f"the gradebook {name} failed: {first}; check the server and the URL (--db)"


def _read_only(name: str, detail: str) -> str:
    return (f"the gradebook {name} is read-only for this user ({detail}); grade as its owner, "
            "or give this user write access to the file and its folder")


def sqlite_url(path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def alembic_on_path() -> None:
    """nbgrader runs the `alembic` command when it creates a gradebook: make sure it finds the
    one installed beside this Python (a venv's bin/ is not on PATH unless activated)."""
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                              os.environ.get("PATH", "")])


def make_template(db_url: str, course_id: str, path) -> Path:
    """A new SQLite gradebook at path holding every assignment definition of db_url."""
    alembic_on_path()
    path = Path(path)
    path.unlink(missing_ok=True)
    Gradebook(sqlite_url(path), course_id).close()      # schema, alembic version, course
    source, target = create_engine(db_url), create_engine(sqlite_url(path))
    try:
        with source.connect() as read, target.begin() as write:
            for name in DEFINITIONS:
                table = Base.metadata.tables[name]
                rows = [dict(row) for row in read.execute(select(table)).mappings()]
                if rows:
                    write.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()
    return path


def assignment_names(db_url: str, course_id: str) -> set[str]:
    with Gradebook(db_url, course_id) as gb:
        return {a.name for a in gb.assignments}


def task_gradebook(template, path, assignment: str, student: str, extension_seconds=None):
    """A copy of the template for one task, with the student's extension if they have one."""
    shutil.copyfile(template, path)
    if extension_seconds is not None:
        with Gradebook(sqlite_url(path)) as gb:
            gb.update_or_create_student(student)
            gb.add_submission(assignment, student,
                              extension=datetime.timedelta(seconds=extension_seconds))
    return path


def read_result(db_url: str, assignment: str, student: str) -> dict:
    """The autograder's output for one submission, as a JSON-able result (see the module)."""
    with Gradebook(db_url) as gb:
        submission = gb.find_submission(assignment, student)
        return {
            "timestamp": None if submission.timestamp is None else str(submission.timestamp),
            "notebooks": {nb.name: {
                "flagged": bool(nb.flagged),
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: [g.auto_score, bool(g.needs_manual_grade)] for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            } for nb in submission.notebooks}}


def merge_result(gb: Gradebook, assignment: str, student: str, result: dict) -> None:
    """Write one task's result into the main gradebook gb (one commit)."""
    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)
    kwargs = {} if result["timestamp"] is None else {"timestamp": result["timestamp"]}
    gb.update_or_create_submission(assignment, student, **kwargs)
    for name, graded in result["notebooks"].items():
        notebook = gb.find_submission_notebook(name, assignment, student)
        notebook.flagged = graded["flagged"]
        notebook.late_submission_penalty = graded["late_submission_penalty"]
        for grade in notebook.grades:
            grade.auto_score, review = graded["grades"].get(grade.name, (None, True))
            grade.needs_manual_grade = review or grade.manual_score is not None
        for comment in notebook.comments:
            comment.auto_comment = graded["comments"].get(comment.name)
    gb.db.commit()


def extension_seconds(gb: Gradebook, assignment: str, student: str):
    """The student's extension on the assignment in seconds, or None."""
    try:
        extension = gb.find_submission(assignment, student).extension
    except MissingEntry:
        return None
    return None if extension is None else extension.total_seconds()


def graded(gb: Gradebook) -> set[tuple[str, str]]:
    """(student, assignment) of every submission in the gradebook."""
    return {(s.student.id, s.assignment.name) for a in gb.assignments for s in a.submissions}


def grades_fingerprint(gb: Gradebook, assignment: str, student: str) -> str:
    """Everything of one submission that its feedback page shows from the gradebook (scores,
    manual scores, extra credit, comments, late penalty), as one string: a manual grade entered
    in the formgrader changes it."""
    submission = gb.find_submission(assignment, student)
    return json.dumps(sorted(
        [nb.name, nb.late_submission_penalty,
         sorted([g.name, g.auto_score, g.manual_score, g.extra_credit] for g in nb.grades),
         sorted([c.name, c.auto_comment or "", c.manual_comment or ""] for c in nb.comments)]
        for nb in submission.notebooks))


def submission_summary(gb: Gradebook, assignment: str, student: str) -> dict:
    """{"score", "max_score", "flagged", "needs_manual_grade"} of one submission."""
    submission = gb.find_submission(assignment, student)
    return {"score": submission.score, "max_score": submission.max_score,
            "flagged": any(nb.flagged for nb in submission.notebooks),
            "needs_manual_grade": bool(submission.needs_manual_grade)}


def dump(db_url: str, course_id: str) -> dict:
    """Everything the autograder decides, keyed by names (not by the random row ids).

    {(student, assignment, notebook): (timestamp, flagged, penalty, {cell: (auto_score,
    manual_score, needs_manual_grade)}, {cell: auto_comment})}: two gradebooks with equal dumps
    hold the same grades, bit for bit.
    """
    out = {}
    with Gradebook(db_url, course_id) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    out[submission.student.id, assignment.name, nb.name] = (
                        str(submission.timestamp), bool(nb.flagged), nb.late_submission_penalty,
                        {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                         for g in nb.grades},
                        {c.name: c.auto_comment for c in nb.comments})
    return out
