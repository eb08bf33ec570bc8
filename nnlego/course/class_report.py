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
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


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

    def tables(self) -> dict[str, list[dict]]:
        """The report as CSV-ready tables, one list of rows per name: ``assignments``,
        ``checks``, ``errors``, ``items``, ``flags`` (the page shows the same)."""
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
                "errors": rows(self.error_groups), "items": rows(self.items),
                "flags": rows(self.flags)}

    def as_dict(self) -> dict:
        return asdict(self)


def _cell(value):
    """One CSV cell: a tuple of ids as one ';'-joined string, floats rounded for reading."""
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 4)
    return value
