"""Benchmark: autograding a synthetic class serially (plain nbgrader) vs ``nnlego grade``.

A synthetic class (``nnlego.course.grading.synthetic``: solutions, wrong solutions and blanks,
seeded) of ``--students`` students x every assignment is graded twice, each time from an empty
gradebook:

- serially, as ``make grade`` did before: ``nbgrader autograde ASSIGNMENT --create --force``
  (on the first ``--serial-students`` students only, if given),
  one assignment after another, one submission after another;
- by ``nnlego.course.grading.parallel.grade`` with ``--workers`` worker processes (default: 2, on
  this 2-core machine), one task per (student, assignment).

Both runs use one BLAS thread per kernel. It prints the wall times, their ratio (target >= 1.7x
with 2 workers on 2 cores), seconds per student, students per minute, the time a class of 300
would take at that rate (goal: 15 minutes), the machine's load average (other users' load
shifts the numbers), and whether the two gradebooks are identical (they must be).

Run: ``python benchmarks/bench_grading.py [--students 100] [--workers 2]``; about 2 x 100 x
(7 assignments x ~2 s) / workers: the full run takes the better part of an hour.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nnlego.course.grading import gradebook as gbook
from nnlego.course.grading import parallel, synthetic
from nnlego.course.grading.parallel_worker import ONE_THREAD

REPOSITORY = Path(__file__).resolve().parents[1]   # the course source (solutions/ and so on)

BIN = Path(sys.executable).parent


def say(text):
    print(text, flush=True)


def load():
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def build(root, n_students, assignments, seed):
    synthetic.make_course(root, assignments, repo=REPOSITORY)
    roster = synthetic.draw_class(n_students, assignments, repo=REPOSITORY,
                                  rng=np.random.default_rng(seed))
    synthetic.write_class(root, roster, repo=REPOSITORY,
                          rng=np.random.default_rng(seed + 1))
    return roster


def grade_serially(root, assignments):
    env = {**os.environ, **ONE_THREAD, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    for assignment in assignments:
        subprocess.run([str(BIN / "nbgrader"), "autograde", assignment, "--create", "--force"],
                       cwd=root, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def grade_in_parallel(root, workers):
    start = time.perf_counter()
    report = parallel.grade(root, workers=workers)
    return time.perf_counter() - start, report


def rates(label, seconds, n_students):
    per_student = seconds / n_students
    return (f"{label:<22} {seconds:8.1f} s  {per_student:6.2f} s/student  "
            f"{60 / per_student:6.1f} students/min  "
            f"300 students: {300 * per_student / 60:5.1f} min")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--assignments", nargs="*", default=None,
                        help="default: every assignment of solutions/")
    parser.add_argument("--serial-students", type=int, default=None,
                        help="grade only the first N students serially (default: all); the "
                        "speed-up then compares seconds per student")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    assignments = args.assignments or synthetic.assignments_of(REPOSITORY)
    with tempfile.TemporaryDirectory(prefix="nnlego-bench-grading-") as tmp:
        serial_root, parallel_root = Path(tmp) / "serial", Path(tmp) / "parallel"
        roster = build(serial_root, args.students, assignments, args.seed)
        shutil.copytree(serial_root, parallel_root)
        n_serial = min(args.serial_students or args.students, args.students)
        for student in sorted({s for s, _ in roster})[n_serial:]:
            shutil.rmtree(serial_root / "submitted" / student, ignore_errors=True)
        say(f"{args.students} students x {len(assignments)} assignments: {len(roster)} "
            f"submissions; {os.cpu_count()} cores; {load()}")
        serial = grade_serially(serial_root, assignments)
        say(rates(f"serial (nbgrader), {n_serial}", serial, n_serial) + f"; {load()}")
        seconds, report = grade_in_parallel(parallel_root, args.workers)
        say(rates(f"nnlego grade, {args.workers} workers", seconds, args.students)
            + f"; {load()}")
        serial_dump = gbook.dump(gbook.sqlite_url(serial_root / "gradebook.db"), "nnlego")
        parallel_dump = gbook.dump(gbook.sqlite_url(parallel_root / "gradebook.db"), "nnlego")
        same = serial_dump == {k: v for k, v in parallel_dump.items()
                               if (k[0], k[1]) in {(s, a) for s, a, _ in serial_dump}}
        speedup = (serial / n_serial) / (seconds / args.students)
        say(f"speed-up {speedup:.2f}x per student (target >= 1.7x); failed tasks "
            f"{len(report.failures)}; identical gradebooks: {'yes' if same else 'NO'}")
    return 0 if same and not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
