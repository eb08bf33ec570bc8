"""The capstone's self-check (nnlego.selfcheck.a12_capstone) on the solution, the released
notebook and every wrong solution: the solution passes every piece, the released notebook fails
every piece, a wrong solution fails each piece that covers a test cell it loses.

The notebooks' cells run in one namespace (the solution markers stripped, magics dropped), as a
learner's kernel would hold them. The run piece trains on real data: marked slow.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlego.selfcheck import Failed
from nnlego.selfcheck import a12_capstone as selfcheck

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "12_capstone" / "capstone.ipynb"
RELEASED = ROOT / "exercises" / "12_capstone" / "capstone.ipynb"
WRONG = Path(__file__).parent / "wrong_solutions" / "12_capstone"
RIGHT = Path(__file__).parent / "correct_alternatives" / "12_capstone"
ANSWERS = ("setup", "shuffler", "correlation_map", "grid_score", "run_capstone",
           "experiment_choice")
PIECES = {piece.name: piece for piece in selfcheck.PIECES}
SLOW = {"run_capstone"}


def cell_sources(path):
    return {c.get("id"): c.source for c in nbformat.read(path, 4).cells}


def namespace(path=SOLUTION, replace=None):
    """The answer cells of the notebook at ``path`` (``replace``: {cell id: new source}) run in
    one namespace; a cell that raises stops there, as in a notebook."""
    sources = {**cell_sources(path), **(replace or {})}
    ns = {}
    for cell in ANSWERS:
        source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", sources[cell], flags=re.M)
        try:
            exec("\n".join(line for line in source.splitlines() if not line.startswith("%")), ns)
        except NotImplementedError:
            pass
    return ns


def wrong_solution(path):
    text = path.read_text()
    parts = re.split(r"^# %% replaces: (\S+)\n", text, flags=re.M)
    header = parts[0].split('"""', 2)[-1]       # the file's imports, after its docstring
    replace = {parts[i]: header + parts[i + 1] for i in range(1, len(parts), 2)}
    loses = re.search(r"^loses: (.+)$", parts[0], re.M)
    return replace, loses.group(1).split() if loses else []


def fails(piece, ns, seed=0):
    """True when the piece fails: a missing name or a Failed."""
    if any(name not in ns for name in piece.needs):
        return True
    try:
        piece.check(ns, np.random.default_rng(seed))
    except Failed:
        return True
    return False


def marks(name):
    return [pytest.mark.slow] if name in SLOW else []


@pytest.fixture(scope="module")
def solution():
    return namespace()


@pytest.mark.parametrize("name", [pytest.param(n, marks=marks(n)) for n in PIECES])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_solution_passes_every_piece(solution, name, seed):
    assert not fails(PIECES[name], solution, seed)


@pytest.mark.parametrize("name", [pytest.param(n, marks=marks(n)) for n in PIECES])
def test_the_released_notebook_fails_every_piece(name):
    assert fails(PIECES[name], namespace(RELEASED))


def wrong_cases():
    cases = []
    for path in sorted(WRONG.glob("*.py")):
        loses = wrong_solution(path)[1]
        for piece in selfcheck.PIECES:
            if set(piece.covers) & set(loses):
                cases.append(pytest.param(path.stem, piece.name, marks=marks(piece.name),
                                          id=f"{path.stem}-{piece.name}"))
    return cases


@pytest.mark.parametrize(("wrong", "name"), wrong_cases())
def test_each_wrong_solution_fails_the_pieces_it_loses(wrong, name):
    replace = wrong_solution(WRONG / f"{wrong}.py")[0]
    assert fails(PIECES[name], namespace(replace=replace)), f"{wrong} passes {name}"


@pytest.mark.parametrize("name", [pytest.param(n, marks=marks(n)) for n in PIECES])
def test_a_correct_alternative_passes(name):
    (path,) = RIGHT.glob("*.py")
    assert not fails(PIECES[name], namespace(replace=wrong_solution(path)[0]))


def test_every_piece_covers_a_graded_cell_and_every_graded_cell_is_covered():
    graded = {c.get("id") for c in nbformat.read(SOLUTION, 4).cells
              if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    covered = {cell for piece in selfcheck.PIECES for cell in piece.covers}
    assert covered == graded
    assert selfcheck.ASSIGNMENT == SOLUTION.parent.name


def test_no_hidden_test_line_in_the_selfcheck():
    source = (ROOT / "nnlego" / "selfcheck" / "a12_capstone.py").read_text()
    hidden = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                        "\n".join(cell_sources(SOLUTION).values()), flags=re.S)
    lines = {line.strip() for block in hidden for line in block.splitlines()
             if len(line.strip()) >= 12}
    assert not [line for line in lines if line in source]
