"""The built book's notebooks, the files Colab opens (``_sources/<docname>.ipynb``): their prose
carries the glued numbers and no raw MyST (scripts/book_extension.py rewrites them after the
build). Needs a build (`make book`); the same scan without a build: tests/test_notebook_export.py.
"""

from __future__ import annotations

import json

import pytest
from booksite import HTML, is_notebook, skip_or_fail, toc_pages

from nnlego.notebook_export import leftovers

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
