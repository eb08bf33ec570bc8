"""``nnlego grades``: grades.csv, one row per student and released assignment.

nbgrader's own CSV export (the columns of ``nbgrader export``), without the assignments
nobody has handed in yet (:mod:`nnlego.course.grading.export`): they would read as 0 for
everyone. ``--all`` exports every assignment of the gradebook, as ``nbgrader export`` does.
"""

from __future__ import annotations


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "grades", help="export grades.csv (the assignments handed in so far)",
        description="Write grades.csv with nbgrader's CSV exporter: one row per student of the "
        "gradebook and per assignment that anyone has handed in (a student who handed in "
        "nothing gets 0); the assignments nobody has handed in yet are left out and named.")
    parser.add_argument("--root", default=".", help="the course root (default: .)")
    parser.add_argument("--out", default="grades.csv",
                        help="the CSV file, relative to the root (default: grades.csv)")
    parser.add_argument("--all", action="store_true", dest="every",
                        help="every assignment of the gradebook, handed in or not")
    parser.add_argument("--db", default=None, metavar="URL",
                        help="the gradebook (default: nbgrader_config.py's)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nnlego.course.grading.export import export_grades

    exported, left_out = export_grades(args.root, args.out, every=args.every, db_url=args.db)
    print(f"{args.out}: {len(exported)} assignment(s): {', '.join(exported) or 'none'}")
    if left_out:
        print(f"left out, nobody has handed them in yet (--all exports them): "
              f"{', '.join(left_out)}")
    return 0
