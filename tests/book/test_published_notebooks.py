"""The built book's notebooks, the files Colab and Binder open (``_sources/<docname>.ipynb`` on
the pages branch): their prose carries the glued numbers and no raw MyST
(scripts/book_extension.py rewrites them after the build); every chapter's Binder button opens
one, and the site carries the Binder environment that builds it. Needs a build (`make book`);
the same scan without a build: tests/test_notebook_export.py.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from booksite import HTML, ROOT, is_notebook, skip_or_fail, toc_pages

from nnlego.course.notebook_export import leftovers
from nnlego.course.publishing import PAGES_BRANCH, binder_environment, publication

pytestmark = pytest.mark.browser   # runs with the other checks of a build (`make book-check`)


@pytest.mark.parametrize("docname", [d for d in toc_pages() if is_notebook(d)])
def test_the_notebook_colab_opens_reads_like_its_page(docname):
    path = HTML / "_sources" / f"{docname}.ipynb"
    if not path.exists():
        skip_or_fail(f"no {path}: build the book first (`make book`)")
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert leftovers(nb) == [], f"{path}: raw MyST a notebook shows as text"
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "(on the book's page)" not in prose, f"{path}: a glued number is missing"


def _binder_links(docname, pub):
    """The Binder URLs on a built page, but the exercises' (appendix A links those)."""
    page = HTML / f"{docname}.html"
    if not page.exists():
        skip_or_fail(f"no {page}: build the book first (`make book`)")
    hrefs = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    links = [h.replace("&amp;", "&") for h in hrefs if urlparse(h).netloc ==
             urlparse(pub.binder).netloc]
    return [u for u in links if "lab/tree/exercises/" not in unquote(u)]


@pytest.mark.parametrize("docname", [d for d in toc_pages() if is_notebook(d)])
def test_the_binder_button_opens_the_readable_notebook(docname):
    """The chapter's Binder button builds the pages branch and opens the notebook Colab opens:
    in the built site, glued numbers in, no raw MyST."""
    pub = publication(ROOT / "_config.yml")
    links = _binder_links(docname, pub)
    assert links, f"{docname}.html has no Binder button"
    for url in links:
        parsed = urlparse(url)
        assert parsed.path == f"/v2/gh/{pub.org_repo}/{PAGES_BRANCH}", (
            f"{url}: Binder must build {PAGES_BRANCH} (the published notebooks), not the sources")
        path = unquote(parse_qs(parsed.query)["urlpath"][0]).removeprefix("lab/tree/")
        assert path == f"_sources/{docname}.ipynb", url
        notebook = json.loads((HTML / path).read_text(encoding="utf-8"))
        assert leftovers(notebook) == [], f"{path}: raw MyST a notebook shows as text"


def test_the_site_carries_binders_environment():
    """binder/requirements.txt and an executable binder/postBuild in the built site (the pages
    branch Binder builds), as nnlego.course.publishing writes them; nnlego named once, by URL."""
    from packaging.requirements import Requirement

    pub = publication(ROOT / "_config.yml")
    if not (HTML / "index.html").exists():
        skip_or_fail(f"no built book at {HTML}: run `make book` first")
    for name, text in binder_environment(pub).items():
        path = HTML / name
        assert path.is_file(), f"the build wrote no {name} into {HTML}"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: rebuild the book"
    assert os.access(HTML / "binder" / "postBuild", os.X_OK), "binder/postBuild not executable"
    lines = [line for line in (HTML / "binder" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith(("#", "-"))]
    nnlego = [r for r in map(Requirement, lines) if r.name == "nnlego"]
    assert len(nnlego) == 1 and nnlego[0].url == f"git+{pub.repository}", lines
