"""The self-checks of assignments 6 and 7 (``nnlego/selfcheck/a06_*.py``, ``a07_*.py``).

Every piece's check passes on the solution's functions, fails on the released notebook's
(which raise NotImplementedError), and fails on each wrong solution of
``tests/wrong_solutions/`` whose ``loses:`` list meets the piece's ``covers``. The notebooks'
answer cells are run in a namespace holding only the setup cell's imports (nothing trains).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlego.selfcheck import Failed

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"06_bricks_tested": "nnlego.selfcheck.a06_bricks_tested",
           "07_small_networks": "nnlego.selfcheck.a07_small_networks"}
MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", flags=re.M)


def cells(folder, assignment):
    (path,) = (ROOT / folder / assignment).glob("*.ipynb")
    return nbformat.read(path, 4).cells


def imports_of_setup(nb_cells) -> str:
    """The setup cell's import statements (its magics and training left out)."""
    (setup,) = [c.source for c in nb_cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "setup"]
    code = "\n".join(line for line in setup.splitlines() if not line.startswith("%"))
    return "\n".join(ast.unparse(node) for node in ast.parse(code).body
                     if isinstance(node, (ast.Import, ast.ImportFrom)))


def namespace(folder, assignment, replace=None):
    """The names the answer cells of a notebook define (replace: {grade_id: new source})."""
    nb_cells = cells(folder, assignment)
    ns = {}
    exec(imports_of_setup(nb_cells), ns)
    for cell in nb_cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            source = (replace or {}).get(meta["grade_id"], cell.source)
            exec(MARKERS.sub("", source), ns)
    return ns


def read_wrong(path):
    parts = re.split(r"^# %% replaces: (\S+)\n", path.read_text(), flags=re.M)
    loses = re.search(r"^loses: (.+)$", parts[0], re.M).group(1).split()
    return loses, {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def pieces(assignment):
    return importlib.import_module(MODULES[assignment]).PIECES


def wrong_cases():
    return [pytest.param(a, p, id=f"{a}-{p.stem}") for a in MODULES
            for p in sorted((ROOT / "tests" / "wrong_solutions" / a).glob("*.py"))]


@pytest.mark.parametrize("assignment", MODULES)
def test_the_module_follows_the_contract(assignment):
    module = importlib.import_module(MODULES[assignment])
    assert module.ASSIGNMENT == assignment
    graded = {c.metadata.nbgrader["grade_id"] for c in cells("solutions", assignment)
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    assert {g for p in module.PIECES for g in p.covers} == graded, "one piece per test cell"
    answers = namespace("solutions", assignment)
    assert all(name in answers for p in module.PIECES for name in p.needs)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("assignment", MODULES)
def test_the_solution_passes_every_piece(assignment, seed):
    ns = namespace("solutions", assignment)
    for piece in pieces(assignment):
        piece.check(ns, np.random.default_rng(seed))


@pytest.mark.parametrize("assignment", MODULES)
def test_the_released_notebook_fails_every_piece(assignment):
    ns = namespace("exercises", assignment)
    for piece in pieces(assignment):
        with pytest.raises(Failed, match="NotImplementedError"):
            piece.check(ns, np.random.default_rng(3))


@pytest.mark.parametrize(("assignment", "path"), wrong_cases())
def test_each_wrong_solution_fails_its_pieces(assignment, path):
    loses, replace = read_wrong(path)
    ns = namespace("solutions", assignment, replace)
    failing = [p for p in pieces(assignment) if set(p.covers) & set(loses)]
    assert failing, f"{path.name}: no piece covers {loses}"
    for piece in failing:
        with pytest.raises(Failed) as failed:
            piece.check(ns, np.random.default_rng(4))
        assert failed.value.kind and failed.value.detail, "Failed names the input and the fix"
