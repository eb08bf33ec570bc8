"""Fixtures of the built-book checks: the pages of the toc, and one offline headless Chromium.

The browser is offline on purpose: every request that is not to a local file (http, https,
ws, wss) is blocked through Chrome DevTools (``Network.setBlockedURLs``), as for a reader with
a saved copy of the site or a classroom without internet. Whatever the book needs (MathJax, its
fonts, the figures) must come from the build.
"""

from __future__ import annotations

import subprocess

import pytest
from booksite import HTML, find_program, set_viewport, skip_or_fail, toc_pages

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                  "--hide-scrollbars")
BLOCKED_URLS = ["http://*", "https://*", "ws://*", "wss://*"]
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
    chromium = find_program(["chromium", "chromium-browser", "google-chrome"],
                            ["/usr/bin/chromium"])
    chromedriver = find_program(["chromedriver"], ["/usr/bin/chromedriver"])
    if not (chromium and chromedriver):
        skip_or_fail("headless Chromium is not installed: `make browser` (apt-get install "
                     "chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip_or_fail("selenium is not installed: pip install -e '.[dev]'")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = Service(executable_path=chromedriver, log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    browser.set_script_timeout(60)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED_URLS})
    yield browser
    browser.quit()


@pytest.fixture(params=sorted(SCREENS))
def screen(request, driver):
    width, height, mobile = SCREENS[request.param]
    set_viewport(driver, width, height, mobile=mobile)
    yield request.param
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
