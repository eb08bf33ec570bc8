"""Print the single-page HTML build of the book to one PDF with headless Chromium, offline.

    python scripts/book_pdf.py _build/singlehtml _build/html/nnlego.pdf

The page is opened with every http(s) request blocked (the maths must come from the build's own
MathJax), every image is loaded, MathJax's typesetting is awaited, then the page is laid out as
paper (print media, the A4 text width): the book's script (``nnlego.js``) fits the display
equations to that width, and the script refuses to print when an equation, figure, table or
code box would still be cut at the paper's edge. Chrome DevTools' ``Page.printToPDF`` then
writes A4 pages with backgrounds (the figures' colours); the print styles of ``nnlego.css``
leave out the toggles and folded code. `make pdf` runs it after ``jupyter-book build
--builder singlehtml``.
"""

from __future__ import annotations

import argparse
import base64
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WAIT_JS = """
const done = arguments[arguments.length - 1];
for (const img of document.images) { img.loading = 'eager'; }
const images = Array.from(document.images).map(img => img.decode().catch(() => null));
const maths = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
Promise.all([...images, maths]).then(() => done({
    images: document.images.length,
    equations: document.querySelectorAll('mjx-container').length,
    raw: document.querySelectorAll('.math:not(:has(mjx-container))').length}));
"""


MARGIN_IN = 0.6
PAPER_IN = (8.27, 11.69)                              # A4
TEXT_WIDTH_PX = round((PAPER_IN[0] - 2 * MARGIN_IN) * 96)   # the paper's text width in CSS px

# After the print layout: what would be cut at the paper's edge (content wider than its box).
CUT_JS = """
const done = arguments[arguments.length - 1];
if (window.nnlegoFitEquations) window.nnlegoFitEquations();
requestAnimationFrame(() => {
  const cut = [];
  const sel = 'mjx-container[display="true"], main img, main table, main pre, main .cell_output';
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const over = Math.max(el.scrollWidth - el.clientWidth, r.right - window.innerWidth);
    if (over > 2) cut.push(el.tagName.toLowerCase() + ': ' +
                           (el.textContent || el.getAttribute('src') || '').trim().slice(0, 50));
  }
  done(cut);
});
"""


def _browser(profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        sys.exit("book_pdf: Chromium not found: `make browser` installs Debian's chromium "
                 "and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver, log_output=subprocess.DEVNULL),
                              options=options)
    driver.set_script_timeout(300)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs",
                           {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    return driver


def print_pdf(page: Path, out: Path) -> dict:
    """Print ``page`` to ``out``; returns what was on the page (images, equations, raw)."""
    with tempfile.TemporaryDirectory() as profile:
        driver = _browser(profile)
        try:
            driver.get(page.resolve().as_uri())
            found = driver.execute_async_script(WAIT_JS)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": TEXT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1,
                "mobile": False})
            found["cut"] = driver.execute_async_script(CUT_JS)
            pdf = driver.execute_cdp_cmd("Page.printToPDF", {
                "printBackground": True, "paperWidth": PAPER_IN[0], "paperHeight": PAPER_IN[1],
                "marginTop": MARGIN_IN, "marginBottom": MARGIN_IN, "marginLeft": MARGIN_IN,
                "marginRight": MARGIN_IN,
                "displayHeaderFooter": True, "headerTemplate": "<span></span>",
                "footerTemplate": '<div style="font-size:8px;width:100%;text-align:center">'
                                  '<span class="pageNumber"></span></div>'})
        finally:
            driver.quit()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(pdf["data"]))
    return found


def book_page(build: Path) -> Path:
    """The one page of a singlehtml build, as ``book.html`` at the build's top level.

    The root document (book/01_intro.html, where index.html forwards) links its assets
    relative to the top level (``_static/``, ``_images/``): Sphinx's singlehtml builder writes
    every path as if the page were there, so a copy there shows them."""
    index = build / "index.html"
    if not index.exists():
        sys.exit(f"book_pdf: {index} does not exist: run `jupyter-book build --builder "
                 "singlehtml .` first (make pdf does)")
    forward = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"',
                        index.read_text(encoding="utf-8"))
    if not forward:
        return index
    page = build / "book.html"
    shutil.copyfile(build / forward.group(1), page)
    return page


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="the singlehtml build, e.g. _build/singlehtml")
    parser.add_argument("out", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    found = print_pdf(book_page(args.build), args.out)
    if found["raw"]:
        sys.exit(f"book_pdf: {found['raw']} equations were not typeset; not a PDF to ship")
    if found["cut"]:
        sys.exit(f"book_pdf: {len(found['cut'])} outputs wider than the paper's text "
                 f"({TEXT_WIDTH_PX} px) would be cut: {found['cut'][:10]}; make them fit "
                 "(book/_static/nnlego.css, nnlego.js) and run make pdf again")
    size = args.out.stat().st_size / 1e6
    print(f"book_pdf: {args.out} ({size:.1f} MB): {found['images']} images, "
          f"{found['equations']} typeset equations")


if __name__ == "__main__":
    main()
