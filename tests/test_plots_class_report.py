"""The class report's figures (issue 28): what they draw, from made-up reports."""

import io
from dataclasses import replace

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from support.class_reports import class_report

from nnlego import plots
from nnlego.plots.class_report import KIND_COLOURS, POOR_COLOUR
from nnlego.plots.display import describe


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()[:4] == b"\x89PNG"


@pytest.fixture(params=[0, 1, 2])
def report(request):
    return class_report(rng=np.random.default_rng(request.param), n_students=9 + request.param)


def test_the_histogram_counts_every_graded_score_up_to_the_maximum(report):
    """The bars hold every score once; the range is [0, max]; a line marks the maximum."""
    for summary in report.assignments:
        ax = plots.plot_score_histogram(summary)
        heights = [patch.get_height() for patch in ax.patches]
        assert isinstance(ax, Axes) and sum(heights) == len(summary.scores)
        lefts = [patch.get_x() for patch in ax.patches]
        right = ax.patches[-1].get_x() + ax.patches[-1].get_width()
        assert min(lefts) == 0 and right == pytest.approx(summary.max_score)
        (line,) = ax.lines
        assert line.get_xdata()[0] == summary.max_score
        assert f"{summary.max_score:g}" in ax.get_legend().get_texts()[0].get_text()
        assert summary.assignment in describe(ax.figure)
        assert _png(ax.figure)


def test_the_histogram_puts_each_score_in_its_bin():
    """Scores 0, 0, 9 of 9 points: two in the first bin, one in the last (the maximum itself)."""
    summary = replace(class_report(rng=np.random.default_rng(0)).assignments[0],
                      scores=(0.0, 0.0, 9.0), max_score=9.0)
    heights = [p.get_height() for p in plots.plot_score_histogram(summary).patches]
    assert heights[0] == 2 and heights[-1] == 1 and sum(heights[1:-1]) == 0


@pytest.mark.parametrize("bad", [0.0, -3.0, float("nan")])
def test_a_maximum_that_is_no_number_of_points_is_refused(bad):
    summary = replace(class_report(rng=np.random.default_rng(0)).assignments[0], max_score=bad)
    with pytest.raises(ValueError, match="max_score of '02_forward_pass'.*positive"):
        plots.plot_score_histogram(summary)


def test_the_fail_shares_are_one_bar_per_check_most_failed_on_top(report):
    """Bar lengths are the fail shares in %, sorted; each bar's colour says hidden or visible."""
    ax = plots.plot_fail_shares(report.checks)
    bars = ax.patches[:len(report.checks)]   # then the legend's two empty entries
    widths = [b.get_width() for b in bars]
    assert len(bars) == len(report.checks)
    assert widths == sorted(widths)
    assert sorted(widths) == pytest.approx(sorted(100 * c.fail_share for c in report.checks))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    top = max(report.checks, key=lambda c: (c.fail_share, f"{c.cell} · {c.check}"))
    assert labels[-1] == f"{top.cell} · {top.check}"
    from matplotlib.colors import to_rgba
    assert to_rgba(bars[-1].get_facecolor()) == to_rgba(KIND_COLOURS[top.kind])
    assert _png(ax.figure)


def test_the_item_analysis_draws_every_item_with_a_spread_and_marks_the_poor(report):
    """One point per item (difficulty, discrimination); poor ones orange; a threshold line."""
    ax = plots.plot_item_analysis(report.items, threshold=0.3)
    groups = [c for c in ax.collections if isinstance(c, PathCollection)]
    points = np.concatenate([g.get_offsets() for g in groups])
    drawn = [i for i in report.items if i.discrimination is not None]
    expected = sorted((i.difficulty, i.discrimination) for i in drawn)
    np.testing.assert_allclose(sorted(map(tuple, points)), expected)
    poor = next(g for g in groups if g.get_label() == "discriminates badly")
    assert len(poor.get_offsets()) == sum(i.poor for i in drawn)
    from matplotlib.colors import to_rgba
    if len(poor.get_offsets()):
        assert tuple(poor.get_facecolor()[0]) == to_rgba(POOR_COLOUR)
    assert 0.3 in [line.get_ydata()[0] for line in ax.lines]
    assert {t.get_text() for t in ax.texts} == {i.cell for i in drawn}
    assert _png(ax.figure)


def test_an_item_without_spread_is_named_not_drawn():
    report = class_report(rng=np.random.default_rng(0))
    items = [replace(report.items[0], discrimination=None, poor=True), *report.items[1:3]]
    ax = plots.plot_item_analysis(items)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 2
    assert items[0].cell in ax.get_title()


def test_many_items_without_spread_are_counted_in_the_title():
    report = class_report(rng=np.random.default_rng(0))
    items = [replace(i, discrimination=None) for i in report.items]
    ax = plots.plot_item_analysis(items)
    assert ax.get_title() == f"Item analysis ({len(items)} items without spread)"
    assert sum(len(c.get_offsets()) for c in ax.collections) == 0
