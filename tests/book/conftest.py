"""Fixtures of the built-book checks: the pages of the toc, and one offline headless Chromium.

The browser is offline on purpose (``support.chromium``): every request that is not to a local
file is blocked, as for a reader with a saved copy of the site or a classroom without internet.
Whatever the book needs (MathJax, its fonts, the figures) must come from the build.
"""

from __future__ import annotations

import pytest
from booksite import HTML, set_viewport, skip_or_fail, toc_pages
from support.chromium import missing, offline_chromium

SCREENS = {"desktop": (1280, 900, False), "phone": (412, 915, True)}   # the widths checked


@pytest.fixture(scope="session")
def pages():
    if not (HTML / "index.html").exists():
        skip_or_fail(f"no built book at {HTML}: run `make book` first")
    toc = toc_pages()
    missing = [doc for doc in toc if not (HTML / f"{doc}.html").exists()]
    assert not missing, f"pages in _toc.yml that the build did not produce: {missing}"
    return toc


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    """Headless Chromium (Debian's chromium + chromium-driver) with the network blocked."""
    if missing():
        skip_or_fail(missing())
    browser = offline_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.quit()


@pytest.fixture(params=sorted(SCREENS))
def screen(request, driver):
    width, height, mobile = SCREENS[request.param]
    set_viewport(driver, width, height, mobile=mobile)
    yield request.param
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
