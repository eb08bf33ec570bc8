"""nnlego.course.publishing: the one setting of where the project is published, and its copies.

The setting is _config.yml's repository.url / repository.branch / html.baseurl. The chapters'
install line and every repository URL written in the book must be the configured one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nnlego.course.publishing import (
    PAGES_BRANCH,
    binder_environment,
    binder_url,
    book_page_url,
    colab_url,
    install_fallback_line,
    install_line,
    launch_urls,
    publication,
)

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.md"))
GITHUB_REPO = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+")


def _config(tmp_path, url="https://github.com/someone/course", baseurl="https://x.org/c"):
    path = tmp_path / "_config.yml"
    path.write_text(f"repository:\n  url: {url}\n  branch: trunk\nhtml:\n  baseurl: {baseurl}\n"
                    "launch_buttons:\n  binderhub_url: https://binder.example/\n")
    return path


def test_publication_reads_the_config(tmp_path):
    """Each field comes from its key; the book URL ends in one slash."""
    pub = publication(_config(tmp_path))
    assert pub.repository == "https://github.com/someone/course"
    assert (pub.branch, pub.book, pub.org_repo) == ("trunk", "https://x.org/c/", "someone/course")
    assert pub.binder == "https://binder.example"


@pytest.mark.parametrize("url, baseurl, key", [
    ("https://gitlab.com/a/b", "https://x.org/", "repository.url"),
    ("https://github.com/a", "https://x.org/", "repository.url"),
    ("https://github.com/a/b", "", "html.baseurl"),
])
def test_publication_rejects_what_cannot_launch(tmp_path, url, baseurl, key):
    """A non-GitHub repository or a missing book URL is an error naming the key."""
    with pytest.raises(ValueError, match=re.escape(key)):
        publication(_config(tmp_path, url, baseurl))


def test_publication_names_a_missing_config(tmp_path):
    with pytest.raises(FileNotFoundError, match="config="):
        publication(tmp_path / "nothing.yml")


def test_links_of_a_chapter_and_an_exercise(tmp_path):
    """A chapter launches its built, readable .ipynb on the pages branch (Colab and Binder);
    an exercise launches itself on the source branch."""
    pub = publication(_config(tmp_path))
    chapter = launch_urls("book/05_lego_bricks.md", pub)
    assert chapter["colab"] == ("https://colab.research.google.com/github/someone/course/blob/"
                                f"{PAGES_BRANCH}/_sources/book/05_lego_bricks.ipynb")
    assert chapter["binder"] == (f"https://binder.example/v2/gh/someone/course/{PAGES_BRANCH}"
                                 "?urlpath=lab/tree/_sources/book/05_lego_bricks.ipynb")
    assert launch_urls("book/05_lego_bricks", pub) == chapter
    exercise = launch_urls("exercises/05_lego_bricks/lego_bricks.ipynb", pub)
    assert exercise["colab"].endswith("/blob/trunk/exercises/05_lego_bricks/lego_bricks.ipynb")
    assert exercise["binder"] == ("https://binder.example/v2/gh/someone/course/trunk"
                                  "?urlpath=lab/tree/exercises/05_lego_bricks/lego_bricks.ipynb")
    assert book_page_url("book/05_lego_bricks.md", pub) == "https://x.org/c/book/05_lego_bricks.html"


@pytest.mark.parametrize("call", [
    lambda pub: colab_url("book/05_lego_bricks.md", pub),
    lambda pub: binder_url("book/05_lego_bricks.md", pub),
    lambda pub: launch_urls("/etc/passwd.ipynb", pub),
    lambda pub: launch_urls("../other/x.ipynb", pub),
])
def test_links_refuse_what_is_not_a_repository_notebook(tmp_path, call):
    """Colab opens only .ipynb; paths are relative to the repository root."""
    with pytest.raises(ValueError, match="path=|notebook="):
        call(publication(_config(tmp_path)))


@pytest.mark.parametrize("make_line", [install_line, install_fallback_line])
def test_every_chapter_installs_from_the_configured_repository(make_line):
    """The hidden setup cell of every chapter has install_line() of the one setting, and
    install_fallback_line() for when that fails."""
    line = make_line(publication(ROOT / "_config.yml"))
    assert len(CHAPTERS) >= 9, f"expected the numbered chapters in book/, found {CHAPTERS}"
    missing = [p.name for p in CHAPTERS if line not in p.read_text(encoding="utf-8")]
    assert not missing, (f"chapters whose setup cell lacks {line!r} (the line that installs "
                         f"nnlego on Colab/Binder): {missing}")


def test_the_fallback_install_needs_no_git():
    pub = publication(ROOT / "_config.yml")
    assert install_fallback_line(pub) == (f"%pip install --quiet {pub.repository}/archive/refs/"
                                          f"heads/{pub.branch}.zip")


def test_every_repository_url_in_the_book_is_the_configured_one():
    """No hand-written github.com/ORG/REPO in book/, binder/ or README.md but the setting's."""
    repository = publication(ROOT / "_config.yml").repository
    sources = [*sorted((ROOT / "book").glob("*.md")), *sorted((ROOT / "binder").glob("*")),
               ROOT / "README.md"]
    stale = {str(p.relative_to(ROOT)): sorted(set(found))
             for p in sources
             if (found := [u for u in GITHUB_REPO.findall(p.read_text(encoding="utf-8"))
                           if u.removesuffix(".git") != repository
                           and not u.startswith(repository + "/")])}
    # Links to other projects (articles, code) are fine; only this project's name may drift.
    ours = repository.rsplit("/", 1)[1]
    stale = {f: [u for u in urls if u.rsplit("/", 1)[1] == ours] for f, urls in stale.items()}
    stale = {f: urls for f, urls in stale.items() if urls}
    assert not stale, (f"repository URLs that are not _config.yml's {repository}: {stale}; "
                       "replace them with it")


def binder_nnlego(requirements: str):
    """The one requirement naming nnlego in a requirements.txt, parsed (PEP 508)."""
    from packaging.requirements import Requirement

    lines = [line.strip() for line in requirements.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    found = [Requirement(line) for line in lines if not line.startswith("-")]
    named = [r for r in found if r.name == "nnlego"]
    assert len(named) == 1, f"requirements.txt names nnlego {len(named)} times: {lines}"
    return named[0]


def test_the_published_binder_installs_what_colab_installs(tmp_path):
    """binder/requirements.txt of the site: nnlego from the chapters' install source (the
    configured repository), ipywidgets for the bars; postBuild fetches data and pack, never
    failing the image, and is valid bash."""
    import subprocess

    for pub in (publication(ROOT / "_config.yml"), publication(_config(tmp_path))):
        files = binder_environment(pub)
        assert set(files) == {"binder/requirements.txt", "binder/postBuild"}
        nnlego = binder_nnlego(files["binder/requirements.txt"])
        assert nnlego.url == install_line(pub).split()[-1] == f"git+{pub.repository}"
        assert "ipywidgets" in files["binder/requirements.txt"]
    script = files["binder/postBuild"]
    assert script.startswith("#!/usr/bin/env bash\n") and "set -e" not in script
    assert "nnlego data fetch all ||" in script and "nnlego results fetch" in script
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_a_moved_chapter_s_old_address_sends_the_reader_on(tmp_path):
    from nnlego.course.publishing import MOVED, redirect_page
    pub = publication(_config(tmp_path))
    page = redirect_page("book/09_savant", "book/09_derangements", pub)
    assert '<meta http-equiv="refresh" content="0; url=09_derangements.html">' in page
    assert f'<link rel="canonical" href="{pub.book}book/09_derangements.html">' in page
    assert '<a href="09_derangements.html">' in page
    with pytest.raises(ValueError, match="same folder"):
        redirect_page("book/x", "appendix/y", pub)
    chapters = {p.stem for p in (ROOT / "book").glob("*.md")}
    assert all(new.split("/")[1] in chapters and old.split("/")[1] not in chapters
               for old, new in MOVED.items())
