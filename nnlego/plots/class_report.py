"""The class report's figures: score distributions, fail shares per check, item analysis.

Inputs are the records of :mod:`nnlego.course.class_report` (``AssignmentSummary``,
``CheckSummary``, ``ItemStat``), read by their attributes only (this layer does not import the
course's); nothing is computed here beyond counting into bins and sorting. Colours: hidden
tests dark, visible tests light; an item that discriminates badly orange, the others blue.

Book: appendix B, "What did my class get wrong?".
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._style import describe_as

POOR_COLOUR, GOOD_COLOUR = "tab:orange", "tab:blue"
KIND_COLOURS = {"hidden": "0.25", "visible": "0.65"}
DISCRIMINATION_THRESHOLD = 0.2   # the usual rule of thumb: below it, an item separates poorly


def plot_score_histogram(summary, *, ax=None, bins=None):
    """The graded students' total scores of one assignment (an ``AssignmentSummary``) as a
    histogram on ``[0, max_score]``, the maximum marked by a dashed line. ``bins``: the bin
    edges' count + 1 (default: one bin per point, at most 20)."""
    scores = np.asarray(summary.scores, dtype=float)
    top = float(summary.max_score)
    if not np.isfinite(top) or top <= 0:
        raise ValueError(f"max_score of {summary.assignment!r} is {summary.max_score!r}; "
                         "expected a positive number of points")
    if ax is None:
        ax = Figure(figsize=(5.6, 3.2), layout="constrained").subplots()
        describe_as(ax.figure, f"Score distribution of {summary.assignment}")
    bins = bins or int(min(20, max(1, np.ceil(top))))
    ax.hist(scores, bins=bins, range=(0, top), color="0.45", edgecolor="white")
    ax.axvline(top, color="tab:green", ls="--", lw=1.5, label=f"max score {top:g}")
    ax.set(xlabel="total score", ylabel="students", xlim=(-0.02 * top, 1.04 * top),
           title=f"{summary.assignment}: {len(scores)} graded")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def _check_label(check) -> str:
    return f"{check.cell} · {check.check}"


def plot_fail_shares(checks, *, ax=None, title=None):
    """One horizontal bar per check (``CheckSummary``): the share of the students who reached
    it and failed it, in %, the most failed on top; hidden and visible tests in two greys."""
    checks = sorted(checks, key=lambda c: (c.fail_share, _check_label(c)))
    if ax is None:
        ax = Figure(figsize=(6.4, 1.2 + 0.32 * max(1, len(checks))),
                    layout="constrained").subplots()
        describe_as(ax.figure, "Share of students failing each check")
    shares = [100 * c.fail_share for c in checks]
    ax.barh(range(len(checks)), shares, color=[KIND_COLOURS.get(c.kind, "0.5") for c in checks],
            height=0.7)
    ax.set_yticks(range(len(checks)), [_check_label(c) for c in checks], fontsize=8)
    for kind, colour in KIND_COLOURS.items():   # legend entries, drawn or not
        ax.bar(0, 0, color=colour, label=f"{kind} test")
    ax.set(xlabel="students failing it (%)", xlim=(0, 100),
           title=title or "Which checks failed most")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def _item_title(undefined) -> str:
    if not undefined:
        return "Item analysis"
    if len(undefined) > 2:
        return f"Item analysis ({len(undefined)} items without spread)"
    return f"Item analysis (no spread: {', '.join(undefined)})"


def plot_item_analysis(items, *, ax=None, threshold=DISCRIMINATION_THRESHOLD, title=None):
    """Item analysis, one point per graded cell (``ItemStat``): difficulty (mean score as a
    share of its points; 1 = everyone got it) across, discrimination (its correlation with the
    rest of the assignment) up. Items marked ``poor`` are orange squares; a dashed line at
    ``threshold``. An item whose discrimination is undefined (no spread) is listed in the
    subtitle, not drawn."""
    drawn = [i for i in items if i.discrimination is not None]
    undefined = [i.cell for i in items if i.discrimination is None]
    if ax is None:
        ax = Figure(figsize=(5.6, 3.8), layout="constrained").subplots()
        describe_as(ax.figure, "Item analysis: difficulty against discrimination per test cell")
    for poor, colour, marker, label in ((False, GOOD_COLOUR, "o", "discriminates"),
                                        (True, POOR_COLOUR, "s", "discriminates badly")):
        group = [i for i in drawn if bool(i.poor) == poor]
        ax.scatter([i.difficulty for i in group], [i.discrimination for i in group],
                   color=colour, marker=marker, s=40, label=label, zorder=3)
        for i in group:
            ax.annotate(i.cell, (i.difficulty, i.discrimination), fontsize=8,
                        xytext=(4, 3), textcoords="offset points")
    ax.axhline(threshold, color="0.3", ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set(xlabel="difficulty (mean share of the points)", ylabel="discrimination",
           xlim=(-0.05, 1.1), ylim=(-1.05, 1.05), title=title or _item_title(undefined))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return ax
