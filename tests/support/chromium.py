"""One offline headless Chromium (Debian's chromium + chromium-driver, driven by selenium), for
the checks of the built book (tests/book/conftest.py) and of the class report's page.

The browser is offline on purpose: every request that is not to a local file (http, https, ws,
wss) is blocked through Chrome DevTools (``Network.setBlockedURLs``), as for a reader with a
saved copy of the page or a classroom without internet.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                  "--hide-scrollbars")
BLOCKED_URLS = ["http://*", "https://*", "ws://*", "wss://*"]


def find_program(names, candidates=()):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return next((c for c in candidates if Path(c).exists()), None)


def missing() -> str | None:
    """Why no browser can start here (what to install), or None."""
    if not (find_program(["chromium", "chromium-browser", "google-chrome"], ["/usr/bin/chromium"])
            and find_program(["chromedriver"], ["/usr/bin/chromedriver"])):
        return ("headless Chromium is not installed: `make browser` (apt-get install chromium "
                "chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[dev]'"
    return None


def offline_chromium(profile_dir):
    """A started headless Chromium with the network blocked (quit it when done); the caller
    checks :func:`missing` first."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_program(["chromium", "chromium-browser", "google-chrome"],
                                           ["/usr/bin/chromium"])
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    service = Service(executable_path=find_program(["chromedriver"], ["/usr/bin/chromedriver"]),
                      log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    browser.set_script_timeout(60)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED_URLS})
    return browser


def set_viewport(driver, width, height, *, mobile):
    """Emulate a screen: 1280 x 900 desktop, or a 412 x 915 phone (a Pixel's CSS size)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "mobile": mobile,
        "deviceScaleFactor": 2.625 if mobile else 1})
