"""What a grading run does: which submissions to grade (or write feedback for), and why.

A submission is graded when it is new (the gradebook or ``autograded/`` lacks it), when it was
resubmitted (its files changed since it was graded: :mod:`nnlego.course.grading.records`), or
with ``force``; otherwise it is skipped as unchanged. Feedback likewise: written when it is
missing, or when the autograded notebook or the submission's grades in the gradebook (a manual
grade, a comment) changed since the feedback was written ("regraded").

The roster is nbgrader's: the students of the gradebook (``nbgrader db student import
students.csv``). When it has any, a folder of ``submitted/`` that is not on it (a mistyped
name, a student who never enrolled) is reported and not graded unless ``include_unknown``;
grading it adds the student to the gradebook (``autograde --create``), and so to the roster.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from . import gradebook as gbook
from .records import changed_since, folder_digest, record_path

STEPS = ("autograde", "feedback")
LOGS = "grading_logs"
REASONS = {   # why a task runs, per step: the words of the summary
    "autograde": {"new": "new", "changed": "resubmitted", "forced": "forced"},
    "feedback": {"new": "new", "changed": "regraded", "forced": "forced"},
}


@dataclass
class Plan:
    todo: list             # (student, assignment) to run, by assignment then student
    done: list                                     # (student, assignment) unchanged, skipped
    why: dict = field(default_factory=dict)        # task -> "new" | "changed" | "forced"
    digests: dict = field(default_factory=dict)    # task -> digest of its input folder now
    unknown: list = field(default_factory=list)    # tasks of students not on the roster
    roster: int = 0                                # students in the gradebook


def submissions(course, step: str, assignments=None, students=None):
    """(student, assignment) pairs with a folder to work from, by assignment then student: a
    worker grades one assignment's notebooks in a row, from its warm zygote
    (:mod:`nnlego.course.grading.warm`)."""
    source = course.root / course.folders["submitted" if step == "autograde" else "autograde"]
    found = sorted(((p.parent.name, p.name) for p in source.glob("*/*") if p.is_dir()),
                   key=lambda task: (task[1], task[0]))
    return [(s, a) for s, a in found
            if (assignments is None or a in assignments) and (students is None or s in students)]


def plan(course, step: str, gb, *, assignments=None, students=None, force=False,
         include_unknown=False) -> Plan:
    """The Plan of one step (see the module docstring)."""
    if step not in STEPS:
        raise ValueError(f"step={step!r}; choose one of {list(STEPS)}")
    found = submissions(course, step, assignments, students)
    _check_assignments(course, gb, found)
    roster = {student.id for student in gb.students}
    unknown = [t for t in found if roster and t[0] not in roster] if step == "autograde" else []
    if not include_unknown:
        found = [t for t in found if t not in unknown]
    in_gradebook = gbook.graded(gb)
    if step == "feedback":
        found = [t for t in found if t in in_gradebook]
    result = Plan([], [], unknown=unknown, roster=len(roster))
    source_step = "submitted" if step == "autograde" else "autograde"
    for task in found:
        source, output = course.folder(source_step, *task), course.folder(step, *task)
        digest = result.digests[task] = _digest(gb, step, source, task)
        if not output.is_dir() or (step == "autograde" and task not in in_gradebook):
            result.why[task] = "new"
        elif force:
            result.why[task] = "forced"
        elif changed_since(source, output, record_path(course.root / LOGS, step, *task), digest):
            result.why[task] = "changed"
        (result.todo if task in result.why else result.done).append(task)
    return result


def _digest(gb, step, source, task) -> str:
    """What a task is made from: its input folder; for feedback, its grades too (a manual
    grade entered since changes the page)."""
    digest = folder_digest(source)
    if step == "feedback":
        student, assignment = task
        digest += ":" + hashlib.sha256(gbook.grades_fingerprint(gb, assignment, student)
                                       .encode()).hexdigest()
    return digest


def _check_assignments(course, gb, found) -> None:
    known = {a.name for a in gb.assignments}
    unknown = sorted({a for _, a in found} - known)
    if unknown:
        raise ValueError(f"the gradebook {gbook.where(course.db_url)} has no assignment "
                         f"{unknown}: run `make exercises` first (it runs `nbgrader "
                         f"generate_assignment {unknown[0]} --force`, which adds it to the "
                         "gradebook; without --force nbgrader skips an assignment whose "
                         "exercises/ folder exists)")


def why_text(step: str, why: str) -> str:
    """The summary's word for why a task of step ran: new, resubmitted, regraded, forced."""
    return REASONS[step][why]
