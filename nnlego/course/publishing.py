"""Where nnlego is published, and every link built from that: book pages, Colab, Binder, pip.

The one setting is the repository's ``_config.yml`` (the Jupyter Book configuration):
``repository.url`` and ``repository.branch`` say where the source lives, ``html.baseurl`` where
the built book is served. Change the project's home there and nowhere else; the launch
buttons, the chapters' install line and the exercises' links are all derived here.

How each kind of link opens a notebook (Colab opens only ``.ipynb``):

- a **chapter** (``book/05_lego_bricks.md``, a MyST markdown notebook): Colab and Binder
  both open the executed notebook that the build publishes with the book,
  ``_sources/book/05_lego_bricks.ipynb`` on the branch ``PAGES_BRANCH`` (``make publish``
  pushes ``_build/html`` there), its glued numbers in the prose and its MyST made plain
  Markdown. Binder builds that branch from the environment the build writes into the site,
  :func:`binder_environment` (``binder/requirements.txt``: nnlego from the chapters' own
  install source; ``binder/postBuild``: the data and the results pack, fetched once).
- an **exercise** (``exercises/05_lego_bricks/lego_bricks.ipynb``, already a notebook): Colab
  and Binder open that file on the source branch (Binder builds it from ``binder/``).

Everything here is string work on the settings; only :func:`publication` reads a file.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import quote

# The branch that holds the built site (ghp-import's default): GitHub Pages serves it.
PAGES_BRANCH = "gh-pages"
COLAB = "https://colab.research.google.com"
BINDER = "https://mybinder.org"


class Publication(NamedTuple):
    """Where the project lives: ``repository`` (https://github.com/ORG/REPO), its source
    ``branch``, ``book`` (the built book's URL, ending in /), and the Colab and BinderHub
    that launch its notebooks."""

    repository: str
    branch: str
    book: str
    colab: str = COLAB
    binder: str = BINDER

    @property
    def org_repo(self) -> str:
        """ORG/REPO, as Colab and Binder name a GitHub repository."""
        return self.repository.split("github.com/", 1)[1].strip("/")


def publication(config) -> Publication:
    """The settings in ``_config.yml`` (``repository.url``, ``repository.branch``,
    ``html.baseurl``, ``launch_buttons``), checked: a GitHub https URL, an absolute book URL."""
    import yaml  # Jupyter Book's dependency: this runs where the book is built or tested

    path = Path(config)
    if not path.exists():
        raise FileNotFoundError(f"config={str(path)!r} does not exist; pass the path of the "
                                "repository's _config.yml (publication(config=...))")
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    repository = str((settings.get("repository") or {}).get("url") or "").rstrip("/")
    branch = str((settings.get("repository") or {}).get("branch") or "main")
    book = str((settings.get("html") or {}).get("baseurl") or "")
    if not repository.startswith("https://github.com/") or repository.count("/") != 4:
        raise ValueError(f"repository.url in {path} is {repository!r}; expected "
                         "https://github.com/ORG/REPO (Colab and Binder open GitHub "
                         "repositories)")
    if not book.startswith(("https://", "http://")):
        raise ValueError(f"html.baseurl in {path} is {book!r}; expected the absolute URL "
                         "where the built book is served, e.g. https://ORG.github.io/REPO/")
    launch = settings.get("launch_buttons") or {}
    return Publication(repository, branch, book.rstrip("/") + "/",
                       launch.get("colab_url", COLAB).rstrip("/"),
                       launch.get("binderhub_url", BINDER).rstrip("/"))


def _posix(path) -> str:
    text = PurePosixPath(str(path).replace("\\", "/")).as_posix()
    if text.startswith("/") or ".." in text.split("/"):
        raise ValueError(f"path={path!r} must be relative to the repository root, "
                         "e.g. 'book/05_lego_bricks.md'")
    return text


def book_page_url(docname, pub: Publication) -> str:
    """The published page of a chapter: ``book_page_url("book/05_lego_bricks", pub)`` ->
    ``https://ORG.github.io/REPO/book/05_lego_bricks.html`` (a .md suffix is dropped)."""
    docname = _posix(docname).removesuffix(".md").removesuffix(".html")
    return f"{pub.book}{quote(docname)}.html"


def chapter_notebook(docname) -> str:
    """The path on PAGES_BRANCH of a chapter's executed, readable notebook:
    ``_sources/book/05_lego_bricks.ipynb``."""
    return f"_sources/{_posix(docname).removesuffix('.md')}.ipynb"


def colab_url(notebook, pub: Publication, *, branch=None) -> str:
    """Colab's URL for a notebook of the GitHub repository (on ``branch``, default the
    source branch)."""
    notebook = _posix(notebook)
    if not notebook.endswith(".ipynb"):
        raise ValueError(f"notebook={notebook!r}: Colab opens only .ipynb files; for a "
                         "chapter pass chapter_notebook(docname) with branch=PAGES_BRANCH")
    return f"{pub.colab}/github/{pub.org_repo}/blob/{branch or pub.branch}/{quote(notebook)}"


def binder_url(notebook, pub: Publication, *, branch=None) -> str:
    """Binder's URL that builds ``branch`` (default the source branch) of the repository and
    opens ``notebook`` in JupyterLab."""
    notebook = _posix(notebook)
    if not notebook.endswith(".ipynb"):
        raise ValueError(f"notebook={notebook!r} is not a .ipynb file; for a chapter pass "
                         "chapter_notebook(docname) with branch=PAGES_BRANCH")
    return (f"{pub.binder}/v2/gh/{pub.org_repo}/{branch or pub.branch}"
            f"?urlpath=lab/tree/{quote(notebook)}")


def launch_urls(path, pub: Publication) -> dict[str, str]:
    """{"colab": ..., "binder": ...} for a chapter (``book/NN_name.md`` or its docname) or an
    exercise notebook (``exercises/NN_name/name.ipynb``)."""
    path = _posix(path)
    if path.endswith(".ipynb"):
        return {"colab": colab_url(path, pub), "binder": binder_url(path, pub)}
    built = chapter_notebook(path)
    return {"colab": colab_url(built, pub, branch=PAGES_BRANCH),
            "binder": binder_url(built, pub, branch=PAGES_BRANCH)}


def install_line(pub: Publication) -> str:
    """The line of every chapter's setup cell that installs nnlego on Colab or Binder."""
    return f"%pip install --quiet git+{pub.repository}"


def install_fallback_line(pub: Publication) -> str:
    """The setup cell's second try when ``install_line`` failed (no git client, a failed
    clone): the same branch as GitHub's zip archive, which pip installs over plain HTTPS."""
    return f"%pip install --quiet {pub.repository}/archive/refs/heads/{pub.branch}.zip"


def binder_requirement(pub: Publication) -> str:
    """nnlego as a requirement (PEP 508) from the source ``install_line`` installs on Colab."""
    return f"nnlego @ git+{pub.repository}"


BINDER_POSTBUILD = """#!/usr/bin/env bash
# Binder's image of the published book: the data and the release's results pack, fetched and
# verified once, when the image is built. Neither may fail the image: the chapter's setup cell
# says what is missing and tries again (a chapter without the pack trains, with a progress bar).
set -uo pipefail
nnlego data fetch all || echo "postBuild: no data yet; each chapter's setup cell fetches it"
nnlego results fetch --no-progress --timeout 60 \\
  || echo "postBuild: no results pack; each chapter trains what it needs, with a progress bar"
"""


def binder_environment(pub: Publication) -> dict[str, str]:
    """{path: text} of the Binder environment the build writes into the site (PAGES_BRANCH):
    ``binder/requirements.txt`` (nnlego, ipywidgets for the progress bars) and
    ``binder/postBuild`` (data and results pack)."""
    requirements = ("# Binder (repo2docker) for the published chapters; written by the book's "
                    "build\n# (nnlego.course.publishing.binder_environment)\n"
                    f"{binder_requirement(pub)}\nipywidgets>=8\n")
    return {"binder/requirements.txt": requirements, "binder/postBuild": BINDER_POSTBUILD}


# Chapters that moved: old docname -> new docname. The build writes a page at each old address
# that sends the reader (and a search engine: rel=canonical) to the new one.
MOVED = {"book/08_init_and_l2": "book/08_init", "book/09_savant": "book/09_derangements",
         "book/10_wiring": "book/10_correlation"}


def redirect_page(old: str, new: str, pub: Publication) -> str:
    """The HTML of the page at ``old``'s address that sends the reader to chapter ``new`` (in
    the same folder)."""
    if PurePosixPath(_posix(old)).parent != PurePosixPath(_posix(new)).parent:
        raise ValueError(f"old={old!r} and new={new!r} must be in the same folder (a relative "
                         "link); move chapters within book/")
    target = quote(PurePosixPath(_posix(new)).name) + ".html"   # same folder: a relative link
    canonical = book_page_url(new, pub)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<title>Moved to {_posix(new)}</title>\n"
            f"<link rel=\"canonical\" href=\"{canonical}\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n"
            f"<body><p>This chapter has moved: <a href=\"{target}\">{_posix(new)}</a>.</p>"
            "</body></html>\n")
