"""Benchmark: the CPU and wall time of grading a class, plain nbgrader vs the course's engines.

A synthetic class (``bench_grading.build``: solutions, wrong solutions and blanks, seeded) of
``--students`` students x ``--assignments`` (default: all) is graded from an empty gradebook by
``nnlego.course.grading.parallel.grade`` with each of ``--workers`` (1 and 2) worker processes
and each engine of ``--engines``:

- ``plain``: stock nbgrader: its default autograde preprocessors (``Execute``,
  ``SaveAutoGrades``, ...) and the stock ``python3`` kernel, no sandbox, no tokens; the run's
  course gets a throwaway ``nbgrader_config.py`` with only the course's folders and cell timeout;
- ``v1``: the first engine, ``NNLEGO_GRADER_ENGINE=v1`` (the sandboxed kernel, token-scored
  tests, demonstrations skipped);
- ``v2``: the same course with ``NNLEGO_GRADER_ENGINE=v2`` (``nnlego.course.grading.judge``:
  the student's process only computes, the tests run in the grader, warm forks).

Each configuration runs in a subprocess of its own (grading process, workers, kernels,
sandboxes): its CPU seconds are the user + system time of all of them, from
``getrusage(RUSAGE_CHILDREN)`` before and after. bwrap leaves its sandboxed kernel's process
unreaped (``orphan_cpu.py``), so that subprocess is a child subreaper that reaps them and adds
each one's CPU to the task that started it; a task's CPU is its worker's (``cpu_seconds``) plus
that. Every kernel uses one BLAS thread. Printed: wall
seconds, CPU seconds per student for the whole course, students per minute, what 300 students
would take on 2 cores (CPU / 2: perfectly parallel; and at the measured rate), the ratios of
each engine to plain and of v2 to v1 (issue 23's goal: v2 at most 15 CPU-seconds per student),
the mean wall and CPU seconds per submission of each assignment (the tasks' ``seconds`` and
``cpu_seconds``), whether the engines agree on the scores, and the load average.

Run: ``python benchmarks/bench_grading_engines.py [--students 30] [--engines plain v1 v2]
[--workers 1 2] [--assignments 02_forward_pass ...]``: 30 students take about an hour per
configuration on 2 cores; ``--students 2`` about 15 minutes for all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean

from bench_grading import BIN, REPOSITORY, build, load, say

from nnlego.course.grading import gradebook as gbook
from nnlego.course.grading import synthetic
from nnlego.course.grading.parallel_worker import ONE_THREAD

ENGINES = ("plain", "v1", "v2")
GOAL = 15.0            # issue 23: v2's CPU seconds per student for the whole course, at most
CLASS = 300            # the class the projection is for, on 2 cores

PLAIN_CONFIG = '''"""Stock nbgrader (bench_grading_engines.py): default preprocessors, python3."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "nnlego"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.Execute.timeout = 60
c.Execute.kernel_name = "python3"
'''


@dataclass
class Run:
    engine: str
    workers: int
    wall: float = 0.0
    cpu: float = 0.0
    outcomes: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)    # (student, assignment) -> total score

    @property
    def label(self):
        return f"{self.engine}, {self.workers} worker{'s' * (self.workers > 1)}"

    @property
    def failed(self):
        return sum(not o["ok"] for o in self.outcomes)


def grading_env(engine) -> dict:
    env = {**os.environ, **ONE_THREAD, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env["NNLEGO_GRADER_ENGINE"] = "v1" if engine == "plain" else engine   # (plain: own config)
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_configuration(course, root, engine, workers) -> Run:
    """Grade a copy (root) of the course with one engine and worker count, in a subprocess."""
    run = Run(engine, workers)
    shutil.copytree(course, root)
    if engine == "plain":
        (root / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--grade", str(root), "--workers",
                           str(workers)], env=grading_env(engine), cwd=root,
                          capture_output=True, text=True)
    run.wall, run.cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode:
        raise RuntimeError(f"{run.label}: grading failed ({done.returncode}): "
                           f"{done.stderr[-3000:]}")
    run.outcomes = json.loads(root.with_suffix(".json").read_text())
    for (student, assignment, _), row in gbook.dump(gbook.sqlite_url(root / "gradebook.db"),
                                                   "nnlego").items():
        run.scores[student, assignment] = sum(auto or 0.0 for auto, _, _ in row[3].values())
    return run


def grade_here(root, workers) -> None:
    """The subprocess: grade the course in root; the tasks' outcomes into root + ".json"."""
    from orphan_cpu import OrphanReaper

    from nnlego.course.grading import parallel

    reaper = OrphanReaper()
    reaper.start()
    report = parallel.grade(root, workers=workers, on_start=reaper.on_start)
    reaper.stop()
    keys = ("student", "assignment", "ok", "seconds", "cpu_seconds", "error")
    outcomes = [{key: o.get(key) for key in keys} for o in report.outcomes]
    for outcome in outcomes:       # + the sandboxed kernel's (orphan_cpu.py)
        outcome["cpu_seconds"] = ((outcome["cpu_seconds"] or 0.0)
                                  + reaper.cpu.get((outcome["student"], outcome["assignment"]),
                                                   0.0))
    Path(root).with_suffix(".json").write_text(json.dumps(outcomes))


def summary_rows(runs, n_students) -> list[str]:
    head = (f"{'configuration':<20} {'wall s':>8} {'CPU s/student':>14} {'students/min':>13} "
            f"{f'{CLASS} on 2 cores: CPU/2':>25} {'at this rate':>13} {'failed':>7}")
    rows = [head, "-" * len(head)]
    for run in runs:
        per_student, per_minute = run.cpu / n_students, 60 * n_students / run.wall
        rows.append(f"{run.label:<20} {run.wall:8.1f} {per_student:14.1f} {per_minute:13.2f} "
                    f"{CLASS * per_student / 2 / 60:21.1f} min {CLASS / per_minute:9.1f} min "
                    f"{run.failed:7d}")
    return rows


def ratio_rows(runs, n_students) -> list[str]:
    by = {(r.engine, r.workers): r for r in runs}
    rows = []
    for workers in sorted({r.workers for r in runs}):
        for engine, base in (("v1", "plain"), ("v2", "plain"), ("v2", "v1")):
            run, other = by.get((engine, workers)), by.get((base, workers))
            if run is None or other is None:
                continue
            rows.append(f"{engine} / {base}, {workers} worker(s): "
                        f"CPU {run.cpu / other.cpu:.2f}x, wall {run.wall / other.wall:.2f}x")
    for run in runs:
        if run.engine == "v2":
            verdict = (f"{run.cpu / n_students:.1f}  "
                       f"{'PASS' if run.cpu / n_students <= GOAL else 'MISS'}")
            rows.append(f"v2 CPU s/student, {run.workers} worker(s) (goal <= {GOAL:g}): "
                        f"{verdict}")
    return rows


def per_assignment_rows(runs, assignments) -> list[str]:
    measured = list(runs)
    rows = ["mean seconds per submission, wall / CPU (the task's worker and its kernel):",
            f"{'assignment':<20}" + "".join(f"{r.label:>22}" for r in measured)]
    for assignment in assignments:
        cells = []
        for run in measured:
            mine = [o for o in run.outcomes if o["assignment"] == assignment and o["ok"]]
            cells.append(f"{fmean(o['seconds'] for o in mine):8.1f} / "
                         f"{fmean(o['cpu_seconds'] or 0.0 for o in mine):5.1f}"
                         if mine else "-")
        rows.append(f"{assignment:<20}" + "".join(f"{c:>22}" for c in cells))
    return rows


def agreement_rows(runs) -> list[str]:
    by = {(r.engine, r.workers): r for r in runs}
    rows = []
    for (engine, workers), run in by.items():
        base = by.get(("v1", workers))
        if engine == "v1" or base is None:
            continue
        same = sum(run.scores.get(k) == v for k, v in base.scores.items())
        rows.append(f"scores, {engine} vs v1, {workers} worker(s): the same on {same} of "
                    f"{len(base.scores)} submissions")
    return rows


def measure(n_students, engines, workers, assignments, seed=0) -> list[Run]:
    """Build the class once, then grade a fresh copy with every configuration."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="nnlego-bench-engines-") as tmp:
        course = Path(tmp) / "course"
        roster = build(course, n_students, assignments, seed)
        say(f"{n_students} students x {len(assignments)} assignments: {len(roster)} "
            f"submissions; {os.cpu_count()} cores; {load()}")
        for engine in engines:
            for n in workers:
                run = run_configuration(course, Path(tmp) / f"{engine}-{n}", engine, n)
                say(f"  {run.label}: {run.wall:.1f} s wall, {run.cpu:.1f} CPU s; {load()}")
                runs.append(run)
    return runs


def report(runs, n_students, assignments) -> None:
    say("")
    for block in (summary_rows(runs, n_students), ratio_rows(runs, n_students),
                  per_assignment_rows(runs, assignments), agreement_rows(runs)):
        say("\n".join(block) + "\n")
    say(load())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--assignments", nargs="+", default=None,
                        help="default: every assignment of solutions/")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grade", default=None, help=argparse.SUPPRESS)  # the subprocess
    args = parser.parse_args(argv)
    if args.grade:
        grade_here(args.grade, args.workers[0])
        return 0
    assignments = args.assignments or synthetic.assignments_of(REPOSITORY)
    runs = measure(args.students, args.engines, args.workers, assignments, args.seed)
    report(runs, args.students, assignments)
    return 1 if any(run.failed for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
