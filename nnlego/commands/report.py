"""``nnlego report``: what did my class get wrong? The class report as a page and CSV tables.

From the gradebook (SQLite or PostgreSQL) and the check outcomes the grader recorded,
``nnlego report`` writes ``report/index.html`` in the course root (figures beside it, no
network needed to read it) and the same tables as CSV (:mod:`nnlego.course.report_page`);
``--anonymize`` shows stable pseudonyms instead of student ids; ``--lms canvas|moodle`` also
writes the grades as the CSV that Canvas or Moodle imports (``grades-canvas.csv``,
``grades-moodle.csv``; :mod:`nnlego.course.lms_export`). A report with real ids holds student
data: keep it out of the repository (``.gitignore`` has ``/report/``).
"""

from __future__ import annotations

from pathlib import Path

LMS = ("canvas", "moodle")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report", help="the class report: what did my class get wrong? (HTML + CSV)",
        description="Write the class report (index.html, its figures and the CSV tables) from "
        "the gradebook and the recorded check outcomes: per assignment the score "
        "distribution, per check the share failing it and the common errors, the item "
        "analysis, the review flags.")
    parser.add_argument("--root", "--course", dest="root", default=".", metavar="ROOT",
                        help="the course root (default: .)")
    parser.add_argument("--db", "--db-url", dest="db", default=None, metavar="URL",
                        help="the gradebook (default: nbgrader_config.py's, else "
                        "sqlite:///<root>/gradebook.db)")
    parser.add_argument("--assignment", action="append", default=None, metavar="NAME",
                        help="only this assignment (repeatable; default: every graded one)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="the report's folder (default: report/ in the course root)")
    parser.add_argument("--anonymize", action="store_true",
                        help="stable pseudonyms instead of student ids")
    parser.add_argument("--book-url", default=None, metavar="URL",
                        help="the book whose sections the common errors link to (default: "
                        "the published book)")
    parser.add_argument("--lms", choices=LMS, default=None,
                        help="also write the grades as the CSV this platform imports")
    parser.add_argument("--moodle-identifier", default=None, metavar="FIELD",
                        help="with --lms moodle: the user field that matches the student ids "
                        "(default: lms_export's)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nnlego.course.class_report import build
    from nnlego.course.report_page import write

    root = _course_root(args.root)
    out = Path(args.out) if args.out else root / "report"
    _check_options(args)
    report = build(root, args.db, assignments=args.assignment, anonymize=args.anonymize,
                   book_url=args.book_url)
    page = write(report, out)
    lines = [f"class report of {len(report.assignments)} assignment(s): {page}"]
    lines += [f"  {a.assignment}: {a.graded} graded, {a.flagged} flagged, "
              f"{sum(e.count for e in report.error_groups if e.assignment == a.assignment)} "
              "failures in common errors" for a in report.assignments]
    if args.lms:
        lines.append(f"grades for {args.lms.capitalize()}: {export_grades(root, args, out)}")
    if not report.anonymized:
        lines.append("it shows student ids: keep it out of the repository (or --anonymize)")
    print("\n".join(lines))
    return 0


def _course_root(root) -> Path:
    root = Path(root)
    if not (root / "nbgrader_config.py").is_file():
        raise ValueError(f"--root {str(root)!r}: no nbgrader_config.py there; run nnlego report "
                         "from the course's root (the repository root) or pass --root")
    return root.resolve()


def _check_options(args):
    if args.lms and args.anonymize:
        raise ValueError(f"--lms {args.lms} with --anonymize: a learning platform needs the "
                         "real student ids; run the export without --anonymize")
    if args.moodle_identifier and args.lms != "moodle":
        raise ValueError(f"--moodle-identifier {args.moodle_identifier!r} needs --lms moodle, "
                         f"got --lms {args.lms}")
    for name in args.assignment or ():
        if not name.strip():
            raise ValueError(f"--assignment {name!r}: expected an assignment's folder name, "
                             "e.g. 02_forward_pass")


def export_grades(root, args, out) -> Path:
    """The grades as the platform's import CSV: every student and released assignment of the
    gradebook, real ids (:func:`nnlego.course.lms_export.read_rows`), not only the report's."""
    from nnlego.course import lms_export

    rows = lms_export.read_rows(root, args.db)
    path = Path(out) / f"grades-{args.lms}.csv"
    if args.lms == "canvas":
        lms_export.to_canvas(rows, path)
    elif args.moodle_identifier:
        lms_export.to_moodle(rows, path, identifier=args.moodle_identifier)
    else:
        lms_export.to_moodle(rows, path)
    return path
