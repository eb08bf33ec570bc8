"""Every page of the built book passes axe-core in Chromium, and every figure says what it shows.

axe-core (Deque's accessibility engine, the one browsers' audits use) comes from the npm
registry at a pinned version (``make axe``: ``scripts/get_axe.sh`` into
``_build/test-vendor/axe-core``); it is injected into each page of the offline browser and run
with its WCAG 2 A/AA rules. A page fails on any violation of impact *serious* or *critical*.

A figure's alt text is what a screen reader says instead of the picture: it must be words
(the figure's title or caption), never the file's name, which is what Sphinx falls back to.
"""

from __future__ import annotations

import re

import pytest
from booksite import ROOT, load_images, open_page, skip_or_fail

pytestmark = pytest.mark.browser

AXE = ROOT / "_build" / "test-vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                      "best-practice"]},
               "resultTypes": ["violations"]}
_FILE_NAME = re.compile(r"(\.(png|jpe?g|svg|gif)$)|(^\.\./)|(^_images/)|(^[0-9a-f]{16,})",
                        re.IGNORECASE)

_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: [],
                     count: 1}]));
"""

_FIGURES_JS = """
return Array.from(document.querySelectorAll('main article img')).map(img => ({
    src: (img.getAttribute('src') || '').split('/').pop(),
    alt: img.getAttribute('alt'), in_figure: !!img.closest('figure'),
    number: (img.closest('figure') && img.closest('figure').querySelector(
        'figcaption .caption-number') || {textContent: ''}).textContent.trim()}));
"""


def serious(violations):
    """The violations a page must not have (impact serious or critical), as readable lines."""
    return [f"{v['id']} ({v['impact']}, {v['count']} elements, e.g. {v['nodes'][:2]}): "
            f"{v['help']}" for v in violations if v["impact"] in FAILING_IMPACTS]


def alt_problem(alt):
    """Why ``alt`` does not describe a figure (None when it does)."""
    if not alt or not alt.strip():
        return "no alt text"
    if _FILE_NAME.search(alt.strip()):
        return f"alt text is a file name ({alt[:40]!r})"
    if len(alt.split()) < 3:
        return f"alt text of {len(alt.split())} words ({alt!r}) says too little"
    return None


def test_alt_problem_tells_a_description_from_a_file_name():
    """The measure itself: Sphinx's fallback (the image path) fails, a sentence passes."""
    assert alt_problem("../_images/706655f3a1b2c3d4e5f6.png")
    assert alt_problem("")
    assert alt_problem("figure")
    assert alt_problem("Test accuracy of each training and test condition") is None


def test_serious_keeps_only_serious_and_critical():
    """A minor or moderate finding is reported by axe but does not fail a page."""
    found = [{"id": i, "impact": m, "help": "", "nodes": [], "count": 1}
             for i, m in (("a", "minor"), ("b", "moderate"), ("c", "serious"),
                          ("d", "critical"))]
    assert [line.split()[0] for line in serious(found)] == ["c", "d"]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        skip_or_fail(f"axe-core is not at {AXE}: run `make axe` (npm pack axe-core)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_page_passes_axe(driver, pages, axe_source):
    """axe-core's WCAG 2.1 A/AA and best-practice rules: no serious or critical violation."""
    bad = {}
    for doc in pages:
        open_page(driver, doc)
        load_images(driver)
        driver.execute_script(axe_source)
        if lines := serious(driver.execute_async_script(_RUN_JS, AXE_OPTIONS)):
            bad[doc] = lines
    n_bad = sum(map(len, bad.values()))
    assert not bad, f"{n_bad} serious or critical accessibility violations: {bad}"


@pytest.mark.slow
def test_every_figure_is_described_and_numbered(driver, pages):
    """Each figure of a chapter has alt text in words and a number ("Figure 27") in a caption."""
    bad, n_figures = {}, 0
    for doc in pages:
        for fig in open_page(driver, doc).execute_script(_FIGURES_JS):
            if not fig["src"].endswith(".png"):
                continue
            n_figures += 1
            problems = [p for p in (alt_problem(fig["alt"]),
                                    None if fig["number"] else "no figure number")
                        if p]
            if problems:
                bad.setdefault(doc, []).append(f"{fig['src'][:16]}: {', '.join(problems)}")
    assert n_figures > 0, "no figure found: is the build's _images/ empty?"
    n_bad = sum(map(len, bad.values()))
    assert not bad, f"{n_bad} of {n_figures} figures not described or not numbered: {bad}"
