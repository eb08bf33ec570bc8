"""Figures that say what they show (nnlego.plots.display), and figures that fit a laptop's column.

Issue 24: alt text from a figure's own words, never a file name; the smallest text and the
smallest annotation in the PNG, for the browser checks; the accuracy matrix's colour bar.
"""

import io
import struct

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlego import plots
from nnlego.plots import display

COLUMN_INCHES_AT_1280 = 688 / 100   # the text column at 1280 px, at 100 CSS px per inch


def _png_text(data):
    chunks, pos = {}, 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"tEXt":
            key, _, value = data[pos + 8:pos + 8 + length].partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        pos += 12 + length
    return chunks


def test_describe_uses_the_figures_own_words():
    """Title, panel titles, axis labels and colour bar, in one sentence."""
    fig = Figure()
    ax = fig.subplots()
    im = ax.imshow(np.eye(3))
    ax.set(title="test accuracy", xlabel="tested on", ylabel="trained on")
    fig.colorbar(im, ax=ax, label="accuracy")
    fig.suptitle("Fashion-MNIST")
    text = display.describe(fig)
    for words in ("Fashion-MNIST", "test accuracy", "trained on (vertical) by tested on",
                  "colour bar: accuracy"):
        assert words in text, (words, text)
    assert text.startswith("Figure: ") and text.endswith(".")


def test_describe_names_a_few_panels_and_counts_the_rest():
    """30 panels titled #0..#29: six named, 'and 24 more'; a figure label leads."""
    fig = Figure()
    for i, ax in enumerate(fig.subplots(5, 6).ravel()):
        ax.set_title(f"#{i}")
    fig.set_label("hidden neurons' weights as 28 x 28 images")
    text = display.describe(fig)
    assert text.startswith("Figure: hidden neurons' weights as 28 x 28 images. 30 panels: #0;")
    assert "#5 and 24 more" in text and "#6" not in text


def test_describe_an_empty_figure_still_says_something():
    assert display.describe(Figure()) == "Figure: an unlabelled plot."


def test_smallest_text_skips_hidden_axes_and_invisible_text():
    """A hidden axis's tick labels and an invisible note do not count; a 6 pt note does."""
    fig = Figure()
    ax = fig.subplots()
    ax.set_title("title", fontsize=12)
    ax.tick_params(labelsize=9)
    hidden = ax.text(0.5, 0.5, "hidden", fontsize=3)
    hidden.set_visible(False)
    assert display.smallest_text_pt(fig) == 9
    assert display.smallest_annotation_pt(fig) is None
    ax.text(0.1, 0.1, "note", fontsize=6)
    assert display.smallest_text_pt(fig) == 6
    assert display.smallest_annotation_pt(fig) == 6
    ax.axis("off")
    bare = Figure()
    bare_ax = bare.subplots()
    bare_ax.axis("off")
    bare_ax.tick_params(labelsize=2)
    assert display.smallest_text_pt(bare) is None


def test_png_metadata_is_written_into_the_png():
    """savefig(metadata=png_metadata(fig)) carries the description and both sizes."""
    ax = plots.plot_accuracy_matrix([[0.9, 0.1], [0.2, 0.8]], ["a", "b"], ["c", "d"])
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", metadata=display.png_metadata(ax.figure))
    chunks = _png_text(buffer.getvalue())
    assert chunks["Description"] == display.describe(ax.figure)
    assert float(chunks[display.SMALLEST_ANNOTATION_KEY]) == 11
    assert float(chunks[display.SMALLEST_TEXT_KEY]) <= 11


def test_describe_inline_figures_outside_ipython_does_nothing(monkeypatch):
    """No IPython shell running (another test may have left one: pretend there is none)."""
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert display.describe_inline_figures() is False


def test_describe_inline_figures_registers_a_described_png_formatter():
    """In an IPython shell a Figure is shown as a retina PNG carrying the description."""
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert display.describe_inline_figures(shell) is True
        fig = Figure(figsize=(2, 1))
        fig.subplots().set_title("two panels")
        data, meta = shell.display_formatter.format(fig)
        png = data["image/png"]
        png = png if isinstance(png, bytes) else __import__("base64").b64decode(png)
        assert _png_text(png)["Description"] == "Figure: two panels."
        assert meta["image/png"]["width"] * 2 == struct.unpack(">I", png[16:20])[0]  # retina
    finally:
        InteractiveShell.clear_instance()


def test_accuracy_matrix_has_a_colour_bar_from_0_to_100_percent():
    """The central result's scale is shown: a colour bar labelled 'test accuracy'."""
    ax = plots.plot_accuracy_matrix([[0.9, 0.1], [0.2, 0.8]], ["a", "b"], ["c", "d"])
    bars = [a for a in ax.figure.axes if a is not ax]
    assert len(bars) == 1 and bars[0].get_ylabel() == "test accuracy"
    assert bars[0].get_ylim() == (0.0, 1.0)
    alone = plots.plot_accuracy_matrix([[0.9]], ["a"], ["c"], colorbar=False)
    assert alone.figure.axes == [alone]


@pytest.mark.parametrize("n_maps", [1, 3, 4])
def test_correlation_maps_fit_a_laptops_column(n_maps):
    """Four grid sizes go in a 2 x 2 block, not one row of 14 inches; no empty panel shows."""
    maps = {f"grid {g}": np.random.default_rng(g).uniform(-1, 1, (28, 28))
            for g in range(n_maps)}
    fig = plots.plot_correlation_maps(maps, grid=4)
    width, _ = fig.get_size_inches()
    assert width <= 2 * COLUMN_INCHES_AT_1280 / 0.8 * 0.72 + 0.1 or n_maps < 4
    assert width <= 11.0
    visible = [a for a in fig.axes if a.get_visible() and a.images]
    assert len(visible) == n_maps


def test_two_hidden_layers_figure_fits_a_laptops_column():
    """16 + 16 neurons in three blocks: at most ~11.9 inches, so 10 pt text >= 8 px at 1280."""
    rng = np.random.default_rng(0)
    fig = plots.plot_two_hidden_layers(rng.standard_normal((784, 16)),
                                       rng.standard_normal((16, 16)))
    width, _ = fig.get_size_inches()
    assert width <= COLUMN_INCHES_AT_1280 * (100 / 72) / 0.8


def test_a_plot_leads_its_alt_text_with_what_it_is_unless_the_caller_named_it():
    """plot_correlation_maps says it draws correlation maps; a caller's own label wins."""
    maps = {"a": np.zeros((28, 28)), "b": np.ones((28, 28))}
    text = display.describe(plots.plot_correlation_maps(maps, grid=4))
    assert text.startswith("Figure: Correlation maps: how alike each pixel's weights"), text
    mine = Figure()
    mine.set_label("my own words")
    text = display.describe(plots.plot_correlation_maps(maps, grid=4, fig=mine))
    assert text.startswith("Figure: my own words."), text
