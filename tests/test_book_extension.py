"""scripts/book_extension.py's pure parts: a figure's <img> style, PNG size and dpi."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
pytest.importorskip("sphinx")
from book_extension import figure_style, png_size_and_dpi  # noqa: E402


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


def test_figure_style_keeps_width_drops_height_adds_a_legible_floor():
    """width kept, height gone, min-width = inches * 72 * 0.8 (10 pt -> 8 px), rounded up."""
    style = figure_style("width: 759px; height: 329px;", (1518, 658, 200.0))
    assert style == "width: 759px; min-width: 438px;"   # 1518 / 200 * 57.6 = 437.2
    assert figure_style(style, (1518, 658, 200.0)) == style          # idempotent
    assert figure_style("height: 10px", (100, 50, None)) == ""       # no dpi: no floor
