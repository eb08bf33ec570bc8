"""Plots: every figure renders off-screen, the colours mean what the articles say, no pyplot."""

import io
import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlego import History, plots
from nnlego.bricks import hidden_images, top_bricks


def _render(fig):
    """Draw ``fig`` with Agg; return its RGB pixels as floats in [0, 1] (row 0 at the top)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3] / 255


def _pixel(fig, rgb, ax, x, y):
    """The colour at axes fraction (x, y) of ``ax`` (y up)."""
    col, row = ax.transAxes.transform((x, y))
    return rgb[int(rgb.shape[0] - row), int(col)]


def _weights(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((784, 30)), rng.standard_normal((30, 10))


def test_positive_renders_blue_negative_red_zero_white():
    """One image on the scale [-1, 1]: left third +0.6, middle 0, right third -0.6."""
    image = np.zeros((1, 28, 30))
    image[0, :, :10], image[0, :, 20:] = 0.6, -0.6
    fig = plots.plot_weight_images(image, vmax=1.0)
    rgb = _render(fig)
    ax = fig.axes[0]
    blue, white, red = (_pixel(fig, rgb, ax, x, 0.5) for x in (1 / 6, 0.5, 5 / 6))
    assert blue[2] > blue[0] + 0.3 and blue[2] > blue[1]
    assert red[0] > red[2] + 0.3 and red[0] > red[1]
    assert np.all(white > 0.9)


def test_one_symmetric_scale_per_figure():
    """Every panel shares one norm [-vmax, vmax] with vmax = the largest |w| shown."""
    images = np.stack([np.full((28, 28), 0.5), np.full((28, 28), -2.0)])
    fig = plots.plot_weight_images(images)
    norms = {(im.norm.vmin, im.norm.vmax) for ax in fig.axes for im in ax.images}
    assert norms == {(-2.0, 2.0)}


def test_brick_collage_labels_its_bricks():
    """The collage shows the output neuron, k blue and k red bricks titled with their indices."""
    W1, W2 = _weights()
    fig = plots.plot_brick_collage(W1, W2, digit=8, k=3)
    top = top_bricks(W2, 8, 3)
    titles = [ax.get_title() for ax in fig.axes]
    for j in np.concatenate([top.blue_idx, top.red_idx]):
        assert any(t.startswith(f"#{j} ") for t in titles)
    assert any("output neuron 8" in t for t in titles)
    _render(fig)


def test_every_figure_renders_to_png():
    """Each plot function draws with Agg and returns its Figure or Axes."""
    rng = np.random.default_rng(1)
    W1, W2 = _weights()
    images = rng.random((4, 28, 28))
    corr = rng.uniform(-0.2, 0.9, (28, 28))
    history = History(
        train_loss=[1.0, 0.5],
        train_accuracy=[0.5, 0.8],
        eval_loss={"test": [1.1, 0.6]},
        eval_accuracy={"test": [0.5, 0.7]},
    )
    figures = [
        plots.plot_weight_images(hidden_images(W1), ncols=10, titles=None),
        plots.plot_assembled_bricks(W1, W2),
        plots.plot_tile_shuffle(images, images[:, ::-1], grid=4, titles=list("abcd")),
        plots.plot_correlation_map(corr, grid=4).figure,
        plots.plot_correlation_maps({"normal": corr, "shuffled": -corr}, grid=4),
        plots.plot_accuracy_matrix(
            [[0.9, 0.2], [0.3, 0.8]], ["a", "b"], ["c", "d"], reference=[[0.88, 0.1], [0.2, 0.85]]
        ).figure,
        plots.plot_training_curves({"run": history, "as dict": history.to_dict()}),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        assert buffer.getvalue()[:4] == b"\x89PNG"


def test_correlation_map_draws_the_tile_grid_on_a_given_axes():
    """grid=4 draws 3 horizontal and 3 vertical lines on the Axes passed in; NaN stays grey."""
    ax = Figure().subplots()
    corr = np.full((28, 28), 0.5)
    corr[27, 27] = np.nan
    assert plots.plot_correlation_map(corr, grid=4, ax=ax) is ax
    assert len(ax.lines) == 6


def test_accuracy_matrix_shows_ours_and_the_articles_numbers():
    """Each cell reads like '91.0%' with '(article: 89.0%)' beneath."""
    ax = plots.plot_accuracy_matrix(
        [[0.91, 0.1], [0.2, 0.85]],
        ["normal", "shuffled"],
        ["normal", "shuffled"],
        reference=[[0.89, 0.1], [0.2, 0.8]],
    )
    texts = [t.get_text() for t in ax.texts]
    assert "91.0%\n(article: 89.0%)" in texts and len(texts) == 4


def test_training_curves_plot_every_run_and_eval_set():
    """One loss line per run, one accuracy line per run and evaluation set."""
    h = History(
        train_loss=[1.0, 0.5, 0.4], eval_accuracy={"test": [0.5, 0.6, 0.7], "val": [0.4, 0.5, 0.6]}
    )
    fig = plots.plot_training_curves({"a": h, "b": h})
    loss_ax, acc_ax = fig.axes[:2]
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 4


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plots.plot_weight_images(np.zeros((28, 28))), "hidden_images"),
        (
            lambda: plots.plot_tile_shuffle(np.zeros((2, 28, 28)), np.zeros((3, 28, 28))),
            "same shape",
        ),
        (lambda: plots.plot_accuracy_matrix(np.zeros((2, 2)), ["a"], ["b", "c"]), "one label"),
    ],
)
def test_bad_input_is_refused(call, message):
    """Mismatched inputs raise a ValueError that names the fix."""
    with pytest.raises(ValueError, match=message):
        call()


def test_importing_and_plotting_never_loads_pyplot():
    """The module is headless-safe: no pyplot, so no interactive backend and no global figures."""
    code = (
        "import sys, numpy as np; from nnlego import plots; "
        "plots.plot_correlation_map(np.zeros((28, 28))).figure.savefig(__import__('io')"
        ".BytesIO()); assert 'matplotlib.pyplot' not in sys.modules"
    )
    env = dict(os.environ, MPLBACKEND="TkAgg")  # would fail headless if it were selected
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_hidden_size_sweep_draws_mean_spread_and_the_article():
    sweeps = {"network.py": {30: [95.0, 94.0], 2: [30.0, 40.0]},
              "network2": {30: [96.0, 96.0], 2: [38.0, 39.0]}}
    ax = plots.plot_hidden_size_sweep(sweeps, {2: 22.8})
    FigureCanvasAgg(ax.figure).draw()
    means = {bars.get_label(): bars.lines[0].get_ydata() for bars in ax.containers}
    assert np.allclose(means["network.py (seed range)"], [35.0, 94.5])     # sizes 2, 30
    assert np.allclose(means["network2 (seed range)"], [38.5, 96.0])
    article = [line for line in ax.lines if line.get_label() == "the article"][0]
    assert list(article.get_xdata()) == [0] and list(article.get_ydata()) == [22.8]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "30"]


def test_accuracy_matrix_shows_the_seed_range_in_every_cell():
    """With low/high each cell reads '91.0%', then '[90.0%, 92.0%]', then the article."""
    m = np.array([[0.91, 0.1], [0.2, 0.85]])
    ax = plots.plot_accuracy_matrix(m, ["a", "b"], ["c", "d"], low=m - 0.01, high=m + 0.01,
                                    reference=m)
    assert "91.0%\n[90.0%, 92.0%]\n(article: 91.0%)" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValueError, match="both low and high"):
        plots.plot_accuracy_matrix(m, ["a", "b"], ["c", "d"], low=m)


def test_correlation_map_scale_is_fitted_to_the_values_by_default():
    """A map in 0.2..0.7 gets a 0.2..0.7 colour scale; 'symmetric' gives -0.7..0.7."""
    corr = np.linspace(0.2, 0.7, 784).reshape(28, 28)
    norm = plots.plot_correlation_map(corr).images[0].norm
    assert (norm.vmin, norm.vmax) == pytest.approx((0.2, 0.7))
    norm = plots.plot_correlation_map(corr, scale="symmetric").images[0].norm
    assert (norm.vmin, norm.vmax) == pytest.approx((-0.7, 0.7))
    fig = plots.plot_correlation_maps({"a": corr, "b": corr - 0.1})
    assert fig.axes[0].images[0].norm.vmin == pytest.approx(0.1)
    assert fig.axes[-1].get_ylabel() == plots.savant.CORRELATION_LABEL


def test_savant_curves_draw_mean_band_and_the_article_at_its_epoch():
    """One mean line per test set, the article's numbers as crosses at the given epoch."""
    curves = {"original": [[20.0, 32.0, 40.0], [22.0, 30.0, 41.0]],
              "shuffled": [[50.0, 63.0, 70.0], [52.0, 61.0, 69.0]]}
    ax = plots.plot_savant_curves(curves, article={"original": 32, "shuffled": 63}, epoch=2)
    crosses = [line for line in ax.lines if line.get_marker() == "x" and len(line.get_xdata())]
    assert sorted(float(line.get_ydata()[0]) for line in crosses) == [32.0, 63.0]
    assert all(float(line.get_xdata()[0]) == 2 for line in crosses)
    with pytest.raises(ValueError, match="n_seeds, n_epochs"):
        plots.plot_savant_curves({"original": [1.0, 2.0]})


def test_neuron_tiles_outline_the_highlighted_tiles():
    """Three tiles highlighted in the first image: three rectangles on its Axes."""
    fig = plots.plot_neuron_tiles(np.zeros((2, 28, 28)), 4, highlights=[[0, 5, 10], []])
    assert len(fig.axes[0].patches) == 3 and len(fig.axes[1].patches) == 0
