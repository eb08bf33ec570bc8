"""The whole book as one PDF (``make pdf``): every chapter, its figures and typeset maths.

Read with Debian's poppler-utils: ``pdftotext`` for the text, ``pdfimages -list`` for the
embedded pictures, ``pdftoppm`` to turn pages into images and find the figures' colours.
"""

from __future__ import annotations

import io
import re
import subprocess

import numpy as np
import pytest
from booksite import HTML, find_program, skip_or_fail
from PIL import Image

pytestmark = pytest.mark.browser

PDF = HTML / "nnlego.pdf"
RAW_TEX = ("\\begin", "$$", "\\(", "\\frac", "\\partial", "\\sigma", "\\mathbf")
TYPESET = "∂σλ∑"            # glyphs that only typeset maths puts in the text (∂C/∂W, σ(z))


def _poppler(tool, *args):
    program = find_program([tool])
    if program is None:
        skip_or_fail(f"{tool} is not installed: `make browser` (apt-get install poppler-utils)")
    return subprocess.run([program, *args], capture_output=True, text=tool != "pdftoppm",
                          check=True).stdout


@pytest.fixture(scope="module")
def pdf(pages):
    if not PDF.exists():
        skip_or_fail(f"no PDF at {PDF}: run `make pdf` after the build")
    return PDF


@pytest.fixture(scope="module")
def text(pdf):
    return _poppler("pdftotext", "-layout", str(pdf), "-")


def colourful_fraction(rgb):
    """Fraction of pixels with a saturated colour (max - min channel > 60): figures, not text."""
    rgb = rgb.astype(np.int16)
    return float(np.mean(rgb.max(axis=-1) - rgb.min(axis=-1) > 60))


def test_colourful_fraction_tells_a_figure_from_text():
    """The measure itself: grey text scores 0, a blue/red weight image scores high."""
    grey = np.full((10, 10, 3), 90, dtype=np.uint8)
    bricks = np.zeros((10, 10, 3), dtype=np.uint8)
    bricks[..., 2], bricks[:5, :, 0] = 200, 220
    assert colourful_fraction(grey) == 0.0
    assert colourful_fraction(bricks) == 1.0


@pytest.mark.slow
def test_the_pdf_has_every_chapter(text, pages):
    """Each page's title (the HTML build's <title>, before the book's name) is in the text."""
    missing = []
    for doc in pages:
        html = (HTML / f"{doc}.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?) &#8212;", html)
        words = " ".join((title.group(1) if title else doc).split()[:3])
        if words not in " ".join(text.split()):
            missing.append(f"{doc} ({words!r})")
    assert not missing, f"chapters not in the PDF: {missing}"


@pytest.mark.slow
def test_the_pdf_has_typeset_maths_and_no_raw_tex(text):
    """No TeX source in the PDF's text; the glyphs of typeset maths are there."""
    raw = [marker for marker in RAW_TEX if marker in text]
    assert not raw, f"raw TeX in the PDF: {raw}"
    assert any(glyph in text for glyph in TYPESET), f"no typeset maths ({TYPESET}) in the PDF"


@pytest.mark.slow
def test_the_pdf_has_the_figures(pdf):
    """At least as many pictures as the site's figures; pages that show their colours."""
    listed = _poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]
    n_images = sum(1 for row in listed if row.split()[2] == "image")
    n_figures = len(list((HTML / "_images").glob("*.png")))
    assert n_images >= n_figures > 0, f"{n_images} images in the PDF, {n_figures} on the site"
    out = _poppler("pdftoppm", "-r", "20", "-png", str(pdf))
    pngs = [b"\x89PNG" + chunk for chunk in out.split(b"\x89PNG")[1:]]
    colourful = [colourful_fraction(np.asarray(Image.open(io.BytesIO(p)).convert("RGB")))
                 for p in pngs]
    n_pages = sum(f > 0.01 for f in colourful)
    assert n_pages >= 5, f"only {n_pages} of {len(pngs)} pages show a coloured figure"


@pytest.mark.slow
def test_every_page_links_the_pdf(pages):
    """The site's pages link nnlego.pdf (the download menu's 'Book (PDF)')."""
    unlinked = [doc for doc in pages
                if "nnlego.pdf" not in (HTML / f"{doc}.html").read_text(encoding="utf-8")]
    assert not unlinked, f"pages without a link to the book's PDF: {unlinked}"
