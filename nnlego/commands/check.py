"""``nnlego check PATH.ipynb``: check your answers to an assignment without a grader.

Runs your notebook's setup and answer cells (never the course's test cells) in a fresh Python
process, then checks each piece on fresh random inputs against nnlego's own implementation and
prints PASS / FAIL (with the kind of input that failed and the fix) / NOT ATTEMPTED. These are
published checks, not the course's hidden tests. Exit status: 0 if every piece passes, 1 if
one does not, 2 on bad usage. The work is done by :mod:`nnlego.course.selfcheck.runner`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from tqdm.auto import tqdm

from nnlego.commands import non_negative_int, seconds

from ..course.selfcheck import registry, runner

LABELS = {"pass": "PASS", "fail": "FAIL", "not attempted": "NOT ATTEMPTED"}
NOT_HIDDEN = ("These are nnlego's published self-checks (fresh random inputs, compared with "
              "nnlego's own implementation), not the course's hidden tests.")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``check`` on the ``nnlego`` parser's ``subparsers``."""
    parser = subparsers.add_parser(
        "check", help="check your answers to an assignment (no grader needed)",
        description=__doc__.split("\n\n")[1], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("notebook", nargs="?", metavar="PATH.ipynb",
                        help="your notebook (any name, anywhere)")
    parser.add_argument("--assignment", metavar="NN", default=None,
                        help="which assignment it is, e.g. 2 or 02_forward_pass (default: "
                             "from the notebook's cells, title or file name)")
    parser.add_argument("--piece", action="append", metavar="NAME", default=None,
                        help="check only this piece (repeatable); --list shows the names")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N",
                        help="seed of the checks' random inputs (default: a random one, "
                             "printed so that a failure can be repeated)")
    parser.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS",
                        help="time allowed to each cell and each check (default: 60)")
    parser.add_argument("--all-cells", action="store_true",
                        help="also run the code cells after the last answer (the course's "
                             "demonstrations, which can take a while)")
    parser.add_argument("--list", action="store_true",
                        help="list the pieces (of this notebook's assignment, or of all)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    if args.list:
        return _list(args)
    if args.notebook is None:
        raise ValueError("give the path of your notebook, e.g. nnlego check forward_pass.ipynb "
                         "(or --list to see the assignments)")
    options = dict(assignment=args.assignment, pieces=args.piece, all_cells=args.all_cells)
    total = runner.steps(args.notebook, **options)
    bar = tqdm(total=total, unit="step", leave=False, file=sys.stderr,
               disable=True if args.no_progress else None)

    started = []

    def progress(label):                  # called as a step starts: count the one before
        bar.update(1 if started else 0)
        started.append(label)
        bar.set_description(label)

    try:
        report = runner.check_notebook(args.notebook, seed=args.seed, timeout=args.timeout,
                                       progress=progress, **options)
    finally:
        bar.close()
    print_report(report)
    return 0 if report.passed else 1


def print_report(report, out=None):
    """The report as a learner reads it: the notebook's problems, one line per piece, a sum."""
    out = out or sys.stdout
    print(f"nnlego check: {report.path.name} is assignment {report.assignment}; "
          f"seed {report.seed}", file=out)
    for result in report.cells:
        if result.status in ("error", "timeout", "crashed"):
            print(f"  your notebook: {result.detail}", file=out)
    width = max(len(label) for label in LABELS.values())
    for verdict in report.verdicts:
        print(f"{LABELS[verdict.status]:<{width}}  {verdict.piece}", file=out)
        text = f"on {verdict.kind}: {verdict.detail}" if verdict.kind else verdict.detail
        if text:
            print(textwrap.fill(text, 100, initial_indent=" " * 4, subsequent_indent=" " * 4,
                                break_on_hyphens=False), file=out)
    n = len(report.verdicts)
    summary = (f"{report.count('pass')} of {n} pieces pass, {report.count('fail')} fail, "
               f"{report.count('not attempted')} not attempted.")
    if not report.passed:
        summary += f" Repeat this run with --seed {report.seed}."
    print(summary, file=out)
    print(textwrap.fill(NOT_HIDDEN, 100), file=out)


def _list(args) -> int:
    if args.notebook is not None or args.assignment is not None:
        if args.assignment:
            assignments = [registry.resolve(args.assignment)]
        else:
            from ..course.selfcheck import notebook
            assignments = [registry.identify(args.notebook, notebook.read(args.notebook))]
    else:
        assignments = list(registry.modules())
    for assignment in assignments:
        module = registry.load(registry.modules()[assignment])
        print(assignment)
        for piece in module.PIECES:
            print(f"  {piece.name:<24} needs {', '.join(piece.needs)}; stands for the test "
                  f"cell(s) {', '.join(piece.covers)}")
    return 0
