"""The notebooks the launch buttons open read like the page: numbers in the prose, plain
Markdown for MyST (nnlego.course.notebook_export), and a scan of every chapter's published
notebook."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from nnlego.course.notebook_export import (
    Links,
    format_glued,
    glue_values,
    leftovers,
    links_from_sources,
    markdown,
    python_source,
    readable,
)
from nnlego.course.publishing import publication

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md") if "format_name: myst" in p.read_text())
BOOK = "https://example.org/book/"
LINKS = Links(terms={"derangement": BOOK + "glossary.html#term-derangement"},
              labels={"ex-sgd": (BOOK + "appendix_a.html#ex-sgd", "4. SGD")},
              docs={"book/10_correlation": (BOOK + "10_correlation.html",
                                            "10. Reading the wiring")},
              glossary=BOOK + "glossary.html", source="https://github.com/o/r/blob/main/",
              docname="book/05_x")


def test_labels_and_index_entries_are_dropped():
    text = "(ch-bricks)=\n# 5. Lego bricks\n\n:::{index} Lego brick, weight image\n:::\n\nText."
    assert markdown(text, LINKS) == "# 5. Lego bricks\n\n\nText."


def test_an_admonition_becomes_a_quote_with_a_bold_title():
    text = ("```{admonition} In this chapter you will\n:class: tip\n- build a network;\n"
            "- see it {term}`derange <derangement>`.\n```")
    assert markdown(text, LINKS) == (
        "> **In this chapter you will**\n>\n> - build a network;\n"
        f"> - see it [derange]({BOOK}glossary.html#term-derangement).")


def test_glued_values_are_formatted_as_myst_nb_does():
    """A str's repr loses its quotes; ``name:fmt`` formats the number (myst-nb's rules)."""
    glued = glue_values({"acc": {"data": {"text/plain": "'95.1%'"}},
                         "share": {"data": {"text/plain": "0.1234"}}})
    text = "Right on {glue:text}`acc`, {glue:text}`share:.1%` of the time, {glue}`acc`."
    assert markdown(text, LINKS, glued) == "Right on 95.1%, 12.3% of the time, 95.1%."
    assert format_glued("3", "d") == "3"


def test_a_value_the_build_did_not_glue_says_so():
    expected = f"[`acc` (on the book's page)]({BOOK}glossary.html)"
    assert markdown("{glue:text}`acc`", LINKS, {}) == expected


def test_cross_references_become_links_to_the_published_pages():
    text = ("{ref}`the exercise <ex-sgd>`, {ref}`ex-sgd`, {doc}`10_correlation`,"
            " {term}`derangement`,"
            " {download}`the notebook <../exercises/04/sgd.ipynb>`, {key}`Shift+Enter`")
    assert markdown(text, LINKS) == (
        f"[the exercise]({BOOK}appendix_a.html#ex-sgd), [4. SGD]({BOOK}appendix_a.html#ex-sgd),"
        f" [10. Reading the wiring]({BOOK}10_correlation.html), [derangement]({BOOK}glossary.html"
        "#term-derangement), [the notebook](https://github.com/o/r/blob/main/exercises/04/"
        "sgd.ipynb), **Shift+Enter**")


def test_a_literalinclude_shows_the_installed_code():
    text = ("```{literalinclude} ../nnlego/network.py\n:language: python\n"
            ":pyobject: Network.backprop\n```")
    out = markdown(text, LINKS, include=python_source)
    assert out.startswith("```python\ndef backprop(self, X, Y") and out.endswith("\n```")
    assert markdown(text, LINKS) == ("[`nnlego/network.py`](https://github.com/o/r/blob/main/"
                                     "nnlego/network.py)")


def glued_names(path: Path) -> set:
    return set(re.findall(r"\{glue[:\w]*\}`([^`:]+)", path.read_text()))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_published_notebook_reads_like_its_page(path):
    """No raw {glue, {term}, :::{, ```{ or (label)= is left in the notebook a launch button
    opens, and every glued name has its number; the notebook as jupytext reads it had some."""
    nb = jupytext.read(path)
    assert leftovers(nb), f"{path.name}: the scan found no MyST in the raw notebook"
    names = glued_names(path)
    glued = {name: f"'value of {name}'" for name in names}
    links = links_from_sources(ROOT, f"book/{path.stem}", publication(ROOT / "_config.yml"))
    published = readable(nb, links, glued, python_source)
    assert leftovers(published) == [], f"{path.name}: raw MyST left in its notebook"
    prose = "\n".join(c["source"] for c in published["cells"] if c["cell_type"] == "markdown")
    assert all(f"value of {name}" in prose for name in names)
    assert "(on the book's page)" not in prose
    code = [c["source"] for c in published["cells"] if c["cell_type"] == "code"]
    assert code == [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_links_come_from_the_sources():
    """Labels resolve to their page and heading; glossary terms to the glossary's anchors."""
    links = links_from_sources(ROOT, "book/05_lego_bricks", publication(ROOT / "_config.yml"))
    url, title = links.labels["ch-bricks"]
    assert url.endswith("book/05_lego_bricks.html#ch-bricks") and title == "5. Lego bricks"
    assert links.terms["derangement"].endswith("book/glossary.html#term-derangement")
    assert links.docs["book/10_correlation"][0].endswith("book/10_correlation.html")


def test_every_chapter_notebook_uses_only_names_it_defines(tmp_path):
    """Top to bottom, a chapter's code uses no name it has not defined or imported (ruff F821 on
    the notebook): the error a learner would meet first in Colab, found without running it."""
    import subprocess
    import sys

    for path in CHAPTERS:
        jupytext.write(jupytext.read(path), tmp_path / f"{path.stem}.ipynb")
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run([str(ruff), "check", "--no-cache", "--select", "F821",
                           "--output-format", "concise", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"undefined names in the chapters:\n{done.stdout}"


def test_the_name_check_can_fail(tmp_path):
    """The check above catches a chapter cell that calls a function it never imported."""
    import subprocess
    import sys

    nb = jupytext.reads("```{code-cell} ipython3\nresult = run(1)\n```\n", fmt="md:myst")
    jupytext.write(nb, tmp_path / "bad.ipynb")
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run([str(ruff), "check", "--no-cache", "--select", "F821",
                           str(tmp_path / "bad.ipynb")], capture_output=True, text=True)
    assert done.returncode == 1 and "run" in done.stdout
