"""The self-check pieces of the difficulty-curve rework (assignment 3's output_delta,
assignment 8's blank_weight and one_change_run): the solution passes them, the released notebook
fails them, and every wrong solution of those pieces fails the piece it breaks."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from nnlego.selfcheck import Failed

ROOT = Path(__file__).resolve().parents[1]
WRONG = Path(__file__).parent / "wrong_solutions"
MODULES = {"03_backprop": "a03_backprop", "08_init": "a08_init"}


def _namespace(notebook: Path, replaced: dict | None = None) -> dict:
    """Run the setup cell and the answer cells of a notebook (magics skipped) into a dict."""
    ns: dict = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        answer_or_setup = meta.get("solution") or meta.get("grade_id") == "setup"
        if cell["cell_type"] != "code" or not answer_or_setup:
            continue
        source = (replaced or {}).get(meta["grade_id"], "".join(cell["source"]))
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            exec(compile("\n".join(lines), meta["grade_id"], "exec"), ns)
        except NotImplementedError:
            pass
    return ns


def _wrong(path: Path) -> tuple[list[str], dict]:
    text = path.read_text()
    parts = re.split(r"^# %% replaces: (\S+)\n", text, flags=re.M)
    loses = re.search(r"^loses: (.+)$", parts[0], re.M).group(1).split()
    return loses, {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def _pieces(assignment):
    return importlib.import_module(f"nnlego.selfcheck.{MODULES[assignment]}").PIECES


def _notebook(folder, assignment):
    (path,) = (ROOT / folder / assignment).glob("*.ipynb")
    return path


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_solution_passes_and_release_fails_every_new_piece(assignment):
    solution = _namespace(_notebook("solutions", assignment))
    released = _namespace(_notebook("exercises", assignment))
    for piece in _pieces(assignment):
        piece.check(solution, np.random.default_rng(7))
        with pytest.raises((Failed, NotImplementedError, KeyError)):   # unanswered
            piece.check(released, np.random.default_rng(7))


WRONGS = [pytest.param(a, p, id=f"{a}-{p.stem}") for a in sorted(MODULES)
          for p in sorted((WRONG / a).glob("*.py"))]


@pytest.mark.parametrize(("assignment", "path"), WRONGS)
def test_wrong_solutions_fail_the_new_piece_they_break(assignment, path):
    loses, replaced = _wrong(path)
    pieces = [p for p in _pieces(assignment) if set(p.covers) & set(loses)]
    if not pieces:
        pytest.skip("breaks none of this rework's pieces (checked by the self-check branch)")
    ns = _namespace(_notebook("solutions", assignment), replaced)
    for piece in pieces:
        with pytest.raises(Failed):
            piece.check(ns, np.random.default_rng(11))
