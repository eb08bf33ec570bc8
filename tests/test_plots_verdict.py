"""The figures of chapters 5 and 6 (issue 12): they build off-screen with the right panels."""

import io

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnlego import Network, plots
from nnlego.brick_use import (
    activation_use,
    digit_use,
    knockout_drops,
    negative_drive,
    top_vs_random_knockout,
)
from nnlego.smoothness import all_templates, template_match


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()[:4] == b"\x89PNG"


@pytest.fixture(scope="module")
def small():
    """A 784-8-10 untrained net on random 'images' with every label present."""
    rng = np.random.default_rng(0)
    net = Network([784, 8, 10], init="large", rng=rng, dtype=np.float64)
    X = rng.random((100, 784))
    return net, X, np.arange(100) % 10


def test_activation_use_has_a_histogram_and_one_stacked_bar_per_neuron(small):
    """Two axes; 3 bar stacks of 8 neurons; the thresholds drawn on the histogram."""
    net, X, _ = small
    fig = plots.plot_activation_use(activation_use(net, X, low=0.2, high=0.8))
    hist_ax, bars_ax = fig.axes
    assert len(bars_ax.patches) == 3 * 8
    assert sorted(line.get_xdata()[0] for line in hist_ax.lines) == [0.2, 0.8]
    assert _png(fig)


def test_knockout_heat_map_is_neurons_by_digits_in_points(small):
    """One image of shape (n_hidden, n_classes) in percentage points, symmetric about 0."""
    net, X, y = small
    drops = knockout_drops(net, X, y)
    ax = plots.plot_knockout_drops(drops)
    image = ax.images[0]
    assert isinstance(ax, Axes) and image.get_array().shape == (8, 10)
    np.testing.assert_allclose(image.get_array(), 100 * drops)
    assert image.norm.vmin == -image.norm.vmax
    assert _png(ax.figure)


def test_digit_use_map_is_neurons_by_digits_from_zero_to_one(small):
    """One (n_hidden, n_classes) image on the fixed scale [0, 1]."""
    net, X, y = small
    ax = plots.plot_digit_use(digit_use(net, X, y))
    image = ax.images[0]
    assert image.get_array().shape == (8, 10) and (image.norm.vmin, image.norm.vmax) == (0, 1)
    assert _png(ax.figure)


def test_top_vs_random_and_negative_drive_draw_one_mark_per_digit(small):
    """A top-brick dot per digit; 10 bars per network in the negative-drive chart."""
    net, X, y = small
    rng = np.random.default_rng(1)
    comparisons = {d: top_vs_random_knockout(net, X, y, d, k=2, rng=rng, n_random=20)
                   for d in (0, 3, 8)}
    ax = plots.plot_top_vs_random(comparisons)
    assert len(ax.lines[-1].get_xdata()) == 3 and _png(ax.figure)
    drives = {"a": negative_drive(net, X, y), "b": negative_drive(net, X, y)}
    ax = plots.plot_negative_drive(drives)
    assert len(ax.patches) == 20 and _png(ax.figure)


def test_matched_correlations_one_line_per_condition_sorted():
    """Lines are sorted best first; a 2-D condition gets a band; the legend gives the mean."""
    rng = np.random.default_rng(2)
    conditions = {"trained": rng.uniform(0.3, 0.9, 30), "untrained": rng.uniform(0, 0.1, (3, 30))}
    ax = plots.plot_matched_correlations(conditions)
    assert len(ax.lines) == 3                                  # two conditions + the zero line
    first = ax.lines[0].get_ydata()
    assert np.all(np.diff(first) <= 0) and first[0] == conditions["trained"].max()
    assert len(ax.collections) == 1
    assert f"{conditions['trained'].mean():.2f}" in ax.get_legend().get_texts()[0].get_text()


def test_two_hidden_layers_draws_three_blocks_of_sixteen():
    """784-16-16: 48 image panels, three colour scales (one per kind of weight)."""
    rng = np.random.default_rng(3)
    W1, W2 = rng.standard_normal((784, 16)), rng.standard_normal((16, 16))
    fig = plots.plot_two_hidden_layers(W1, W2)
    panels = [ax for ax in fig.get_axes() if ax.images and ax.get_title().startswith("#")]
    assert len(panels) == 48
    scales = {ax.images[0].norm.vmax for ax in panels}
    assert len(scales) == 3
    assert abs(W2).max() in scales
    assert _png(fig)


def test_template_matches_titles_name_the_template_and_r2():
    """Two rows of n panels with the mask outlined; lower titles carry the name and r²."""
    bank = all_templates()
    images = bank.images[[3, 30]] * np.array([1, -2])[:, None, None]
    match = template_match(images, bank)
    mask = np.zeros((28, 28), dtype=bool)
    mask[6:22, 6:22] = True
    fig = plots.plot_template_matches(images, bank, match, mask=mask)
    assert len(fig.axes) == 4 and all(ax.collections for ax in fig.axes)
    lower = [ax.get_title() for ax in fig.axes[2:]]
    assert lower[0].startswith(bank.names[3]) and "r² = 1.00" in lower[1]
    assert np.allclose(fig.axes[3].images[0].get_array(), -bank.images[30])
    assert _png(fig)


def test_new_figures_refuse_mismatched_input():
    """Wrong shapes raise a ValueError that says what to pass."""
    bank = all_templates()
    match = template_match(bank.images[:2], bank)
    with pytest.raises(ValueError, match="template_match"):
        plots.plot_template_matches(bank.images[:3], bank, match)
    with pytest.raises(ValueError, match="knockout_drops"):
        plots.plot_knockout_drops(np.zeros(10))
    with pytest.raises(ValueError, match="digit_use"):
        plots.plot_digit_use(np.zeros(10))


def test_axes_passed_in_are_used():
    """Every Axes-level function draws on the Axes it is given and returns it."""
    ax = Figure().subplots()
    assert plots.plot_knockout_drops(np.zeros((3, 2)), ax=ax) is ax
    ax = Figure().subplots()
    assert plots.plot_matched_correlations({"x": np.zeros(4)}, ax=ax) is ax
