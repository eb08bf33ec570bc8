"""The class report's page in offline headless Chromium at 1280 and 412 px (issue 28): every
figure loaded and whole inside the page's width, nothing wider than the screen but the tables'
scroll wrappers, table text of at least 12 px, no request that leaves the disk, and the markup in
students' messages shown as text. The report is made up (``support.class_reports``), with hostile
messages and ids; no built book is needed, only Chromium (a few seconds)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from support.chromium import missing, offline_chromium, set_viewport
from support.class_reports import HOSTILE, class_report

from nnlego.course.report_page import write

pytestmark = pytest.mark.browser
SCREENS = {"desktop": (1280, 900, False), "phone": (412, 915, True)}

LAYOUT = """
const width = document.documentElement.clientWidth;
const inWrapper = el => el.closest('.scroll') !== null && !el.classList.contains('scroll');
const wide = Array.from(document.body.querySelectorAll('*'))
  .filter(el => !inWrapper(el))
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5); })
  .map(el => el.tagName.toLowerCase() + '.' + el.className);
const figures = Array.from(document.images).map(img => { const r = img.getBoundingClientRect();
  return {src: img.getAttribute('src'), complete: img.complete, natural: img.naturalWidth,
          ratio: img.naturalHeight / Math.max(1, img.naturalWidth),
          shown: r.height / Math.max(1, r.width), left: r.left, right: r.right, width: r.width}; });
const small = Array.from(document.querySelectorAll('td, th, td *, th *'))
  .filter(el => el.textContent.trim())
  .map(el => parseFloat(getComputedStyle(el).fontSize)).filter(size => size < 12);
const resources = performance.getEntriesByType('resource').map(e => e.name)
  .filter(name => !name.startsWith('file:') && !name.startsWith('data:'));
return {width, scrollWidth: document.documentElement.scrollWidth, wide, figures, small,
        resources, scripts: document.scripts.length, text: document.body.innerText};
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return write(class_report(rng=np.random.default_rng(5), n_students=30, hostile=True), out)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if missing():
        if os.environ.get("NNLEGO_REQUIRE_BOOK") == "1":
            pytest.fail(missing())
        pytest.skip(missing())
    browser = offline_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.quit()


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_report_reads_whole_on_a_desktop_and_a_phone(driver, page, screen):
    width, height, mobile = SCREENS[screen]
    set_viewport(driver, width, height, mobile=mobile)
    try:
        driver.get(page.as_uri())
        driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))
              .then(() => done(true));""")
        seen = driver.execute_script(LAYOUT)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert seen["width"] == width
    assert seen["scrollWidth"] <= seen["width"], f"{screen}: the page scrolls sideways"
    assert seen["wide"] == [], f"{screen}: wider than the screen outside a table's wrapper"
    assert len(seen["figures"]) == 6          # 3 figures x 2 assignments
    for fig in seen["figures"]:
        assert fig["complete"] and fig["natural"] > 0, f"{fig['src']} did not load"
        assert fig["left"] >= -0.5 and fig["right"] <= width + 0.5, f"{screen}: {fig} is cut"
        assert fig["shown"] == pytest.approx(fig["ratio"], rel=0.02), f"{fig} is distorted"
    if screen == "phone":   # shrunk to the screen, not cropped
        assert all(f["width"] <= width for f in seen["figures"])
    assert seen["small"] == [], f"{screen}: table text under 12 px"
    assert seen["resources"] == [], f"{screen}: requests that leave the disk"
    assert seen["scripts"] == 0 and HOSTILE[:30] in seen["text"]
