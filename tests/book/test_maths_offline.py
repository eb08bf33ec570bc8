"""Every equation of the built book is typeset by the MathJax that the build itself serves.

The browser of these checks is offline (conftest.py blocks every http(s) and ws(s) request),
as a saved copy of the site or a classroom without internet would be. On every page:
- no raw TeX is left in the text a reader sees (code blocks aside): no ``\\begin``, ``$$``,
  ``\\(`` or ``\\[``;
- on a page with maths, MathJax 3 is loaded from a local file, and every equation Sphinx wrote
  (``.math``) holds MathJax's output (``mjx-container``).
"""

from __future__ import annotations

import http.server
import threading

import pytest
from booksite import open_page

pytestmark = pytest.mark.browser

RAW_TEX = ("\\begin", "$$", "\\(", "\\[", "\\frac{", "\\sum_")

_TYPESET_JS = """
const done = arguments[arguments.length - 1];
const report = () => {
    const main = document.querySelector('main') || document.body;
    const copy = main.cloneNode(true);
    copy.querySelectorAll('pre, code, .highlight, script, mjx-assistive-mml')
        .forEach(el => el.remove());
    const maths = Array.from(main.querySelectorAll('.math'));
    const script = Array.from(document.scripts).find(s => /mathjax/i.test(s.src));
    done({text: copy.textContent, n_math: maths.length,
          n_typeset: maths.filter(el => el.querySelector('mjx-container')).length,
          n_containers: main.querySelectorAll('mjx-container').length,
          script: script ? script.src : null,
          version: window.MathJax && window.MathJax.version || null});
};
const waitFor = (tries) => {
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
        window.MathJax.startup.promise.then(report, report);
    } else if (tries > 0 && document.querySelector('.math')) {
        setTimeout(() => waitFor(tries - 1), 100);
    } else { report(); }
};
waitFor(100);
"""


def typeset_report(driver, docname):
    return open_page(driver, docname).execute_async_script(_TYPESET_JS)


def raw_tex_in(text):
    """The raw-TeX markers that occur in a page's visible text."""
    return [marker for marker in RAW_TEX if marker in text]


def test_raw_tex_in_sees_untypeset_maths():
    """The detector itself: raw display maths is found, typeset text is not."""
    assert raw_tex_in("we have $$\\begin{aligned} z &= Wx \\end{aligned}$$") == ["\\begin", "$$"]
    assert raw_tex_in("we have z = Wx + b") == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_the_browser_is_offline(driver, pages, tmp_path):
    """A page cannot reach even a server on this machine (the blocker works), though Python can."""
    import urllib.request
    (tmp_path / "probe.txt").write_text("reachable")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Quiet(*a, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/probe.txt"
    try:
        assert urllib.request.urlopen(url, timeout=5).read() == b"reachable"
        open_page(driver, pages[0])
        outcome = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {mode: 'no-cors'}).then(() => done('loaded'),
                                                        e => done('blocked: ' + e));
        """, url)
    finally:
        server.shutdown()
        server.server_close()
    assert outcome.startswith("blocked"), f"the offline browser reached {url}: {outcome}"


@pytest.mark.slow
def test_every_equation_is_typeset_offline(driver, pages):
    """No raw TeX on any page; on pages with maths, local MathJax 3 typeset every equation."""
    problems, n_pages_with_maths = {}, 0
    for doc in pages:
        report = typeset_report(driver, doc)
        issues = [f"raw TeX {marker!r} in the text" for marker in raw_tex_in(report["text"])]
        if report["n_math"]:
            n_pages_with_maths += 1
            if not (report["script"] or "").startswith("file:"):
                issues.append(f"MathJax is not served by the build: {report['script']}")
            if not str(report["version"]).startswith("3."):
                issues.append(f"MathJax did not start (version {report['version']})")
            if report["n_typeset"] < report["n_math"]:
                issues.append(f"{report['n_math'] - report['n_typeset']} of "
                              f"{report['n_math']} equations not typeset")
        if issues:
            problems[doc] = issues
    assert n_pages_with_maths >= 3, f"only {n_pages_with_maths} pages with maths: expected the "\
                                    "forward pass, backprop and SGD chapters at least"
    assert not problems, f"pages whose maths a reader offline cannot read: {problems}"
