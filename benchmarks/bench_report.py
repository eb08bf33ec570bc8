"""Benchmark: building the class report of a large class (``nnlego.course.class_report.build``).

Grading 300 students x 10 assignments would take hours, so nothing is graded: a seeded
generator (:func:`fabricate`) writes what grading would have left behind, in the same places
and formats, and the report is built from that:

- a course folder: ``nbgrader_config.py`` and ``submitted/<student>/<assignment>/`` folders;
- an nbgrader gradebook (SQLite): ``--assignments`` assignments of 3-6 test cells worth 1-3
  points each (their definitions through nbgrader's API), and one submission per student and
  assignment (95 % hand in) whose cells are scored the way the grader scores them: all the
  points when every check passes, else 0 (rows inserted in bulk, as the grader's merge would
  leave them);
- one check-outcome record per submission (``grading_logs/outcomes/``, the grader's own format,
  :mod:`nnlego.course.grading.outcomes`): every cell has 4-12 checks, visible then hidden; a
  student of ability ``theta ~ N(0, 1)`` passes a cell of difficulty ``d`` with probability
  ``sigmoid(theta - d)``; a failed cell fails one check (drawn towards a few common
  mistakes), whose message prints fresh numbers, arrays and shapes (so the templating has
  work to do); the checks before it passed, those after it were not reached; 2 % of the
  submissions carry a review flag; grading took ~2 s (log-normal).

Then, after one untimed warm-up build (imports, the file cache), it times ``build`` (reading
the gradebook and the records, templating, item analysis), ``build(anonymize=True)`` and
``tables()``, best and median of ``--rounds``, and prints the cost per student and per
submission.

Run: ``python benchmarks/bench_report.py [--students 300] [--assignments 10] [--rounds 3]``
(about a minute, most of it writing the fabricated class).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from nnlego.course import class_report
from nnlego.course.grading import outcomes
from nnlego.course.grading.gradebook import alembic_on_path, sqlite_url

MISTAKES = [
    "AssertionError: expected {x:.4f}, got {y:.4f}: apply sigmoid in every layer",
    "AssertionError: the output must be shaped {s}, got {t}",
    "AssertionError: relative errors {{'grads_W[0]': {y:.2e}}}: compare with finite differences",
    "ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0 (size {n})",
    "AssertionError: got {a}, expected the reference on fresh random inputs",
]


def cell_plan(assignments, rng):
    """{assignment: [(grade_id, points, difficulty, [(check, kind)])]}."""
    plan = {}
    for a in assignments:
        cells = []
        for c in range(int(rng.integers(3, 7))):
            n_checks, n_visible = int(rng.integers(4, 13)), int(rng.integers(1, 4))
            checks = [(f"assert@{3 + 2 * k}: np.allclose(out_{k}, ref_{k})",
                       "visible" if k < n_visible else "hidden") for k in range(n_checks)]
            checks += [("runs", "visible"), ("runs (hidden)", "hidden")]
            cells.append((f"test_piece{c}", float(rng.integers(1, 4)),
                          float(rng.normal(0, 1)), checks))
        plan[a] = cells
    return plan


def message(rng):
    shape = tuple(int(n) for n in rng.integers(1, 60, size=int(rng.integers(1, 3))))
    return MISTAKES[min(int(rng.geometric(0.45)) - 1, len(MISTAKES) - 1)].format(
        x=rng.normal(), y=rng.normal() * 10.0 ** int(rng.integers(-6, 6)), s=shape,
        t=shape[::-1] + (1,), n=int(rng.integers(2, 900)),
        a=np.array2string(rng.normal(size=int(rng.integers(2, 6)))))


def cell_record(cell, passed, rng):
    grade_id, points, _, checks = cell
    states = [{"name": n, "kind": k, "passed": True, "message": None} for n, k in checks]
    if not passed:
        asserts = len(checks) - 2
        failed = (len(checks) - 2 if rng.random() < 0.15
                  else min(int(rng.geometric(0.35)) - 1, asserts - 1))
        for i, state in enumerate(states[:asserts]):
            state["passed"] = True if i < failed else None
        states[failed].update(passed=False, message=message(rng))
        if failed == len(checks) - 2:
            states[-1]["passed"] = None
    return {"notebook": "nb", "grade_id": grade_id, "points": points if passed else 0.0,
            "max_points": points, "passed": passed, "checks": states}


def fabricate(root, n_students, n_assignments, *, rng):
    """Write a graded-looking course in root (see the module docstring); its gradebook URL."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine

    alembic_on_path()
    root = Path(root)
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text('c = get_config()  # noqa\n'
                                             'c.CourseDirectory.course_id = "bench"\n')
    assignments = [f"{i + 1:02d}_assignment" for i in range(n_assignments)]
    students = [f"student_{i:04d}" for i in range(n_students)]
    plan = cell_plan(assignments, rng)
    url = sqlite_url(root / "gradebook.db")
    with Gradebook(url, "bench") as gb:
        for a, cells in plan.items():
            gb.add_assignment(a)
            gb.add_notebook("nb", a)
            for grade_id, points, _, _ in cells:
                gb.add_grade_cell(grade_id, "nb", a, max_score=points, cell_type="code")
        for s in students:
            gb.add_student(s)
        ids = {(a, c.name): c.id for a in assignments
               for c in gb.find_notebook("nb", a).grade_cells}
        notebook_ids = {a: gb.find_notebook("nb", a).id for a in assignments}
        assignment_ids = {a: gb.find_assignment(a).id for a in assignments}
    theta = rng.normal(size=n_students)
    rows = {"submitted_assignment": [], "submitted_notebook": [], "grade": []}
    for i, s in enumerate(students):
        for a in assignments:
            if rng.random() >= 0.95:
                continue
            (root / "submitted" / s / a).mkdir(parents=True)
            sub, nb = uuid.uuid4().hex, uuid.uuid4().hex
            flagged = bool(rng.random() < 0.02)
            rows["submitted_assignment"].append({"id": sub, "assignment_id": assignment_ids[a],
                                                 "student_id": s})
            rows["submitted_notebook"].append({"id": nb, "assignment_id": sub,
                                               "notebook_id": notebook_ids[a],
                                               "flagged": flagged})
            cells = []
            for cell in plan[a]:
                passed = bool(rng.random() < 1 / (1 + np.exp(cell[2] - theta[i])))
                cells.append(cell_record(cell, passed, rng))
                rows["grade"].append({"id": uuid.uuid4().hex, "cell_id": ids[a, cell[0]],
                                      "notebook_id": nb, "needs_manual_grade": flagged,
                                      "auto_score": cells[-1]["points"]})
            flags = {"nb": {"*": ["the answer reaches into IPython"]}} if flagged else {}
            outcomes.write(root, {"version": outcomes.VERSION, "assignment": a, "student": s,
                                  "seconds": float(rng.lognormal(np.log(2.0), 0.3)),
                                  "flags": flags, "cells": cells})
    engine = create_engine(url)
    with engine.begin() as write:
        for name, table_rows in rows.items():
            write.execute(Base.metadata.tables[name].insert(), table_rows)
    engine.dispose()
    return url, sum(len(v) for k, v in rows.items() if k == "submitted_assignment")


def timed(fn, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nnlego-bench-report-") as tmp:
        root = Path(tmp) / "course"
        start = time.perf_counter()
        _, n_submissions = fabricate(root, args.students, args.assignments,
                                     rng=np.random.default_rng(args.seed))
        print(f"{args.students} students x {args.assignments} assignments: {n_submissions} "
              f"submissions fabricated in {time.perf_counter() - start:.1f} s; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        class_report.build(root)            # warm-up: imports and the file cache, untimed
        rows = []
        best, median, report = timed(lambda: class_report.build(root), args.rounds)
        rows.append(("build", best, median))
        best_a, median_a, _ = timed(lambda: class_report.build(root, anonymize=True),
                                    args.rounds)
        rows.append(("build(anonymize=True)", best_a, median_a))
        best_t, median_t, tables = timed(report.tables, args.rounds)
        rows.append(("tables()", best_t, median_t))
        print(f"{'step':<24}{'best s':>9}{'median s':>10}{'ms/student':>12}"
              f"{'ms/submission':>15}")
        for name, b, m in rows:
            print(f"{name:<24}{b:9.3f}{m:10.3f}{1000 * b / args.students:12.2f}"
                  f"{1000 * b / n_submissions:15.3f}")
        print(f"report: {len(report.checks)} checks, {len(report.error_groups)} error groups, "
              f"{len(report.items)} items, {len(report.flags)} flags; "
              f"{sum(len(v) for v in tables.values())} table rows")
        print(f"a class of 300 x 10 at this rate: build {300 * 10 * best / n_submissions:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
