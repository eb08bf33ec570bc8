"""The gradebook as plain tables: every assignment's cells, every submission's cell scores.

Read once through nbgrader's Gradebook API (its session and models; SQLite or PostgreSQL,
opened by :func:`nnlego.course.grading.gradebook.opened`) with two queries, not one per
submission, so a class of hundreds reads in well under a second. The class report
(:mod:`nnlego.course.class_report`) and the LMS export (:mod:`nnlego.course.lms_export`) work
from a :class:`GradeTable`; tests and benchmarks can make one directly.

A cell's score is nbgrader's (a manual score over the auto score, plus extra credit); a
submission's ``score`` is the sum of its cells' scores, as nbgrader's own total. A cell is
*auto* when it is a test cell (graded, not an answer cell); answer cells graded by a person
are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AssignmentCells:
    """One assignment: ``cells`` ``{grade_id: max_points}`` in notebook order, the ``auto``
    ones (test cells), and ``max_score`` (their sum)."""

    name: str
    cells: dict
    auto: frozenset
    duedate: str | None = None

    @property
    def max_score(self) -> float:
        return float(sum(self.cells.values()))


@dataclass(frozen=True)
class Submission:
    """One graded submission: ``{grade_id: score}``, whether nbgrader flagged a notebook, and
    ``manual`` the grade ids that hold a person's score."""

    student: str
    assignment: str
    cells: dict
    flagged: bool = False
    manual: frozenset = frozenset()

    @property
    def score(self) -> float:
        return float(sum(self.cells.values()))


@dataclass(frozen=True)
class GradeTable:
    """``assignments`` {name: AssignmentCells}, ``submissions`` {(student, assignment):
    Submission}, ``students`` {id: {"first_name", "last_name", "email", "lms_user_id"}}."""

    assignments: dict
    submissions: dict
    students: dict = field(default_factory=dict)

    def of(self, assignment: str) -> list[Submission]:
        """The graded submissions of one assignment, by student."""
        return [self.submissions[key] for key in sorted(self.submissions)
                if key[1] == assignment]


def read(db_url: str, course_id: str, assignments=None) -> GradeTable:
    """The :class:`GradeTable` of the gradebook at db_url (only ``assignments``, if given)."""
    from nbgrader.api import (
        Assignment,
        Grade,
        GradeCell,
        Notebook,
        SolutionCell,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    from nnlego.course.grading.gradebook import opened

    wanted = None if assignments is None else set(assignments)
    with opened(db_url, course_id) as gb:
        answers = {(a, n, c) for a, n, c in gb.db.query(Assignment.name, Notebook.name,
                                                        SolutionCell.name)
                   .join(Notebook, SolutionCell.notebook_id == Notebook.id)
                   .join(Assignment, Notebook.assignment_id == Assignment.id)}
        defined = {}
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            if wanted is not None and assignment.name not in wanted:
                continue
            cells, auto = {}, set()
            for notebook in assignment.notebooks:
                for cell in sorted(notebook.grade_cells, key=lambda c: c.name):
                    cells[cell.name] = float(cell.max_score or 0.0)
                    if (assignment.name, notebook.name, cell.name) not in answers:
                        auto.add(cell.name)
            duedate = None if assignment.duedate is None else str(assignment.duedate)
            defined[assignment.name] = AssignmentCells(assignment.name, cells, frozenset(auto),
                                                       duedate)
        rows = (gb.db.query(Assignment.name, SubmittedAssignment.student_id, GradeCell.name,
                            Grade.score, Grade.manual_score, SubmittedNotebook.flagged)
                .select_from(Grade)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment,
                      SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .join(GradeCell, Grade.cell_id == GradeCell.id))
        found: dict = {}
        for assignment, student, cell, score, manual, flagged in rows:
            if assignment not in defined:
                continue
            entry = found.setdefault((student, assignment), [{}, False, set()])
            entry[0][cell] = float(score or 0.0)
            entry[1] = entry[1] or bool(flagged)
            if manual is not None:
                entry[2].add(cell)
        students = {s.id: {"first_name": s.first_name, "last_name": s.last_name,
                           "email": s.email, "lms_user_id": s.lms_user_id}
                    for s in gb.db.query(Student)}
    submissions = {key: Submission(key[0], key[1], cells, flagged, frozenset(manual))
                   for key, (cells, flagged, manual) in found.items()}
    return GradeTable(defined, submissions, students)
