"""scripts/book_extension.py's pure parts: a figure's <img> style, PNG size, dpi and text."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
pytest.importorskip("sphinx")
from book_extension import (  # noqa: E402
    _NUMBER,
    figure_style,
    png_size_and_dpi,
    png_text,
)


def _png(width_in, height_in, dpi):
    fig, _ = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def test_png_size_and_dpi_reads_what_matplotlib_wrote():
    """A 4 x 2 inch figure at 150 dpi is 600 x 300 pixels at 150 dpi."""
    width, height, dpi = png_size_and_dpi(_png(4, 2, 150))
    assert (width, height) == (600, 300)
    assert dpi == pytest.approx(150, abs=0.05)   # pHYs holds whole dots per metre
    assert png_size_and_dpi(b"GIF89a" + bytes(40)) is None


def test_figure_style_keeps_width_as_a_most_and_drops_height_and_min_width():
    """width kept, capped at the column (max-width: 100%); no fixed height, no min-width that
    would push a figure past a phone's column (issue 24)."""
    style = figure_style("width: 759px; height: 329px; min-width: 438px;", (1518, 658, 200.0))
    assert style == "width: 759px; max-width: 100%;"
    assert "min-width" not in style and "height" not in style
    assert figure_style(style, (1518, 658, 200.0)) == style          # idempotent
    assert figure_style("", (1518, 658, 200.0)) == "width: 759px; max-width: 100%;"
    assert figure_style("height: 10px", (100, 50, None)) == ""       # no dpi: nothing to cap


def test_png_text_reads_the_description_matplotlib_wrote():
    """savefig(metadata=...) writes tEXt chunks; png_text reads them back, and nothing else."""
    fig, _ = plt.subplots(figsize=(2, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Description": "Figure: test accuracy.",
                                                "Smallest text pt": "8"})
    plt.close(fig)
    text = png_text(buffer.getvalue())
    assert text["Description"] == "Figure: test accuracy."
    assert text["Smallest text pt"] == "8"
    assert png_text(b"GIF89a" + bytes(40)) == {}


def test_numeric_cells_are_numbers_and_only_numbers():
    """'-0.025', '87.3% [87.1%, 87.5%]', '4 × 4' are numbers; '4 neurons', 'n/a' are not."""
    for text in ("-0.025", "+0.355", "87.3% [87.1%, 87.5%]", "4 × 4", "9833", "−1.5"):
        assert _NUMBER.match(text), text
    for text in ("4 neurons", "n/a", "original", "", "0.5 (z)"):
        assert not _NUMBER.match(text), text
