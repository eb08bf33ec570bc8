"""A graded demo class: the real input of the class report shown in the instructors' appendix.

``graded_demo_class(repo, out)`` makes a small course in ``out`` from the course's source
``repo`` (a clone of the repository: ``solutions/``, ``nbgrader_config.py``,
``tests/wrong_solutions/``), writes a synthetic class into ``submitted/``
(:mod:`nnlego.course.grading.synthetic`: solutions, wrong solutions, blanks, missing work, drawn
with ``rng``) and grades it with ``nnlego grade``'s own machinery
(:func:`nnlego.course.grading.parallel.grade`, in the sandbox). What comes back is a course root
with a gradebook, ``autograded/`` and the grader's logs, as after ``make grade``: what
``nnlego report`` reads. The same ``rng`` gives the same class.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DEMO_ASSIGNMENTS = ("02_forward_pass",)


def graded_demo_class(repo, out, students: int = 10, assignments=DEMO_ASSIGNMENTS, *,
                      rng: np.random.Generator, workers: int = 2) -> Path:
    """Make, fill and grade a course of ``students`` synthetic students in the folder ``out``
    (created; it must be empty or absent). Returns the course root (``out``).

    About 3 s per submission on one core (assignment 2; more for assignments that train);
    the grading failures, if any, raise ``RuntimeError`` with the first failure's log."""
    from nnlego.course.grading import parallel, synthetic

    repo, out = Path(repo), Path(out)
    if not (repo / "solutions").is_dir() or not (repo / "nbgrader_config.py").is_file():
        raise ValueError(f"repo={str(repo)!r} is not the course's source: expected a clone of "
                         "the repository (solutions/ and nbgrader_config.py at its root)")
    if not isinstance(students, int) or students < 1:
        raise ValueError(f"students={students!r}; expected an integer >= 1")
    assignments = list(assignments)
    known = synthetic.assignments_of(repo)
    unknown = [a for a in assignments if a not in known]
    if not assignments or unknown:
        raise ValueError(f"assignments={assignments!r}: unknown {unknown}; choose from {known}")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"out={str(out)!r} is not empty; pass a new folder")
    synthetic.make_course(out, assignments, repo=repo)
    roster = synthetic.draw_class(students, assignments, rng=rng, repo=repo)
    synthetic.write_class(out, roster, rng=rng, repo=repo)
    report = parallel.grade(out, workers=workers)
    if report.failures:
        first = report.failures[0]
        raise RuntimeError(f"{len(report.failures)} demo submission(s) failed to grade; "
                           f"first: {first['student']} {first['assignment']}: {first['error']} "
                           f"(log: {first['log']})")
    return out
