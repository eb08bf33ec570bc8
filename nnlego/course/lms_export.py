"""Grades for a learning management system: the CSV files Canvas and Moodle import.

One row per student, one column per assignment (its total score in the gradebook, rounded to
2 decimals). Assignments never released (nobody has handed them in: ``make exercises`` puts all
of them in the gradebook at once) are left out, as ``make grades`` leaves them out
(:mod:`nnlego.course.grading.export`): the LMS has no such assignment yet.

**Canvas** (Grades > Import): the columns of Canvas's own gradebook export, then one column per
assignment, headed by its name (a name Canvas does not know creates a new assignment)::

    Student,ID,SIS User ID,SIS Login ID,Section,02_forward_pass,03_backprop
    "Lovelace, Ada",4711,,ada,,13.0,9.5

``Student`` is "Last, First" (the id when nbgrader has no name); ``ID`` Canvas's user id
(nbgrader's ``Student.lms_user_id``, set when the roster came from the LMS); ``SIS Login ID``
nbgrader's student id (a JupyterHub login); ``SIS User ID`` and ``Section`` are left empty.
Canvas finds the student by ID, else by SIS User ID, else by SIS Login ID.

**Moodle** (Grades > Import > CSV file): one identifier column, then one column per
assignment; on import, "Identify user by" maps the identifier column to the user field of the
same kind and each assignment column to a grade item::

    username,02_forward_pass,03_backprop
    ada,13.0,9.5

``identifier`` is ``"username"`` (nbgrader's student id), ``"email"`` (``Student.email``) or
``"idnumber"`` (``Student.lms_user_id``); a student without one is an error that names them.

**A missing submission is an empty cell**, not 0, by default (``missing=""``): both LMSs read an
empty cell as "no grade" and leave what they hold (an excused student, an extension graded
later, a grade entered by hand) as it is, while a 0 would overwrite it. A course that wants a
zero for every missing submission passes ``missing="0"``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nnlego import files

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTIFIERS = {"username": "student", "email": "email", "idnumber": "lms_user_id"}


@dataclass(frozen=True)
class StudentGrades:
    """One student's totals: ``scores`` {assignment: score, or None without a submission}."""

    student: str
    scores: dict
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    lms_user_id: str | None = None


def rows_of(table, released) -> list[StudentGrades]:
    """The students of a :class:`~nnlego.course.grade_table.GradeTable` (every student it
    knows, graded or not), with totals of the ``released`` assignments, in order."""
    released = [a for a in table.assignments if a in set(released)]
    students = sorted(set(table.students) | {s for s, _ in table.submissions})
    out = []
    for student in students:
        info = table.students.get(student, {})
        scores = {a: (table.submissions[student, a].score if (student, a) in table.submissions
                      else None) for a in released}
        out.append(StudentGrades(student, scores, info.get("first_name"),
                                 info.get("last_name"), info.get("email"),
                                 info.get("lms_user_id")))
    return out


def read_rows(course_root, db_url=None) -> list[StudentGrades]:
    """The rows of the course in course_root: its gradebook, released assignments only (those
    somebody has handed in, the rule of ``make grades``: :mod:`nnlego.course.grading.export`)."""
    from nnlego.course import grade_table
    from nnlego.course.grading.parallel import load_course

    course = load_course(course_root, db_url)
    table = grade_table.read(course.db_url, course.course_id)
    handed_in = {assignment for _, assignment in table.submissions}
    return rows_of(table, [a for a in table.assignments if a in handed_in])


def _assignments(rows) -> list[str]:
    return list(rows[0].scores) if rows else []


def _score(value, missing: str) -> str:
    return missing if value is None else f"{round(float(value), 2)}"


def _name(row: StudentGrades) -> str:
    if row.last_name or row.first_name:
        return ", ".join(part for part in (row.last_name, row.first_name) if part)
    return row.student


def _write(path, header, lines) -> Path:
    with files.writing(path, "w") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(lines)
    return Path(path)


def _check_missing(missing):
    if missing not in ("", "0"):
        raise ValueError(f"missing={missing!r}; expected '' (no grade: the LMS keeps its own) "
                         "or '0' (a zero for every missing submission)")


def to_canvas(rows, path, *, missing: str = "") -> Path:
    """Write Canvas's grade import CSV (see the module docstring) to path."""
    _check_missing(missing)
    assignments = _assignments(rows)
    lines = [[_name(r), r.lms_user_id or "", "", r.student, ""]
             + [_score(r.scores.get(a), missing) for a in assignments] for r in rows]
    return _write(path, [*CANVAS_COLUMNS, *assignments], lines)


def to_moodle(rows, path, identifier: str = "username", *, missing: str = "") -> Path:
    """Write Moodle's grade import CSV (see the module docstring) to path."""
    _check_missing(missing)
    if identifier not in MOODLE_IDENTIFIERS:
        raise ValueError(f"identifier={identifier!r}; choose one of {sorted(MOODLE_IDENTIFIERS)}")
    field = MOODLE_IDENTIFIERS[identifier]
    without = [r.student for r in rows if not getattr(r, field)]
    if without:
        raise ValueError(f"identifier={identifier!r} but {len(without)} students have none "
                         f"({', '.join(without[:5])}); add it to the gradebook's students or "
                         "use identifier='username'")
    assignments = _assignments(rows)
    lines = [[getattr(r, field)] + [_score(r.scores.get(a), missing) for a in assignments]
             for r in rows]
    return _write(path, [identifier, *assignments], lines)
