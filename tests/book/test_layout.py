"""Every output of the built book fits its text column, on a laptop and on a phone.

Measured in the browser (``getBoundingClientRect``, CSS px), on every page, at 1280 x 900 and
at 412 x 915 (a Pixel's CSS size). The column is the article's content box. An output is
*too wide* when

- its box reaches past the column (by more than one pixel), or
- its content is wider than its box (``scrollWidth > clientWidth``: cut off, or scrolled
  sideways inside the box, as a colour bar at the far right of a scrolling figure is), or
- a box it sits in, inside the column, scrolls sideways (a figure in a scrolling cell).

The outputs: every image, every display equation (MathJax's ``mjx-container``), every table
and every cell output's text. The page itself must not scroll sideways either. Inline sizes
that matplotlib-inline and myst-nb write on retina figures (``width``, ``min-width``) fight the
theme's ``max-width``, so only the browser's boxes count, never the HTML.

Screenshots of chapters 5, 7, 9 and 10 at both widths go to ``_build/screenshots/``.
"""

from __future__ import annotations

import base64

import pytest
from booksite import SCREENSHOTS, load_images, open_page

pytestmark = pytest.mark.browser

SLACK_PX = 1.0
SCREENSHOT_CHAPTERS = ("05_lego_bricks", "07_small_networks", "09_derangements",
                       "10_correlation")

# Each output: its kind, a name for the message, its box, its content width, and the widest
# content of a scrolling box between it and the column.
_MEASURE_JS = """
const article = document.querySelector('main article') || document.querySelector('main');
const style = getComputedStyle(article);
const box = article.getBoundingClientRect();
const column = {left: box.left + parseFloat(style.paddingLeft),
                right: box.right - parseFloat(style.paddingRight)};
const kinds = {
  image: 'img', equation: 'mjx-container[display="true"]', table: 'table',
  text: '.cell_output pre, .cell_output .output > pre'};
const out = [];
for (const [kind, selector] of Object.entries(kinds)) {
  for (const el of article.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let scrolled = 0;
    for (let p = el.parentElement; p && p !== article; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.scrollWidth > p.clientWidth + 1)
        scrolled = Math.max(scrolled, p.scrollWidth - p.clientWidth);
    }
    const name = kind === 'image' ? (el.getAttribute('src') || '').split('/').pop().slice(0, 16)
               : (el.textContent || '').trim().slice(0, 40);
    out.push({kind, name, left: r.left, right: r.right, width: r.width,
              content: el.scrollWidth, client: el.clientWidth, scrolled});
  }
}
return {column, outputs: out, page: document.documentElement.scrollWidth,
        viewport: window.innerWidth};
"""


# Typeset maths, then the book's own script (nnlego.js) has fitted the equations; gives up
# after 20 s, and the measurement shows what is still too wide.
_SETTLED_JS = """
const done = arguments[arguments.length - 1];
const m = window.MathJax && MathJax.startup && MathJax.startup.promise;
(m || Promise.resolve()).then(() => {
  const t0 = Date.now();
  (function wait() {
    if (document.documentElement.dataset.equationsFitted !== undefined
        || Date.now() - t0 > 20000) done(true);
    else setTimeout(wait, 50);
  })();
});
"""


def overflow(output, column, slack=SLACK_PX):
    """How many CSS px of ``output`` cannot be seen without scrolling (0: it fits)."""
    past = max(column["left"] - output["left"], output["right"] - column["right"], 0.0)
    inside = output["content"] - output["client"] if output["client"] else 0.0
    worst = max(past, inside, output.get("scrolled", 0.0))
    return worst if worst > slack else 0.0


def too_wide(report):
    """The outputs of one page's measurement that do not fit, as readable lines."""
    column, lines = report["column"], []
    for output in report["outputs"]:
        cut = overflow(output, column)
        if cut:
            lines.append(f"{output['kind']} {output['name']!r}: {output['width']:.0f} px "
                         f"wide, {cut:.0f} px out of a {column['right'] - column['left']:.0f}"
                         " px column")
    if report["page"] > report["viewport"] + SLACK_PX:
        lines.append(f"the page scrolls sideways: {report['page']} px on a "
                     f"{report['viewport']} px screen")
    return lines


def test_overflow_sees_a_cut_figure_and_a_fitting_one():
    """The measure itself: past the column, scrolled inside its box, or scrolled in its cell."""
    column = {"left": 100.0, "right": 800.0}
    fits = {"left": 100.0, "right": 800.0, "content": 700, "client": 700, "scrolled": 0}
    assert overflow(fits, column) == 0.0
    assert overflow({**fits, "right": 950.0}, column) == 150.0      # past the column
    assert overflow({**fits, "content": 900}, column) == 200.0      # cut inside its box
    assert overflow({**fits, "scrolled": 240}, column) == 240       # its cell scrolls
    report = {"column": column, "outputs": [{**fits, "kind": "image", "name": "a.png",
                                             "width": 850.0, "right": 950.0}],
              "page": 1400, "viewport": 1280}
    assert len(too_wide(report)) == 2                                # the figure and the page


def measure(driver, docname):
    open_page(driver, docname)
    load_images(driver)
    driver.execute_async_script(_SETTLED_JS)
    return driver.execute_script(_MEASURE_JS)


@pytest.mark.slow
def test_every_output_fits_the_text_column(driver, pages, screen):
    """Figures, display maths, tables and cell outputs stay inside the column, uncut."""
    bad, n_outputs = {}, 0
    for doc in pages:
        report = measure(driver, doc)
        n_outputs += len(report["outputs"])
        if lines := too_wide(report):
            bad[doc] = lines
    assert n_outputs > 0, "no output measured: is the build empty?"
    n_bad = sum(map(len, bad.values()))
    assert not bad, (f"{n_bad} outputs too wide for the text column on the {screen} screen "
                     f"(of {n_outputs}): {bad}")


def full_page_screenshot(driver, path):
    """The whole page (up to 16000 CSS px tall) at one device pixel per CSS px."""
    height = min(driver.execute_script("return document.documentElement.scrollHeight;"), 16000)
    width = driver.execute_script("return document.documentElement.clientWidth;")
    ratio = driver.execute_script("return window.devicePixelRatio;") or 1
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1 / ratio}})
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.slow
def test_chapter_screenshots(driver, pages, screen):
    """Chapters 5, 7, 9 and 10, whole, on each screen, for a person to review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    docs = [doc for doc in pages if doc.rsplit("/", 1)[-1] in SCREENSHOT_CHAPTERS]
    assert len(docs) == len(SCREENSHOT_CHAPTERS), f"chapters not in the toc: {docs}"
    for doc in docs:
        measure(driver, doc)
        path = SCREENSHOTS / f"{doc.rsplit('/', 1)[-1]}_{screen}.png"
        full_page_screenshot(driver, path)
        assert path.stat().st_size > 50_000, f"{path} is nearly empty"
