"""Every launch link (Colab, Binder) names a notebook that the build or the repository holds.

- a chapter's Colab and Binder links name ``_sources/book/NN.ipynb`` on the pages branch: the
  executed notebook that the build writes into _build/html (published there by ``make
  publish``), readable (no raw MyST: nnlego.course.notebook_export.leftovers);
- an exercise's links name its ``exercises/NN/name.ipynb``, tracked by git;
- and every Colab/Binder URL found in the built pages is one of those.
The built-site parts skip without a build (they fail under NNLEGO_REQUIRE_BOOK=1).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import nbformat
import pytest

from nnlego.course.notebook_export import leftovers
from nnlego.course.publishing import PAGES_BRANCH, launch_urls, publication

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("NNLEGO_BOOK_HTML") or ROOT / "_build" / "html")
REQUIRED = os.environ.get("NNLEGO_REQUIRE_BOOK") == "1"


def _chapters():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    docs = re.findall(r"^\s*(?:root|-\s*file)\s*:\s*(\S+)\s*$", toc, flags=re.M)
    return [d for d in docs if "kernelspec:" in (ROOT / f"{d}.md").read_text()[:2000]]


def _tracked(pattern):
    out = subprocess.run(["git", "ls-files", "--", pattern], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return set(out.split())


def _notebook_path(url, pub):
    """(where, path) a launch URL names: ("pages"|"source", path in that branch)."""
    parsed = urlparse(url)
    if parsed.netloc == urlparse(pub.colab).netloc:
        org_repo, rest = parsed.path.split("/github/", 1)[1].split("/blob/", 1)
        assert org_repo == pub.org_repo, f"{url} names {org_repo}, not {pub.org_repo}"
        branch, path = rest.split("/", 1)
        return ("pages" if branch == PAGES_BRANCH else "source"), unquote(path)
    if parsed.netloc == urlparse(pub.binder).netloc:
        prefix = f"/v2/gh/{pub.org_repo}/"
        assert parsed.path.startswith(prefix), f"{url} does not build {pub.org_repo}"
        branch = parsed.path.removeprefix(prefix)
        assert branch in (pub.branch, PAGES_BRANCH), f"{url} builds branch {branch!r}"
        path = unquote(parse_qs(parsed.query)["urlpath"][0]).removeprefix("lab/tree/")
        return ("pages" if branch == PAGES_BRANCH else "source"), path
    raise AssertionError(f"{url} is neither a Colab nor a Binder URL")


def _check_exists(where, path):
    """The problem with a named notebook, or None when the build/repository holds it."""
    if not path.endswith(".ipynb"):
        return f"{path} is not a notebook"
    if where == "pages":
        if not (HTML / path).exists():
            return f"{path} is not in the build ({HTML})"
        notebook = nbformat.read(HTML / path, as_version=4)
        nbformat.validate(notebook)
        if raw := leftovers(notebook):
            return f"{path} shows raw MyST, e.g. {raw[0][1]!r} (cell {raw[0][0]})"
        return None
    if path not in _tracked(path):
        return f"{path} is not a file of the repository (git ls-files)"
    nbformat.validate(nbformat.read(ROOT / path, as_version=4))
    return None


def test_every_chapter_and_exercise_launch_url_names_a_real_notebook():
    """Colab and Binder links of every chapter and released exercise name a notebook."""
    pub = publication(ROOT / "_config.yml")
    exercises = sorted(_tracked("exercises/*.ipynb"))
    assert exercises, "no exercises/*/*.ipynb tracked by git"
    chapters = _chapters()
    assert len(chapters) >= 9, chapters
    problems = {}
    for item in [*chapters, *exercises]:
        for name, url in launch_urls(item, pub).items():
            where, path = _notebook_path(url, pub)
            if where == "pages" and not (HTML / "index.html").exists() and not REQUIRED:
                continue                    # no build here: the built-site test covers it
            if problem := _check_exists(where, path):
                problems[f"{item} ({name})"] = problem
    assert not problems, f"launch links that name no notebook: {problems}"


def test_every_launch_url_in_the_built_pages_names_a_real_notebook():
    """Every Colab/Binder href of every built page names a notebook the build or repo holds."""
    if not (HTML / "index.html").exists():
        if REQUIRED:
            pytest.fail(f"no built book at {HTML} (NNLEGO_REQUIRE_BOOK=1)")
        pytest.skip(f"no built book at {HTML}: run `make book`")
    pub = publication(ROOT / "_config.yml")
    hosts = (urlparse(pub.colab).netloc, urlparse(pub.binder).netloc)
    found, problems = 0, {}
    for page in sorted(HTML.rglob("*.html")):
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            href = href.replace("&amp;", "&")
            if urlparse(href).netloc not in hosts:
                continue
            found += 1
            if problem := _check_exists(*_notebook_path(href, pub)):
                problems.setdefault(page.relative_to(HTML).as_posix(), []).append(problem)
    assert found >= 2 * len(_chapters()), f"only {found} launch links in the built pages"
    assert not problems, f"launch links that name no notebook: {problems}"


def test_a_markdown_chapter_is_no_launch_target():
    """The checker itself: a link to a chapter's .md (what Colab cannot open) is reported."""
    pub = publication(ROOT / "_config.yml")
    url = f"{pub.colab}/github/{pub.org_repo}/blob/{pub.branch}/book/05_lego_bricks.md"
    assert _check_exists(*_notebook_path(url, pub)) is not None


def test_exercises_link_the_book_by_its_published_url():
    """A downloaded exercise must reach its chapter: links to the book are published URLs."""
    pub = publication(ROOT / "_config.yml")
    relative = {}
    for path in sorted(_tracked("exercises/*.ipynb")):
        notebook = nbformat.read(ROOT / path, as_version=4)
        text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        links = re.findall(r"\]\(([^)\s]+)\)", text)
        if bad := [u for u in links if u.endswith(".md") or "/book/" in u
                   and not u.startswith(pub.book)]:
            relative[path] = bad
    assert not relative, f"links to the book that break in a downloaded notebook: {relative}"


def test_a_moved_chapter_s_old_address_is_built_and_leads_to_the_chapter():
    """The build writes a page at every old chapter address (publishing.MOVED) whose refresh
    and link lead to a page the build made."""
    from nnlego.course.publishing import MOVED
    if not (HTML / "index.html").exists():
        if REQUIRED:
            pytest.fail(f"no built book at {HTML} (NNLEGO_REQUIRE_BOOK=1)")
        pytest.skip(f"no built book at {HTML}: run `make book`")
    for old, new in MOVED.items():
        page = (HTML / f"{old}.html").read_text(encoding="utf-8")
        target = re.search(r'content="0; url=([^"]+)"', page).group(1)
        assert (HTML / old).parent.joinpath(target) == HTML / f"{new}.html"
        assert (HTML / f"{new}.html").is_file() and f'href="{target}"' in page
