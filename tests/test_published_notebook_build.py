"""A small Jupyter Book build (chapter 2 alone, with the book's own _config.yml and
extension): the notebook it publishes for Colab, ``_sources/book/02_forward_pass.ipynb``,
carries the glued numbers in its prose and no raw MyST. The whole book's notebooks are checked
by tests/book/test_published_notebooks.py after `make book`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlego.course.notebook_export import leftovers

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.data]
TOC = """format: jb-book
root: book/02_forward_pass
"""


def test_the_built_chapter_notebook_reads_like_its_page(tmp_path):
    for name in ("_config.yml", "scripts", "book"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "_toc.yml").write_text(TOC)
    book = Path(sys.executable).parent / "jupyter-book"
    done = subprocess.run([str(book), "build", "--all", str(tmp_path)], capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    path = tmp_path / "_build" / "html" / "_sources" / "book" / "02_forward_pass.ipynb"
    nb = json.loads(path.read_text())
    assert leftovers(nb) == []
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "(on the book's page)" not in prose
    right = re.search(r"Untrained, it is right on (\S+) of the test images", prose)
    assert right and re.fullmatch(r"\d+\.\d%", right.group(1)), prose[:2000]
    assert "> **In this chapter you will**" in prose
