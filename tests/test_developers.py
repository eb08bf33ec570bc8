"""DEVELOPERS.md stays true to the tree, and the tests keep its rules for themselves.

Every file or folder the guide names in backticks exists (a renamed module or test file shows
up here, not in a reader's confusion), and no test file imports another test file (shared code
lives in tests/support/).
"""

from __future__ import annotations

import ast
import re

from support.notebooks import ROOT

GUIDE = ROOT / "DEVELOPERS.md"
PATH_LIKE = re.compile(r"`((?:nnlego|tests|book|solutions|exercises|scripts|benchmarks|\.github|"
                       r"\.ci)/[^`*<> ]*|[\w.-]+\.(?:py|md|yml|toml))`")


def named_paths(text: str) -> set[str]:
    """The repository paths a text names in backticks (globs and placeholders left out)."""
    return {m for m in PATH_LIKE.findall(text) if "NN" not in m and "*" not in m}


def test_the_path_finder_sees_what_it_should():
    text = "see `nnlego/files.py`, `tests/test_x.py`, `DEVELOPERS.md`, `book/NN_name.md`, `x`"
    assert named_paths(text) == {"nnlego/files.py", "tests/test_x.py", "DEVELOPERS.md"}


def test_every_path_the_guide_names_exists():
    missing = sorted(p for p in named_paths(GUIDE.read_text(encoding="utf-8"))
                     if not (ROOT / p).exists() and not list(ROOT.rglob(p)))
    assert not missing, f"DEVELOPERS.md names what is not in the tree: {missing}"


def test_no_test_file_imports_another():
    tests = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in names
                          if n.split(".")[-1] in tests]
    assert not offenders, offenders
