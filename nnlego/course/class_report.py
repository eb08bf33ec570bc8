"""What did my class get wrong? The class report's contents, computed from the gradebook.

A :class:`ClassReport` holds, for the assignments of one course: how many were submitted,
graded and flagged and the score distribution (:class:`AssignmentSummary`); for every check
the share of students failing it (:class:`CheckSummary`); the failure messages grouped into
templates, numbers and names masked (:class:`ErrorGroup`), each with the chapter section that
teaches the piece; the item analysis of every graded cell (:class:`ItemStat`); and the review
flags, apart (:class:`ReviewFlag`). It is plain data: the page (``report_page``) and the CSV
tables render it, the plots draw it.

The check outcomes it reads are the records the grader writes for each graded submission
(:mod:`nnlego.course.grading.outcomes`).

:func:`build` reads the gradebook (:mod:`nnlego.course.grade_table`, SQLite or PostgreSQL) and
the records, and :func:`assemble` (pure) computes the report: messages grouped by
:mod:`nnlego.course.error_templates`, chapter links by :mod:`nnlego.course.chapter_sections`,
the item analysis by :mod:`nnlego.course.item_analysis` (an item is *poor* below a
discrimination of 0.2), pseudonyms by :mod:`nnlego.course.pseudonyms`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from nnlego.course.failure_patterns import FailurePattern, patterns


@dataclass(frozen=True)
class AssignmentSummary:
    """One assignment: ``submitted`` / ``graded`` / ``flagged`` counts, every graded student's
    total ``scores`` (in the order of ``students``), ``max_score`` and the seconds spent grading
    (``grading_seconds``, summed over its tasks; None when no log says)."""

    assignment: str
    submitted: int
    graded: int
    flagged: int
    students: tuple[str, ...]
    scores: tuple[float, ...]
    max_score: float
    grading_seconds: float | None

    @property
    def mean_score(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


@dataclass(frozen=True)
class CheckSummary:
    """One check (a visible or hidden test of a test cell): of ``reached`` graded students whose
    run got to it, ``failed`` failed it."""

    assignment: str
    cell: str               # the test cell's nbgrader grade id
    check: str              # the check's name within the cell
    kind: str               # "visible" or "hidden"
    reached: int
    failed: int

    @property
    def fail_share(self) -> float:
        return self.failed / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class ErrorGroup:
    """One common error: failure messages of one check that share a ``template`` (numbers,
    names and shapes masked), how many students hit it, one real ``example`` message, the
    ``students`` (ids, or pseudonyms in an anonymised report) and the ``chapter_url`` of the
    section that teaches the piece."""

    assignment: str
    cell: str
    check: str
    template: str
    count: int
    example: str
    students: tuple[str, ...]
    chapter_url: str


@dataclass(frozen=True)
class ItemStat:
    """Item analysis of one graded cell: ``difficulty`` (mean score as a share of the points,
    0–1) and ``discrimination`` (the correlation of the item's score with the rest of the
    assignment's score over the graded students; None when either does not vary);
    ``poor`` marks an item that discriminates badly."""

    assignment: str
    cell: str
    max_points: float
    difficulty: float
    discrimination: float | None
    poor: bool


@dataclass(frozen=True)
class ReviewFlag:
    """A piece the grader flagged for a person's look (suspected tampering), and why."""

    assignment: str
    student: str
    cell: str
    reason: str


@dataclass(frozen=True)
class ClassReport:
    """The whole report of one course (``course`` its name or folder); ``anonymized`` when the
    student ids are pseudonyms."""

    course: str
    anonymized: bool
    assignments: tuple[AssignmentSummary, ...] = ()
    checks: tuple[CheckSummary, ...] = ()
    error_groups: tuple[ErrorGroup, ...] = ()
    items: tuple[ItemStat, ...] = ()
    flags: tuple[ReviewFlag, ...] = field(default=())
    patterns: tuple[FailurePattern, ...] = ()

    def tables(self) -> dict[str, list[dict]]:
        """The report as CSV-ready tables, one list of rows per name: ``assignments``,
        ``checks``, ``errors``, ``patterns``, ``items``, ``flags`` (the page shows the same)."""
        def rows(records, extra=()):
            out = []
            for record in records:
                row = {f.name: _cell(getattr(record, f.name)) for f in fields(record)}
                out.append({**row, **{name: _cell(getattr(record, name)) for name in extra}})
            return out
        assignments = [{key: value for key, value in row.items() if key not in ("students",
                                                                                  "scores")}
                       for row in rows(self.assignments, extra=("mean_score",))]
        return {"assignments": assignments, "checks": rows(self.checks, extra=("fail_share",)),
                "errors": rows(self.error_groups), "patterns": rows(self.patterns),
                "items": rows(self.items), "flags": rows(self.flags)}

    def as_dict(self) -> dict:
        return asdict(self)


def _cell(value):
    """One CSV cell: a tuple of ids as one ';'-joined string, floats rounded for reading."""
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 4)
    return value


# -- building the report from the gradebook and the grader's check outcomes -----------------
def build(course_root, db_url=None, *, assignments=None, anonymize=False,
          book_url=None) -> ClassReport:
    """The :class:`ClassReport` of the course in ``course_root``: its gradebook (``db_url``,
    default the course's nbgrader_config.py), the grader's check outcomes
    (``grading_logs/outcomes/``), only ``assignments`` if given. ``anonymize`` puts stable
    pseudonyms (:mod:`nnlego.course.pseudonyms`) in place of every student id. Chapter links
    start at ``book_url`` (default ``html.baseurl`` of the course's ``_config.yml``; none
    without it: ``chapter_url`` is then "")."""
    from nnlego.course import chapter_sections, grade_table, pseudonyms
    from nnlego.course.grading import outcomes
    from nnlego.course.grading.parallel import load_course

    course = load_course(course_root, db_url)
    table = grade_table.read(course.db_url, course.course_id, assignments)
    records = list(outcomes.read(course.root, sorted(table.assignments)))
    submitted_root = course.root / course.folders["submitted"]
    submitted = {(p.parent.name, p.name) for p in submitted_root.glob("*/*") if p.is_dir()}
    links = chapter_sections.links(course.root, table.assignments, book_url)
    report = assemble(course.course_id or course.root.name, table, records,
                      submitted=submitted, links=links)
    if anonymize:
        students = set(table.students) | {s for s, _ in table.submissions} | \
            {s for s, _ in submitted} | {r["student"] for r in records}
        report = pseudonyms.anonymized(report, pseudonyms.pseudonyms(
            sorted(students), pseudonyms.salt(course.root)))
    return report


def assemble(course: str, table, records, *, submitted=(), links=None) -> ClassReport:
    """The report of a :class:`~nnlego.course.grade_table.GradeTable` and outcome records
    (:mod:`nnlego.course.grading.outcomes`); pure. Records of submissions not in the
    gradebook are left out."""
    records = [r for r in records if (r["student"], r["assignment"]) in table.submissions]
    groups = _error_groups(table, records, links or {})
    return ClassReport(course=course, anonymized=False,
                       assignments=_summaries(table, records, set(submitted)),
                       checks=_checks(table, records), error_groups=groups,
                       items=_items(table), flags=_flags(table, records),
                       patterns=patterns(groups))


def _summaries(table, records, submitted):
    out = []
    for name, cells in table.assignments.items():
        graded = table.of(name)
        mine = [r for r in records if r["assignment"] == name]
        seconds = [r["seconds"] for r in mine if r.get("seconds") is not None]
        flagged = {r["student"] for r in mine if r.get("flags")} | \
            {s.student for s in graded if s.flagged}
        handed_in = {s for s, a in submitted if a == name} | {s.student for s in graded}
        out.append(AssignmentSummary(name, len(handed_in), len(graded), len(flagged),
                                     tuple(s.student for s in graded),
                                     tuple(s.score for s in graded), cells.max_score,
                                     float(sum(seconds)) if seconds else None))
    return tuple(out)


def _failures(table, records):
    """{(assignment, cell, check): [kind, reached, [(student, message) of failures]]}, in the
    assignments' cell order and the checks' line order."""
    found = {}
    for record in records:
        for cell in record["cells"]:
            for check in cell["checks"]:
                entry = found.setdefault((record["assignment"], cell["grade_id"], check["name"]),
                                         [check["kind"], 0, []])
                entry[1] += check["passed"] is not None
                if check["passed"] is False:
                    entry[2].append((record["student"], check.get("message") or ""))
    order = {(a, c): i for a, cells in table.assignments.items()
             for i, c in enumerate(cells.cells)}
    seen = {key: i for i, key in enumerate(found)}
    keys = sorted(found, key=lambda k: (k[0], order.get(k[:2], len(order)), seen[k]))
    return {key: found[key] for key in keys}


def _checks(table, records):
    return tuple(CheckSummary(a, cell, check, kind, reached, len(failed))
                 for (a, cell, check), (kind, reached, failed) in
                 _failures(table, records).items())


def _error_groups(table, records, links):
    from nnlego.course.error_templates import template

    groups = []
    for (a, cell, check), (_, _, failed) in _failures(table, records).items():
        by_template = {}
        for student, message in sorted(failed):
            by_template.setdefault(template(message), []).append((student, message))
        for text, hits in by_template.items():
            groups.append(ErrorGroup(a, cell, check, text, len(hits), hits[0][1],
                                     tuple(s for s, _ in hits), links.get((a, cell), "")))
    return tuple(sorted(groups, key=lambda g: (-g.count, g.assignment, g.cell, g.check,
                                               g.template)))


def _items(table):
    from nnlego.course.item_analysis import analyse

    out = []
    for name, cells in table.assignments.items():
        graded = table.of(name)
        if not graded:
            continue
        items = [c for c in cells.cells if c in cells.auto
                 or all(c in s.manual for s in graded)]
        scores = [[s.cells.get(c, 0.0) for c in items] for s in graded]
        stats = analyse(scores, [cells.cells[c] for c in items],
                        totals=[s.score for s in graded]) if items else []
        out += [ItemStat(name, c, cells.cells[c], *stat) for c, stat in zip(items, stats)]
    return tuple(out)


def _flags(table, records):
    out = set()
    for record in records:
        for pieces in (record.get("flags") or {}).values():
            for piece, reasons in pieces.items():
                out |= {ReviewFlag(record["assignment"], record["student"], piece, reason)
                        for reason in reasons}
    reviewed = {(f.student, f.assignment) for f in out}
    out |= {ReviewFlag(s.assignment, s.student, "*", "flagged in the gradebook")
            for s in table.submissions.values()
            if s.flagged and (s.student, s.assignment) not in reviewed}
    return tuple(sorted(out, key=lambda f: (f.assignment, f.student, f.cell, f.reason)))
