"""``nnlego grade`` and ``nnlego feedback``: every submission in parallel, with a summary.

``nnlego grade`` autogrades what ``submitted/`` holds and the gradebook lacks (``--force``:
everything again), ``--workers N`` tasks at once (default: one per core; ``--workers 1`` grades
one at a time) or on a Dask cluster (``--scheduler tls://host:8786 --certs DIR``; a plain
``tcp://`` one only with ``--insecure-scheduler``); ``nnlego feedback``
writes ``feedback/`` for every graded submission the same way.
A progress bar shows done / total, the failures so far and the time left; at the end, a line
per assignment (graded, failed, flagged for review, mean score) and each failure's log. The
exit status is 1 when a task failed (the others are graded all the same), else 0; 2 with one
line when the course is busy (another run holds it: ``--wait`` waits) or the gradebook cannot be
used (locked, damaged, no server, no driver, not a URL).
"""

from __future__ import annotations

import sys

from tqdm import tqdm

from nnlego.commands import positive_int, seconds


def add_parser(subparsers):
    grade = subparsers.add_parser(
        "grade", help="autograde submitted/ in parallel (in the sandbox)",
        description="Autograde every (student, assignment) of submitted/ that the gradebook "
        "lacks, one nbgrader task per submission, in parallel; the course's nbgrader_config.py "
        "applies to every task.")
    feedback = subparsers.add_parser(
        "feedback", help="write feedback/ for every graded submission, in parallel",
        description="Write feedback/<student>/<assignment>/*.html for every autograded "
        "submission that has none (hidden tests cleared), one nbgrader task per submission, "
        "in parallel.")
    for parser, step in ((grade, "autograde"), (feedback, "feedback")):
        _add_options(parser)
        parser.set_defaults(func=run, step=step)
    return grade


def _add_options(parser):
    parser.add_argument("--force", action="store_true", help="redo what is already done")
    parser.add_argument("--workers", type=positive_int, default=None,
                        help="tasks at once on this machine (default: the number of cores)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the tasks on the Dask cluster at ADDRESS (tls://host:8786); "
                        "its workers must see the course directory")
    parser.add_argument("--certs", default=None, metavar="DIR",
                        help="the course's Dask certificates (made by `nnlego course certs "
                        "DIR`; default: $NNLEGO_DASK_CERTS)")
    parser.add_argument("--insecure-scheduler", action="store_true",
                        help="accept a plain tcp:// scheduler, which runs anyone's code as you: "
                        "only if no one else can reach it")
    parser.add_argument("--db", default=None, metavar="URL",
                        help="the gradebook (default: nbgrader_config.py's, else "
                        "sqlite:///<root>/gradebook.db); e.g. postgresql://user@host/nnlego")
    parser.add_argument("--root", default=".", help="the course root (default: .)")
    parser.add_argument("--assignment", action="append", default=None, metavar="NAME",
                        help="only this assignment (repeatable)")
    parser.add_argument("--student", action="append", default=None, metavar="ID",
                        help="only this student (repeatable)")
    parser.add_argument("--timeout", type=seconds, default=3600,
                        help="seconds before a task is killed (default: 3600)")
    parser.add_argument("--wait", action="store_true",
                        help="if another grade or feedback runs on this course, wait for it to "
                        "end, then do what is left (default: stop with a message)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args) -> int:
    from nnlego.course.grading.parallel import default_workers, grade
    from nnlego.course.privacy import warning

    step = args.step
    exposed = warning(args.root)
    if exposed:
        print(f"nnlego {args.command}: {exposed}", file=sys.stderr)
    bar = None

    def planned(report):
        nonlocal bar
        n = args.workers or default_workers()
        where = args.scheduler or f"{n} worker{'s' if n > 1 else ''}"
        tqdm.write(f"nnlego {args.command}: {step} {len(report.planned)} submissions "
                   f"({len(report.skipped)} already done) on {where}", file=sys.stderr)
        bar = tqdm(total=len(report.planned), desc=step, unit="task", file=sys.stderr,
                   disable=args.no_progress or None, dynamic_ncols=True)
        bar.set_postfix(failed=0)

    failed = 0

    def finished(outcome):
        nonlocal failed
        failed += not outcome["ok"]
        bar.set_postfix(failed=failed)
        bar.update(1)
        if not outcome["ok"]:
            tqdm.write(f"failed: {outcome['student']} {outcome['assignment']}: "
                       f"{outcome['error']}", file=sys.stderr)

    report = grade(args.root, step=step, workers=args.workers, scheduler=args.scheduler,
                   force=args.force, db_url=args.db, assignments=args.assignment,
                   students=args.student, timeout=args.timeout, on_plan=planned,
                   on_outcome=finished, wait=args.wait, certs=args.certs,
                   insecure_scheduler=args.insecure_scheduler)
    bar.close()
    print(summary_text(report))
    return 1 if report.failures else 0


def summary_text(report) -> str:
    """The end-of-run table: one line per assignment, then the log of every failure."""
    done = "written" if report.step == "feedback" else "graded"
    lines = [f"{'assignment':<20} {'tasks':>6} {done:>7} {'failed':>6} {'flagged':>7}  mean score"]
    for assignment, row in report.summary.items():
        mean = ("-" if row["mean_score"] is None
                else f"{row['mean_score']:.2f} / {row['max_score']:g}")
        lines.append(f"{assignment:<20} {row['tasks']:>6} {row['graded']:>7} {row['failed']:>6} "
                     f"{row['flagged']:>7}  {mean}")
    seconds = sum(o["seconds"] for o in report.outcomes)
    lines.append(f"{len(report.outcomes)} tasks run ({seconds:.0f} task-seconds), "
                 f"{len(report.skipped)} already done, {len(report.failures)} failed")
    lines += [f"  log of {o['student']} {o['assignment']}: {o['log']}" for o in report.failures]
    return "\n".join(lines)
