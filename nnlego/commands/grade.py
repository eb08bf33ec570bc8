"""``nnlego grade`` and ``nnlego feedback``: every submission in parallel, with a summary.

``nnlego grade`` autogrades what ``submitted/`` holds and the gradebook lacks, and every
resubmission (files changed since they were graded; ``--force``: everything again), only for
students on the roster when the gradebook has one (``--include-unknown-students``: the others
too), ``--workers N`` tasks at once (default: one per core; ``--workers 1`` grades
one at a time) or on a Dask cluster (``--scheduler tls://host:8786 --certs DIR``; a plain
``tcp://`` one only with ``--insecure-scheduler``); ``nnlego feedback``
writes ``feedback/`` for every graded submission the same way, again for a regraded one.
A progress bar shows done / total, the failures so far and the time left; at the end, a line
per assignment (graded, failed, flagged for review, mean score), what ran and why (new,
resubmitted, forced), what was skipped as unchanged, the students not on the roster, and each
failure's log. The
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
        "lacks or whose files changed since they were graded (a resubmission), one nbgrader "
        "task per submission, in parallel; the course's nbgrader_config.py applies to every task.")
    feedback = subparsers.add_parser(
        "feedback", help="write feedback/ for every graded submission, in parallel",
        description="Write feedback/<student>/<assignment>/*.html for every autograded "
        "submission that has none, or whose autograded notebook changed since (regraded), "
        "hidden tests cleared, one nbgrader task per submission, in parallel.")
    for parser, step in ((grade, "autograde"), (feedback, "feedback")):
        _add_options(parser)
        parser.set_defaults(func=run, step=step)
    return grade


def _add_options(parser):
    parser.add_argument("--force", action="store_true",
                        help="redo everything, changed or not (default: only what is new or "
                        "changed since it was done)")
    parser.add_argument("--include-unknown-students", action="store_true",
                        help="also grade the folders of submitted/ whose student is not on the "
                        "gradebook's roster (default: report them, grade nothing)")
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
        tqdm.write(f"nnlego {args.command}: {plan_text(report)} on {where}", file=sys.stderr)
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
                   on_outcome=finished, wait=args.wait,
                   include_unknown=args.include_unknown_students, certs=args.certs,
                   insecure_scheduler=args.insecure_scheduler)
    bar.close()
    print(summary_text(report))
    return 1 if report.failures else 0


def plan_text(report) -> str:
    """What the run will do: "autograde 3 submissions (2 new, 1 resubmitted; 5 unchanged,
    skipped)"."""
    return (f"{report.step} {len(report.planned)} submissions ({_reasons(report)}"
            f"{len(report.skipped)} unchanged, skipped)")


def _reasons(report) -> str:
    """"2 new, 1 resubmitted; " (why the tasks run), or "" when none does."""
    from nnlego.course.grading.planning import why_text

    counts = {}
    for why in sorted(report.why.values()):
        word = why_text(report.step, why)
        counts[word] = counts.get(word, 0) + 1
    return "".join(f"{', '.join(f'{n} {word}' for word, n in counts.items())}; " if counts
                   else "")


def summary_text(report) -> str:
    """The end-of-run table: one line per assignment, what ran and why, what was skipped, the
    students not on the roster, then the log of every failure."""
    done = "written" if report.step == "feedback" else "graded"
    lines = [f"{'assignment':<20} {'tasks':>6} {done:>7} {'failed':>6} {'flagged':>7}  mean score"]
    for assignment, row in report.summary.items():
        mean = ("-" if row["mean_score"] is None
                else f"{row['mean_score']:.2f} / {row['max_score']:g}")
        lines.append(f"{assignment:<20} {row['tasks']:>6} {row['graded']:>7} {row['failed']:>6} "
                     f"{row['flagged']:>7}  {mean}")
    seconds = sum(o["seconds"] for o in report.outcomes)
    lines.append(f"{len(report.outcomes)} tasks run ({_reasons(report)}{seconds:.0f} "
                 f"task-seconds), {len(report.skipped)} unchanged, skipped, "
                 f"{len(report.failures)} failed")
    lines += _again(report) + _roster(report)
    lines += [f"  log of {o['student']} {o['assignment']}: {o['log']}" for o in report.failures]
    lines += [f"  {o['student']} {o['assignment']}: left out of the submission: "
              f"{'; '.join(o['dropped'][:3])}{' ...' if len(o['dropped']) > 3 else ''}"
              for o in report.outcomes if o.get("dropped")]
    return "\n".join(lines)


_WHY = {"changed": {"autograde": "its files changed since it was graded",
                    "feedback": "its autograded notebook or its grades changed since its feedback"}}


def _again(report) -> list[str]:
    """One line per task that ran again because its input changed."""
    from nnlego.course.grading.planning import why_text

    return [f"  {why_text(report.step, why)}: {student} {assignment} ({_WHY[why][report.step]})"
            for (student, assignment), why in sorted(report.why.items()) if why == "changed"]


def _roster(report) -> list[str]:
    if report.step != "autograde":
        return []
    if not report.roster:
        return ["no roster: the gradebook lists no students, so every folder of submitted/ is "
                "taken for a student (nbgrader db student import students.csv)"]
    if not report.unknown:
        return []
    students = sorted({student for student, _ in report.unknown})
    what = ("graded all the same (--include-unknown-students)" if report.include_unknown else
            "not graded: a mistyped folder name? else add them with `nbgrader db student add "
            "ID` or grade them with `make grade UNKNOWN=1` (--include-unknown-students)")
    return [f"{len(students)} student(s) of submitted/ not on the roster, {what}:"] + [
        f"  {student}: {', '.join(a for s, a in report.unknown if s == student)}"
        for student in students]
