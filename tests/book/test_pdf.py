"""The whole book as one PDF (``make pdf``): every chapter, its figures and typeset maths, clean.

Read with Debian's poppler-utils: ``pdftotext`` for the text, ``pdfimages -list`` for the
embedded pictures, ``pdftoppm`` to turn pages into images and find the figures' colours.

Clean (issue 24): no printed toggle ("Show code cell source" on a line of its own), no
near-blank page (the last ink above a third of the page's text area, except on the last
page), and nothing cut at the paper's edge: the printed page, laid out in Chromium as paper
(print media, the A4 text width), has no display equation, figure, table or code box wider
than its box (a clipped equation prints with a scrollbar).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from booksite import HTML, ROOT, find_program, skip_or_fail
from PIL import Image

pytestmark = pytest.mark.browser

PDF = HTML / "nnlego.pdf"
RAW_TEX = ("\\begin", "$$", "\\(", "\\frac", "\\partial", "\\sigma", "\\mathbf")
TYPESET = "∂σλ∑"            # glyphs that only typeset maths puts in the text (∂C/∂W, σ(z))
TOGGLES = ("Show code cell source", "Hide code cell source", "Show code cell outputs",
           "Hide code cell outputs", "Show code cell content", "Hide code cell content")
MIN_FILL = 1 / 3             # a page's last ink at least this far down its text area
MARGIN_IN, PAGE_IN = 0.6, 11.69


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


def toggle_lines(text):
    """The lines of the PDF's text that are a toggle's label and nothing else."""
    return [line.strip() for line in text.splitlines() if line.strip() in TOGGLES]


def page_fill(grey):
    """How far down the text area (0..1) a page's last ink is, from a greyscale render."""
    height = grey.shape[0]
    margin = int(np.ceil(MARGIN_IN / PAGE_IN * height))
    body = grey[margin:height - margin]             # the footer's page number is in the margin
    rows = np.nonzero((body < 200).any(axis=1))[0]
    return (rows[-1] + 1) / len(body) if len(rows) else 0.0


def test_toggle_lines_and_page_fill_measure_what_they_say():
    """The measures themselves: a label alone on its line is a toggle, one in a sentence is
    not; a page inked to a fifth of its text area is near-blank, one inked to the end is not."""
    assert toggle_lines("x\n   Show code cell source  \ny") == ["Show code cell source"]
    assert toggle_lines("click “Show code cell source” to see it") == []
    page = np.full((240, 170), 255, dtype=np.uint8)
    page[20:60, 20:150] = 0                          # text area rows 13..227: ink to row 60
    assert page_fill(page) == pytest.approx((60 - 13) / 214, abs=0.01)
    assert page_fill(page) < MIN_FILL
    page[200:226] = 0
    assert page_fill(page) > 0.9


def _page_greys(pdf):
    out = _poppler("pdftoppm", "-r", "20", "-gray", "-png", str(pdf))
    return [np.asarray(Image.open(io.BytesIO(b"\x89PNG" + chunk)).convert("L"))
            for chunk in out.split(b"\x89PNG")[1:]]


@pytest.mark.slow
def test_the_pdf_prints_no_toggles(text):
    """Folded code prints neither its toggle nor an empty box: no label on a line of its own."""
    found = toggle_lines(text)
    assert not found, f"{len(found)} toggles printed in the PDF: {sorted(set(found))}"


@pytest.mark.slow
def test_the_pdf_has_no_near_blank_pages(pdf):
    """Every page but the last is inked at least a third of the way down its text area."""
    fills = [page_fill(grey) for grey in _page_greys(pdf)]
    blank = [f"page {i} ({fill:.0%})" for i, fill in enumerate(fills[:-1], start=1)
             if fill < MIN_FILL]
    assert not blank, f"{len(blank)} of {len(fills)} pages near-blank: {blank}"


@pytest.mark.slow
def test_the_printed_page_fits_the_paper(driver, pdf):
    """The single-page build laid out as paper: no equation, figure, table or code cut."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from book_pdf import CUT_JS, TEXT_WIDTH_PX, WAIT_JS

    page = HTML.parent / "singlehtml" / "book.html"     # what make pdf printed
    if not page.exists():
        skip_or_fail(f"no printed page at {page}: run `make pdf`")
    driver.get(page.as_uri())
    driver.set_script_timeout(300)
    try:
        driver.execute_async_script(WAIT_JS)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": TEXT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        cut = driver.execute_async_script(CUT_JS)
        empty = driver.execute_script(EMPTY_BOXES_JS)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_script_timeout(60)
    assert not cut, f"{len(cut)} outputs cut at the paper's edge: {cut[:15]}"
    assert not empty, f"{len(empty)} empty code boxes printed: {empty[:15]}"


# Code and output boxes that print as an empty frame: visible, taller than a line, no text and
# no picture in them (a folded cell whose source is hidden but whose box is not).
EMPTY_BOXES_JS = """
return Array.from(document.querySelectorAll('div.highlight, div.cell_input, div.cell_output, pre'))
  .filter(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.height > 16 && style.display !== 'none' && style.visibility !== 'hidden'
      && !el.innerText.trim() && !el.querySelector('img, svg, canvas, mjx-container');
  })
  .map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().height)} px)`);
"""


@pytest.mark.slow
def test_the_empty_box_check_finds_an_empty_frame(driver, tmp_path):
    page = tmp_path / "boxes.html"
    page.write_text("<html><body><div class='highlight' style='height:120px;border:1px solid'>"
                    "<pre>   </pre></div><div class='highlight'><pre>print(1)</pre></div>"
                    "</body></html>")
    driver.get(page.as_uri())
    found = driver.execute_script(EMPTY_BOXES_JS)
    assert len(found) == 1 and found[0].startswith("div.highlight")


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
    # the figures the pages show (_images/ keeps the files of earlier builds too)
    n_figures = len({m for page in HTML.rglob("*.html")
                     for m in re.findall(r'_images/([^"/]+\.png)', page.read_text("utf-8"))})
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
