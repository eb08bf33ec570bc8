"""The self-learner's path: every chapter's published notebook runs top to bottom in a fresh
venv outside the repository (nnlego from a wheel, an empty home, an empty results cache, the
results pack served on 127.0.0.1, the data supplied). Success only: the times are printed by
``python benchmarks/fresh_notebooks.py``, never asserted here.

Needs a filled results cache (``nnlego reproduce all``: the pack is built from it) and the real
data; a chapter that fails shows the kernel's error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nnlego.datasets import data_home

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import fresh_notebooks  # noqa: E402

CHAPTERS = sorted(p.name[:2] for p in (ROOT / "book").glob("[0-9][0-9]_*.md"))
pytestmark = [pytest.mark.slow, pytest.mark.data]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """(venv python, pack URL, pack sha256, tmp): one venv and one pack server for all."""
    tmp = tmp_path_factory.mktemp("fresh")
    python = fresh_notebooks.fresh_venv(ROOT, tmp)
    pack = fresh_notebooks.build_pack(tmp)
    sha = next(pack.glob("*.zip.sha256")).read_text().split()[0]
    with fresh_notebooks.serve(pack) as url:
        yield python, url, sha, tmp


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_runs_in_a_fresh_environment(fresh, chapter):
    """The notebook the launch button opens runs every cell without error, from the pack."""
    python, url, sha, tmp = fresh
    notebook = fresh_notebooks.published_notebook(ROOT, chapter, tmp)
    try:
        fresh_notebooks.run_chapter(python, notebook, tmp, data=data_home(), pack_url=url,
                                    pack_sha256=sha)
    except subprocess.CalledProcessError as error:
        pytest.fail(f"{notebook.name} failed in a fresh venv:\n{error.stderr[-3000:]}")
