"""The class report on disk: ``index.html`` with its figures, and the same tables as CSV.

``write(report, out_dir)`` renders a :class:`~nnlego.course.class_report.ClassReport` into
``out_dir``: ``index.html`` (one page, inline CSS, no script, no external resource: it opens
offline, from a USB stick or a course's file share), its figures as PNG files in
``out_dir/figures/`` (drawn by :mod:`nnlego.plots.class_report`), and ``assignments.csv``,
``checks.csv``, ``errors.csv``, ``patterns.csv``, ``items.csv``, ``flags.csv``
(``ClassReport.tables()``). Per assignment the page shows the counts, the score histogram, the
share failing each check, the common errors (most frequent first, each with the chapter
section that teaches the piece), the students who failed the same way (failure patterns), the
item analysis with the poor items marked; the review flags come apart, at the end.

A CSV cell that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: a message from a student's code can) is written with a
leading ``'``, as OWASP advises.
"""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from pathlib import Path

from nnlego import plots
from nnlego.files import write_bytes, write_text
from nnlego.plots.display import describe

from . import report_html as h
from .class_report import (
    AssignmentSummary,
    CheckSummary,
    ClassReport,
    ErrorGroup,
    ItemStat,
    ReviewFlag,
)
from .failure_patterns import FailurePattern

TABLES = {"assignments": AssignmentSummary, "checks": CheckSummary, "errors": ErrorGroup,
          "patterns": FailurePattern, "items": ItemStat, "flags": ReviewFlag}
FIGURE_DPI = 110
FIGURES = ("scores", "checks", "items")   # figures/<kind>-<assignment number>.png


def write(report: ClassReport, out_dir) -> Path:
    """Write the page, its figures and the CSV tables into ``out_dir`` (created). Returns the
    path of ``index.html``."""
    if not isinstance(report, ClassReport):
        raise TypeError(f"report must be a ClassReport (nnlego.course.class_report.build), "
                        f"got {type(report).__name__}")
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for stale in (out / "figures").glob("*-[0-9]*.png"):   # a previous report's figures
        if stale.name.split("-")[0] in FIGURES:
            stale.unlink()
    for name, rows in report.tables().items():
        write_text(out / f"{name}.csv", csv_text(rows, header(name)))
    parts = [_heading(report)]
    for k, summary in enumerate(report.assignments, start=1):
        parts.append(_assignment(report, summary, k, out))
    parts.append(_flags(report.flags))
    return write_text(out / "index.html", h.page(f"Class report: {report.course}", parts))


def header(name: str) -> list[str]:
    """The columns of table ``name``, as ``ClassReport.tables()`` writes them (also when it
    has no rows)."""
    names = [f.name for f in fields(TABLES[name])]
    if name == "assignments":
        names = [n for n in names if n not in ("students", "scores")] + ["mean_score"]
    return names + (["fail_share"] if name == "checks" else [])


def csv_text(rows, columns) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: _defused(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _defused(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _heading(report) -> str:
    who = "pseudonyms (anonymized)" if report.anonymized else "student ids"
    toc = "".join(f'<li><a href="#assignment-{k}">{h.text(s.assignment)}</a></li>'
                  for k, s in enumerate(report.assignments, start=1))
    csvs = ", ".join(f'<a href="{name}.csv">{name}.csv</a>' for name in TABLES)
    return (f"<h1>What did my class get wrong?</h1><p>Course <strong>{h.text(report.course)}"
            f"</strong>: {len(report.assignments)} assignment(s); students shown by {who}. "
            f"The same tables as CSV: {csvs}.</p>"
            f'<nav><ul>{toc}<li><a href="#flags">Review flags ({len(report.flags)})</a></li>'
            "</ul></nav>")


def _assignment(report, summary, k, out) -> str:
    name = summary.assignment
    checks = [c for c in report.checks if c.assignment == name]
    errors = sorted((e for e in report.error_groups if e.assignment == name),
                    key=lambda e: (-e.count, e.cell, e.check, e.template))
    items = [i for i in report.items if i.assignment == name]
    mean = summary.mean_score
    counts = h.table(["submitted", "graded", "flagged", "mean score", "time spent grading"],
                     [[(summary.submitted, "num"), (summary.graded, "num"),
                       (summary.flagged, "num"),
                       (f"{h.number(mean)} / {h.number(summary.max_score)}"
                        if mean is not None else h.UNSET, "num"),
                       (h.duration(summary.grading_seconds), "num")]])
    parts = [f'<section id="assignment-{k}"><h2>{h.text(name)}</h2>', counts]
    if summary.scores:
        parts.append(h.figure(_figure(out, f"scores-{k}", "plot_score_histogram", summary),
                              f"Total scores of the {len(summary.scores)} graded students; "
                              f"the dashed line is the maximum, {h.number(summary.max_score)}."))
    patterns = [p for p in report.patterns if p.assignment == name]
    parts += [_checks(out, k, checks), _errors(errors), _patterns(patterns),
              _items(out, k, items), "</section>"]
    return "".join(parts)


def _checks(out, k, checks) -> str:
    if not checks:
        return "<h3>Checks</h3><p>No check outcome was recorded.</p>"
    ordered = sorted(checks, key=lambda c: (-c.fail_share, c.cell, c.check))
    rows = [[h.text(c.cell), h.text(c.check), h.text(c.kind), (c.reached, "num"),
             (c.failed, "num"), (h.percent(c.fail_share), "num")] for c in ordered]
    return ("<h3>Checks: who failed what</h3>"
            + h.figure(_figure(out, f"checks-{k}", "plot_fail_shares", checks),
                       "The share of the students who reached each check and failed it.")
            + h.table(["test cell", "check", "kind", "reached", "failed", "failing"], rows))


def _errors(errors) -> str:
    if not errors:
        return "<h3>Common errors</h3><p>No failure message was recorded.</p>"
    rows = [[(e.count, "num"), f"{h.text(e.cell)}<br>{h.text(e.check)}",
             (f"<code>{h.text(e.template)}</code>", "msg"), (h.text(e.example), "msg"),
             h.students(e.students), h.link(e.chapter_url, h.section_label(e.chapter_url))]
            for e in errors]
    return ("<h3>Common errors, most frequent first</h3>"
            '<p class="note">A template is a failure message with its numbers, names and '
            "shapes masked; the link opens the section that teaches the piece.</p>"
            + h.table(["students", "check", "template", "example", "who", "revisit"], rows))


def _patterns(patterns) -> str:
    if not patterns:
        return ""
    rows = [[(p.count, "num"), h.text(", ".join(p.cells)),
             ("<br>".join(h.text(f) for f in p.failures), "msg"), h.students(p.students)]
            for p in patterns]
    return ("<h3>Students who failed the same way</h3>"
            '<p class="note">Each row is one set of failures, every failed check of a '
            "submission together: one mistake made by several students is one row, even where "
            "its messages look like another mistake's.</p>"
            + h.table(["students", "cells", "failures", "who"], rows))


def _items(out, k, items) -> str:
    if not items:
        return "<h3>Item analysis</h3><p>No graded cell to analyse.</p>"
    rows = [[h.text(i.cell), (h.number(i.max_points), "num"),
             (h.number(i.difficulty), "num"), (h.number(i.discrimination), "num"),
             '<span class="mark">&#9888; discriminates badly</span>' if i.poor else "ok"]
            for i in items]
    return ("<h3>Item analysis</h3>"
            + h.figure(_figure(out, f"items-{k}", "plot_item_analysis", items),
                       "Difficulty (mean share of the points) against discrimination "
                       "(correlation with the rest of the assignment); poor items in orange.")
            + h.table(["test cell", "points", "difficulty", "discrimination", "verdict"], rows,
                      row_classes=["poor" if i.poor else "" for i in items]))


def _flags(flags) -> str:
    if not flags:
        return '<section id="flags"><h2>Review flags</h2><p>No piece was flagged.</p></section>'
    rows = [[h.text(f.assignment), h.text(f.student), h.text(f.cell), (h.text(f.reason), "msg")]
            for f in sorted(flags, key=lambda f: (f.assignment, f.student, f.cell))]
    return ('<section id="flags"><h2>Review flags</h2><p class="note">Pieces the grader could '
            "not score fairly by itself (suspected tampering): look at each before the grades "
            "go out.</p>" + h.table(["assignment", "student", "cell", "reason"], rows)
            + "</section>")


def _figure(out, stem, plot, data):
    """Draw ``nnlego.plots.<plot>(data)`` into ``figures/<stem>.png``; (src, w, h, alt)."""
    fig = getattr(plots, plot)(data).figure
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI)
    write_bytes(out / "figures" / f"{stem}.png", buffer.getvalue())
    width, height = (round(v) for v in fig.get_size_inches() * FIGURE_DPI)
    return f"figures/{stem}.png", width, height, describe(fig)
