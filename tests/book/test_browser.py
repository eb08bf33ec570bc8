"""The built book in a real, offline browser: pages, images, links and buttons.

On every page of the table of contents:
- the page opens and every image loads (``complete`` and ``naturalWidth > 0``);
- every internal link points at a file of the build, and its ``#anchor`` at an id there;
- every chapter offers its executed notebook (.ipynb) for download and launch links to Binder
  and Colab that name a notebook (Colab opens nothing else); the repository link is in the
  header, and it is the one of ``_config.yml``;
- no cell output shows a traceback.
Screenshots of the home page and the Lego-bricks chapter go to ``_build/screenshots/``. The
figures' shape and size are checked in test_figures.py, the maths in test_maths_offline.py.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from booksite import (HTML, ROOT, SCREENSHOTS, file_of, hrefs, is_notebook, load_images,
                      open_page)

from nnlego.course.publishing import publication

pytestmark = pytest.mark.browser


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


_IMAGES_JS = """
return Array.from(document.images).map(img => ({src: img.currentSrc || img.src,
    complete: img.complete, width: img.naturalWidth}));
"""


def _broken_images(driver):
    load_images(driver)
    return [img["src"] for img in driver.execute_script(_IMAGES_JS)
            if not (img["complete"] and img["width"] > 0)]


def _broken_links(driver):
    broken = []
    for href in hrefs(driver):
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


@pytest.mark.slow
def test_every_image_loads(driver, pages):
    """Every <img> on every page has loaded: complete and naturalWidth > 0."""
    problems = {doc: bad for doc in pages if (bad := _broken_images(open_page(driver, doc)))}
    assert not problems, f"images that did not load, per page: {problems}"


@pytest.mark.slow
def test_results_chapters_have_figures(driver, pages):
    """The results chapters (4, 5, 7-10) each show at least two figures computed at build time."""
    thin = {}
    for doc in pages:
        if re.search(r"/(0[4-9]|10)_", doc):
            n = len(open_page(driver, doc).find_elements("css selector", "img[src*='_images/']"))
            if n < 2:
                thin[doc] = n
    assert not thin, f"results chapters with fewer than two figures: {thin}"


def test_no_broken_internal_links(driver, pages):
    """Every link into the book resolves to a built file, and every #anchor to an id there."""
    problems = {doc: bad for doc in pages if (bad := _broken_links(open_page(driver, doc)))}
    assert not problems, f"broken internal links, per page: {problems}"


@pytest.mark.slow
def test_chapters_are_notebooks(pages):
    """Every numbered chapter is a MyST markdown notebook (it executes and can be downloaded)."""
    chapters = [doc for doc in pages if re.search(r"/\d\d_", doc)]
    assert len(chapters) >= 9, f"expected the numbered chapters in _toc.yml, found {chapters}"
    assert all(is_notebook(doc) for doc in chapters), \
        [doc for doc in chapters if not is_notebook(doc)]


def _missing_buttons(doc, links, repository):
    missing = []
    if not any(h.rstrip("/") == repository for h in links):
        missing.append(f"the repository link {repository}")
    if is_notebook(doc):
        notebook = [h for h in links
                    if h.endswith(f"_sources/{doc}.ipynb") and file_of(h) is not None]
        if not notebook:
            missing.append("a .ipynb download link")
        elif not file_of(notebook[0]).exists():
            missing.append(f"the .ipynb file behind {notebook[0]}")
        for host in ("mybinder.org", "colab.research.google.com"):
            launch = [h for h in links if urlparse(h).netloc == host]
            if not launch:
                missing.append(f"a launch link to {host}")
            elif not all(unquote(h).endswith(".ipynb") for h in launch):
                missing.append(f"a {host} link that names a notebook (.ipynb): {launch}")
    return missing


@pytest.mark.slow
def test_download_and_launch_buttons(driver, pages):
    """Every notebook page offers its .ipynb and Binder/Colab links that open a notebook."""
    repository = publication(ROOT / "_config.yml").repository
    problems = {doc: bad for doc in pages
                if (bad := _missing_buttons(doc, hrefs(open_page(driver, doc)), repository))}
    assert not problems, f"pages without their buttons: {problems}"


@pytest.mark.slow
def test_no_error_output_in_pages(driver, pages):
    """No page shows a traceback or an error from a cell (the build should have failed)."""
    problems = []
    for doc in pages:
        # Only cell outputs count: a page may quote a traceback in its prose (appendix B).
        outputs = open_page(driver, doc).find_elements("css selector", "main div.cell_output")
        if any("Traceback (most recent call last)" in out.text for out in outputs):
            problems.append(doc)
    assert not problems, f"pages showing a traceback: {problems}"


def screenshot(driver, docname, name):
    """A screenshot of the first screen and one of the whole page, for a person to review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_page(driver, docname)
    if docname == "index":                  # a redirect page: wait until it has forwarded
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(driver, 10).until(lambda d: not d.current_url.endswith("/index.html"))
    load_images(driver)                     # scrolls through the page so every image is drawn
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    width = driver.execute_script("return document.documentElement.scrollWidth;")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}})
    (SCREENSHOTS / f"{name}_full.png").write_bytes(base64.b64decode(shot["data"]))
    return SCREENSHOTS / f"{name}.png"


@pytest.mark.slow
def test_screenshots_for_review(driver, pages):
    """Screenshots of the home page and the Lego-bricks chapter land in _build/screenshots/."""
    assert HTML.exists()
    home = screenshot(driver, "index", "home")   # index.html forwards to the first page
    assert home.stat().st_size > 10_000
    lego = next((doc for doc in pages if doc.endswith("05_lego_bricks")), None)
    if lego is None:
        pytest.fail("the Lego-bricks chapter (book/05_lego_bricks) is not in _toc.yml")
    assert screenshot(driver, lego, "lego_bricks").stat().st_size > 10_000


@pytest.mark.slow
def test_the_index_lists_terms_of_every_chapter(pages):
    """genindex.html has entries, and some from every numbered chapter."""
    text = (HTML / "genindex.html").read_text(encoding="utf-8")
    targets = re.findall(r'<a href="(book/[^"#]+)\.html#', text)
    chapters = [doc for doc in pages if re.search(r"/\d\d_", doc)]
    without = [doc for doc in chapters if doc not in targets]
    assert len(targets) >= 2 * len(chapters), f"only {len(targets)} index entries"
    assert not without, f"chapters with no index entry (add a :::{{index}} line): {without}"
