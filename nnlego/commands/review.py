"""``nnlego review``: every piece the grader flagged for a person to look at, in review.csv.

The grader flags a submission it cannot score fairly by itself (a protected name rebound, a
test's helper replaced: :mod:`nnlego.course.grading.scan`); ``nnlego review`` gathers the flags of
every autograded notebook of the course into ``review.csv`` and names the submissions.
"""

from __future__ import annotations


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "review", help="gather the grader's review flags into review.csv",
        description="Write review.csv (student, assignment, notebook, piece, reason): every "
        "flag of every notebook in autograded/, and list the flagged submissions.")
    parser.add_argument("--root", default=".", help="the course root (default: .)")
    parser.add_argument("--out", default="review.csv",
                        help="the CSV file, relative to the root (default: review.csv)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nnlego.course.grading.scan import collect_flags

    rows = collect_flags(args.root, args.out)
    flagged = sorted({(r["student"], r["assignment"]) for r in rows})
    print(f"{len(flagged)} submission(s) flagged for manual review (details in {args.out})"
          + "".join(f"\n  {student} {assignment}" for student, assignment in flagged))
    return 0
