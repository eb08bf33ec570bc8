"""Profile grading tasks: where the seconds of one student's one assignment go (issue 23).

One synthetic student (``--variant``, default ``solution``: every cell runs) hands in every
assignment of ``--assignments`` (default: all). Each task runs in this process exactly as a
grading worker runs it (:func:`nnlego.course.grading.parallel_tasks.grade_here`, the course's
``nbgrader_config.py`` with ``NNLEGO_GRADER_ENGINE`` set to ``--engine``: ``v2``, the default,
or ``v1``; or stock nbgrader: ``--engine plain``), its result is merged into the course
gradebook as the parent of a run does, then its feedback is written. Every phase is timed by
wrapping the functions that do it (nothing of the engine changes):

- the task: its gradebook (a copy of the template), nbgrader's API and configuration, staging
  the submission, nbgrader's set-up (gradebook rows, the solutions' other files), each
  preprocessor of the sanitizing pass (``OverwriteCells``, ...) and of the grading pass
  (``ComputeAndJudge`` or ``ProtectedExecute``, ``ScoreByTokens``, ...), writing the notebook,
  permissions, the check outcomes; feedback (``GenerateFeedback``'s preprocessors and the HTML
  export);
- v2, inside ``ComputeAndJudge``: the grader's setup, nnlego's copy without the pieces the tests
  ask for, the zygote (started once per assignment), the child's fork and end, each kind of cell
  (setup, answers, tests, demonstrations not run, other code, markdown);
- v1 and plain, inside the kernel's run: the kernel's start (launch; wait until it answers:
  bwrap, Python, imports, ipykernel), each kind of cell and the kernel's shutdown.

Columns: calls, wall seconds, CPU seconds of this (the grading) process, share of the tasks'
wall time; ``(rest)`` is a phase's time outside the phases listed under it. The kernel's own CPU
is in the task's total (``cpu_seconds``: the children waited for). A first, untimed task pays the
imports a long-lived worker pays once. Then the kernel's start is split, each part measured
alone (best of 3): Python's start, the launcher's imports, bwrap's set-up, the kernel's imports
inside the sandbox; and the stock ``python3`` kernel's start for comparison.

Run: ``python benchmarks/profile_grading_task.py [--detail 02_forward_pass 12_capstone]
[--assignments ...] [--engine v2|v1|plain] [--cprofile FILE]``: one student's whole course,
the detailed tables for ``--detail``, the course's summed. About 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_grading import REPOSITORY, load, say
from bench_grading_engines import PLAIN_CONFIG, grading_env
from orphan_cpu import OrphanReaper
from profile_phases import Phases, kernel_start_parts, patch_grading

from nnlego.course.grading import gradebook as gbook
from nnlego.course.grading import parallel, parallel_tasks, synthetic

STUDENT = "student_000"


def make_course(root, assignments, variant, engine) -> parallel.Course:
    synthetic.make_course(root, assignments, repo=REPOSITORY)
    synthetic.write_class(root, {(STUDENT, a): variant for a in assignments}, repo=REPOSITORY,
                          rng=np.random.default_rng(0))
    if engine == "plain":
        (Path(root) / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    return parallel.load_course(root)


def one_task(course, assignment, template, phases) -> dict:
    """Autograde, merge (as the parent does), feedback: one student's one assignment."""
    with gbook.opened(course.db_url, course.course_id) as gb:
        spec = parallel.task_spec(course, "autograde", gb, STUDENT, assignment, 3600, template)
        outcome = phases.call("autograde task", parallel_tasks.grade_here, spec)
        if not outcome["ok"]:
            raise RuntimeError(f"{assignment}: {outcome.get('error')} (log: {spec['log']})")
        phases.call("merge into the course gradebook (parent)", parallel._merge, gb, outcome)
        spec = parallel.task_spec(course, "feedback", gb, STUDENT, assignment, 3600, template)
    feedback = phases.call("feedback task", parallel_tasks.grade_here, spec)
    if not feedback["ok"]:
        raise RuntimeError(f"{assignment} feedback: {feedback.get('error')}")
    return {"autograde": outcome, "feedback": feedback}


def keep_stdout(function, *args):
    """grade_here points fds 1 and 2 at the task's log, then at /dev/null: give them back."""
    saved = os.dup(1), os.dup(2)
    try:
        return function(*args)
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def profile(course, assignments, template, profiler=None):
    """{assignment: (Phases, outcomes)}, after one untimed warm-up task. A sandboxed kernel's
    CPU time is added to its task's ``cpu_seconds`` (orphan_cpu.py)."""
    warm = time.perf_counter()
    keep_stdout(one_task, course, assignments[0], template, Phases())
    say(f"warm-up task ({assignments[0]}, first in this process): "
        f"{time.perf_counter() - warm:.1f} s")
    results, reaper = {}, OrphanReaper()
    reaper.start()
    for assignment in assignments:
        phases = Phases()
        reaper.on_start({"student": STUDENT, "assignment": assignment}, os.getpid())
        with patch_grading(phases):
            if profiler:
                profiler.enable()
            outcomes = keep_stdout(one_task, course, assignment, template, phases)
            if profiler:
                profiler.disable()
        reaper.settle()
        outcomes["autograde"]["cpu_seconds"] += reaper.cpu.pop((STUDENT, assignment), 0.0)
        results[assignment] = phases, outcomes
    reaper.stop()
    return results


def task_line(name, phases, outcomes) -> str:
    task = outcomes["autograde"]
    start = (phases.total("kernel start: wait until it answers")
             + phases.total("v2: fork the notebook's child"))
    return (f"{name:<18} autograde {task['seconds']:6.1f} s wall, {task['cpu_seconds']:6.1f} s "
            f"CPU incl. the kernel; feedback {outcomes['feedback']['seconds']:5.1f} s; kernel "
            f"start or child's fork {start:4.1f} s; cells {phases.total_prefix('cell: '):6.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=None,
                        help="default: every assignment of solutions/")
    parser.add_argument("--detail", nargs="*", default=["02_forward_pass", "12_capstone"])
    parser.add_argument("--variant", default="solution",
                        help="solution, blank or wrong_<name> (tests/wrong_solutions/)")
    parser.add_argument("--engine", choices=("v2", "v1", "plain"), default="v2")
    parser.add_argument("--cprofile", default=None, help="write cProfile stats of the tasks")
    args = parser.parse_args(argv)
    assignments = args.assignments or synthetic.assignments_of(REPOSITORY)
    saved, umask = dict(os.environ), os.umask(0o022)
    os.umask(umask)
    os.environ.update(grading_env(args.engine))     # one BLAS thread, nnlego-kernel, the engine
    try:
        return run(args, assignments)
    finally:       # grade_here sets a worker's umask (the course's); this process goes on
        os.umask(umask)
        os.environ.clear()
        os.environ.update(saved)


def run(args, assignments) -> int:
    profiler = None
    if args.cprofile:
        import cProfile
        profiler = cProfile.Profile()
    say(f"{args.engine}, one student ({args.variant}) x {len(assignments)} assignments; "
        f"{load()}")
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="nnlego-profile-") as tmp:
        course = make_course(Path(tmp) / "course", assignments, args.variant, args.engine)
        os.chdir(course.root)
        template = Path(tmp) / "template.db"
        start = time.perf_counter()
        gbook.make_template(course.db_url, course.course_id, template)
        say(f"template gradebook (once per run): {time.perf_counter() - start:.2f} s")
        results = profile(course, assignments, template, profiler)
        os.chdir(here)
    for name in args.detail:
        if name in results:
            say(f"\n== {name} ==\n" + results[name][0].table())
    whole = Phases.summed([phases for phases, _ in results.values()])
    say(f"\n== the whole course of one student ({len(results)} assignments, summed) ==\n"
        + whole.table())
    say("\n" + "\n".join(task_line(name, *results[name]) for name in results))
    say("\nthe kernel's start, each part alone (best of 3 runs):\n" + kernel_start_parts())
    if profiler:
        profiler.dump_stats(args.cprofile)
        say(f"\ncProfile stats: {args.cprofile} (python -m pstats {args.cprofile})")
    say(load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
