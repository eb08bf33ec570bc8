"""The built book, checked in a real browser: headless Chromium driven by Selenium.

Builds nothing: it checks ``_build/html`` as ``make book`` (or ``make book-ci``) left it, and
skips with the reason when there is no build or no Chromium. ``make book-check`` runs it after a
build with ``NNLEGO_REQUIRE_BOOK=1``, which turns those skips into failures (CI must not pass a
book it never looked at).

What it checks, on every page of the table of contents:
- the page opens and has a title;
- every image loaded (``complete`` and ``naturalWidth > 0``), after scrolling it into view;
- every internal link points at a file of the build, and its ``#anchor`` at an id on that page;
- every chapter offers the executed notebook (.ipynb) for download, and launch links to Binder
  and Colab; the repository link is in the header.
It saves screenshots of the home page and the Lego-bricks chapter to ``_build/screenshots/``.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

pytestmark = pytest.mark.browser

# The book's source root (the repository); NNLEGO_BOOK_ROOT points elsewhere, e.g. a test book.
ROOT = Path(os.environ.get("NNLEGO_BOOK_ROOT") or Path(__file__).resolve().parents[1]).resolve()
# The built pages: _build/html of the root, or NNLEGO_BOOK_HTML (a build with --path-output).
HTML = Path(os.environ.get("NNLEGO_BOOK_HTML") or ROOT / "_build" / "html").resolve()
SCREENSHOTS = HTML.parent / "screenshots"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                  "--hide-scrollbars")
REQUIRED = os.environ.get("NNLEGO_REQUIRE_BOOK") == "1"


def _skip_or_fail(reason):
    if REQUIRED:
        pytest.fail(f"{reason} (NNLEGO_REQUIRE_BOOK=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def _toc_pages():
    """The docnames in _toc.yml, e.g. ["book/01_intro", "book/02_forward_pass", ...]."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:root|-\s*file)\s*:\s*(\S+)\s*$", text, flags=re.M)


def _find(names, candidates):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return next((c for c in candidates if Path(c).exists()), None)


class _Ids(HTMLParser):
    """Collects the id and name attributes of a page: the targets of #anchors."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


_ID_CACHE: dict[Path, set] = {}


def _ids_of(path):
    if path not in _ID_CACHE:
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        _ID_CACHE[path] = parser.ids
    return _ID_CACHE[path]


@pytest.fixture(scope="module")
def pages():
    if not (HTML / "index.html").exists():
        _skip_or_fail(f"no built book at {HTML}: run `make book` first")
    toc = _toc_pages()
    missing = [doc for doc in toc if not (HTML / f"{doc}.html").exists()]
    assert not missing, f"pages in _toc.yml that the build did not produce: {missing}"
    return toc


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    chromium = _find(["chromium", "chromium-browser", "google-chrome"], ["/usr/bin/chromium"])
    chromedriver = _find(["chromedriver"], ["/usr/bin/chromedriver"])
    if not (chromium and chromedriver):
        _skip_or_fail("headless Chromium is not installed: apt-get install chromium "
                      "chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _skip_or_fail("selenium is not installed: pip install -e '.[dev]'")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = Service(executable_path=chromedriver, log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


def _open(driver, docname):
    driver.get((HTML / f"{docname}.html").as_uri())
    return driver


_IMAGES_JS = """
const images = Array.from(document.images);
return images.map(img => ({src: img.currentSrc || img.src, complete: img.complete,
                           width: img.naturalWidth}));
"""


def _broken_images(driver):
    """Scroll every image into view (lazy loading), wait for it, report the ones not loaded."""
    driver.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; img.scrollIntoView(); }")
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const waits = Array.from(document.images).map(img => img.decode().catch(() => null));
        Promise.all(waits).then(() => done(true));
        setTimeout(() => done(false), 15000);
    """)
    return [img["src"] for img in driver.execute_script(_IMAGES_JS)
            if not (img["complete"] and img["width"] > 0)]


def _broken_links(driver):
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
    broken = []
    for href in hrefs:
        url, fragment = urldefrag(href)
        if urlparse(url).scheme != "file":
            continue                        # external: Binder, Colab, the repository, articles
        target = Path(unquote(urlparse(url).path))
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{href} (no such file)")
        elif fragment and target.suffix == ".html" and unquote(fragment) not in _ids_of(target):
            broken.append(f"{href} (no id {fragment!r} on that page)")
    return broken


def test_every_image_loads(driver, pages):
    """Every <img> on every page has loaded: complete and naturalWidth > 0."""
    problems = {doc: bad for doc in pages if (bad := _broken_images(_open(driver, doc)))}
    assert not problems, f"images that did not load, per page: {problems}"


def test_every_page_has_figures_where_expected(driver, pages):
    """The results chapters (3-7) each show at least two figures computed at build time."""
    thin = {}
    for doc in pages:
        if re.search(r"/0[3-7]_", doc):
            n = len(_open(driver, doc).find_elements("css selector", "img[src*='_images/']"))
            if n < 2:
                thin[doc] = n
    assert not thin, f"results chapters with fewer than two figures: {thin}"


def test_no_broken_internal_links(driver, pages):
    """Every link into the book resolves to a built file, and every #anchor to an id there."""
    problems = {doc: bad for doc in pages if (bad := _broken_links(_open(driver, doc)))}
    assert not problems, f"broken internal links, per page: {problems}"


def _is_notebook(docname):
    source = ROOT / f"{docname}.md"
    return source.exists() and "kernelspec:" in source.read_text(encoding="utf-8")[:2000]


def test_chapters_are_notebooks(pages):
    """Chapters 1-7 are MyST markdown notebooks (so they execute and can be downloaded)."""
    chapters = [doc for doc in pages if re.search(r"/0[1-7]_", doc)]
    assert len(chapters) == 7, f"expected chapters 01-07 in _toc.yml, found {chapters}"
    assert all(_is_notebook(doc) for doc in chapters), \
        [doc for doc in chapters if not _is_notebook(doc)]


def test_download_and_launch_buttons(driver, pages):
    """Every notebook page offers its executed .ipynb for download and Binder/Colab links."""
    problems = {}
    for doc in pages:
        _open(driver, doc)
        hrefs = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
        missing = []
        if not any(h.rstrip("/").endswith("github.com/nnlego/nnlego") for h in hrefs):
            missing.append("the repository link")
        if _is_notebook(doc):
            notebook = [h for h in hrefs if h.endswith(f"_sources/{doc}.ipynb")]
            if not notebook:
                missing.append("a .ipynb download link")
            elif not Path(unquote(urlparse(notebook[0]).path)).exists():
                missing.append(f"the .ipynb file behind {notebook[0]}")
            if not any("mybinder.org" in h for h in hrefs):
                missing.append("a Binder launch link")
            if not any("colab.research.google.com" in h for h in hrefs):
                missing.append("a Colab launch link")
        if missing:
            problems[doc] = missing
    assert not problems, f"pages without their buttons: {problems}"


def test_no_error_output_in_pages(driver, pages):
    """No page shows a traceback or an error from a cell (the build should have failed)."""
    problems = []
    for doc in pages:
        # Only cell outputs count: a page may quote a traceback in its prose (appendix B).
        outputs = _open(driver, doc).find_elements("css selector", "main div.cell_output")
        if any("Traceback (most recent call last)" in out.text for out in outputs):
            problems.append(doc)
    assert not problems, f"pages showing a traceback: {problems}"


def _screenshot(driver, docname, name):
    """A screenshot of the first screen and one of the whole page, for a person to review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _open(driver, docname)
    if docname == "index":                  # a redirect page: wait until it has forwarded
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(driver, 10).until(lambda d: not d.current_url.endswith("/index.html"))
    _broken_images(driver)                  # scrolls through the page so every image is drawn
    driver.execute_script("window.scrollTo(0, 0);")
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    width = driver.execute_script("return document.documentElement.scrollWidth;")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}})
    (SCREENSHOTS / f"{name}_full.png").write_bytes(base64.b64decode(shot["data"]))
    return SCREENSHOTS / f"{name}.png"


def test_screenshots_for_review(driver, pages):
    """Screenshots of the home page and the Lego-bricks chapter land in _build/screenshots/."""
    home = _screenshot(driver, "index", "home")   # index.html forwards to the first page
    assert home.stat().st_size > 10_000
    lego = next((doc for doc in pages if doc.endswith("05_lego_bricks")), None)
    if lego is None:
        pytest.fail("the Lego-bricks chapter (book/05_lego_bricks) is not in _toc.yml")
    assert _screenshot(driver, lego, "lego_bricks").stat().st_size > 10_000
