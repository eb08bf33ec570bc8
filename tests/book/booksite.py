"""Helpers for the checks of the built book: where it is, its pages, and a browser's view of it.

The checks build nothing: they read ``_build/html`` as ``make book`` (or ``make book-ci``) left
it, and skip with the reason when there is no build or no Chromium. ``make book-check`` sets
``NNLEGO_REQUIRE_BOOK=1``, which turns those skips into failures (CI must not pass a book it
never looked at).
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from support.chromium import find_program, set_viewport  # noqa: F401  (re-exported)

# The book's source root (the repository); NNLEGO_BOOK_ROOT points elsewhere, e.g. a test book.
ROOT = Path(os.environ.get("NNLEGO_BOOK_ROOT") or Path(__file__).resolve().parents[2]).resolve()
# The built pages: _build/html of the root, or NNLEGO_BOOK_HTML (a build with --path-output).
HTML = Path(os.environ.get("NNLEGO_BOOK_HTML") or ROOT / "_build" / "html").resolve()
SCREENSHOTS = HTML.parent / "screenshots"
REQUIRED = os.environ.get("NNLEGO_REQUIRE_BOOK") == "1"


def skip_or_fail(reason):
    if REQUIRED:
        pytest.fail(f"{reason} (NNLEGO_REQUIRE_BOOK=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def toc_pages(root=ROOT):
    """The docnames in _toc.yml, e.g. ["book/01_intro", "book/02_forward_pass", ...]."""
    text = (root / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:root|-\s*file)\s*:\s*(\S+)\s*$", text, flags=re.M)


def is_notebook(docname, root=ROOT):
    """A MyST markdown notebook: its front matter names a kernel."""
    source = root / f"{docname}.md"
    return source.exists() and "kernelspec:" in source.read_text(encoding="utf-8")[:2000]


def file_of(url):
    """The local path behind a file:// URL (None for any other scheme)."""
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def png_size_and_dpi(path):
    """(width, height, dpi) of a PNG from its IHDR and pHYs chunks; dpi None without pHYs."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file (its first bytes are {data[:8]!r})")
    width, height = struct.unpack(">II", data[16:24])
    dpi, pos = None, 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            per_unit_x, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            dpi = per_unit_x * 0.0254 if unit == 1 else None   # unit 1: per metre
            break
        if kind == b"IDAT":                 # pHYs must come before the image data
            break
        pos += 12 + length
    return width, height, dpi


def open_page(driver, docname):
    driver.get((HTML / f"{docname}.html").as_uri())
    return driver


def load_images(driver, timeout_ms=15000):
    """Scroll every image into view (lazy loading) and wait until each is decoded or failed."""
    driver.execute_script(
        "for (const img of document.images) { img.loading = 'eager'; img.scrollIntoView(); }")
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const waits = Array.from(document.images).map(img => img.decode().catch(() => null));
        Promise.all(waits).then(() => done(true));
        setTimeout(() => done(false), arguments[0]);
    """, timeout_ms)
    driver.execute_script("window.scrollTo(0, 0);")


def hrefs(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")


