"""The course as a whole: no assignment gives away another's answer, and the difficulty curve.

1. No code a student sees outside the answer cells of assignment N (its setup cell, visible
   tests, demonstration cells) defines a function that is an answer of another assignment, by
   name, or contains a piece of another assignment's answer, by AST shape (the same code up to
   the names of its variables): a setup cell must use nnlego's own implementation instead.
2. Every assignment's title cell states its expected time and prerequisites in one line of the
   format of ``nnlego.course.course_map.HEADER_FORMAT``; the times go from one-liners to the
   capstone;
   the prerequisites name chapters and assignments that exist and come first.
3. Appendix A's course table is computed from those lines (``nnlego.course.course_map``).
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import re
from pathlib import Path

import pytest

from nnlego.course import course_map

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*/*.ipynb"))
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)
MIN_NODES = 20          # a fragment of an answer this big (AST nodes) is a give-away
CAPSTONE = "12_capstone"
MAX_FALL = 0.2        # a step of the course may be a fifth shorter than the one before


# -- AST shapes ---------------------------------------------------------------------------
def _parse(source: str) -> ast.Module:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _shape(node: ast.AST) -> str:
    """The node's AST with its variable names renamed in order of first use (alpha-equivalence)."""
    names: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, n):
            return ast.copy_location(ast.Name(id=names.setdefault(n.id, f"v{len(names)}"),
                                              ctx=n.ctx), n)

        def visit_arg(self, n):
            n = ast.arg(arg=names.setdefault(n.arg, f"v{len(names)}"), annotation=None)
            return n

    return ast.dump(Rename().visit(copy.deepcopy(node)))


def _size(node: ast.AST) -> int:
    return sum(1 for _ in ast.walk(node))


def _fragments(tree: ast.AST, min_nodes: int = MIN_NODES) -> dict[str, str]:
    """``{shape: code}`` of every statement and expression of ``tree`` of at least min_nodes."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.expr)) and not isinstance(node, ast.FunctionDef) \
                and _size(node) >= min_nodes:
            out.setdefault(_shape(node), ast.unparse(node))
    return out


def _answer_bodies(tree: ast.Module):
    """The statements of the answer (function bodies without their docstrings)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            yield from body


def _cells(notebook: Path):
    """``(kind, grade_id, source)`` per code cell, kind "answer" or "seen" (hidden tests cut)."""
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell["metadata"].get("nbgrader", {})
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        kind = "answer" if meta.get("solution") else "seen"
        yield kind, meta.get("grade_id", "(a demonstration cell)"), HIDDEN.sub("", source)


@functools.cache
def answers_of(notebook: Path) -> tuple[set[str], dict[str, str]]:
    """The function names the answer cells define, and ``{shape: code}`` of their fragments."""
    names, fragments = set(), {}
    for kind, _, source in _cells(notebook):
        if kind == "answer":
            tree = _parse(source)
            names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            for statement in _answer_bodies(tree):
                fragments.update(_fragments(statement))
    return names, fragments


@functools.cache
def _seen(source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The functions code defines and the shapes of its fragments (each cell parsed once)."""
    tree = _parse(source)
    return (tuple(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)),
            tuple(_fragments(tree)))


def leaks(seen_source: str, names: set[str], fragments: dict[str, str]) -> list[str]:
    """What of another assignment's answers (``names``, ``fragments``) this code gives away."""
    defined, shapes = _seen(seen_source)
    found = [f"defines {name}()" for name in defined if name in names]
    found += [f"contains the answer's code {fragments[shape]!r}"
              for shape in shapes if shape in fragments]
    return found


# The old setup cell of assignment 3: a complete forward pass, the answer to assignment 2.
OLD_SETUP_3 = '''
def quadratic_cost(weights, biases, X, Y):
    """C: the mean over the rows of X of 1/2 ||a - y||^2, for a sigmoid network."""
    A = X
    for W, b in zip(weights, biases):
        A = sigmoid(A @ W + b)
    return 0.5 * np.sum((A - Y) ** 2) / len(X)
'''


def test_the_leak_detector_finds_a_forward_pass_under_other_names():
    """The checker can fail: assignment 3's old setup cell gives away assignment 2's forward."""
    names, fragments = answers_of(ROOT / "solutions/02_forward_pass/forward_pass.ipynb")
    assert "forward" in names and "sigmoid" in names
    assert leaks(OLD_SETUP_3, names, fragments)
    renamed = OLD_SETUP_3.replace("A", "out").replace("W, b", "M, c").replace("W +", "M +")
    renamed = renamed.replace("+ b)", "+ c)")
    assert leaks(renamed, names, fragments), "renaming the variables must not hide the loop"
    assert leaks("def sigmoid(t):\n    return 1 / (1 + np.exp(-t))\n", names, fragments)
    assert not leaks("from nnlego import sigmoid\nA = sigmoid(X @ W + b)\n", names, fragments)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_no_cell_a_student_sees_gives_away_another_assignments_answer(notebook):
    """Setup, visible-test and demonstration cells of one assignment hold none of the others'
    answers (use nnlego's own implementation there)."""
    problems = []
    for other in NOTEBOOKS:
        if other == notebook:
            continue
        names, fragments = answers_of(other)
        for kind, grade_id, source in _cells(notebook):
            if kind == "seen":
                problems += [f"{grade_id}: {leak} (an answer of {other.parent.name})"
                             for leak in leaks(source, names, fragments)]
    assert not problems, "\n".join(problems)


# -- the difficulty curve -------------------------------------------------------------------
@pytest.fixture(scope="module")
def COURSE():
    return course_map.course(ROOT)


def test_every_assignment_states_its_time_and_prerequisites(COURSE):
    """One header line in the exact format per title cell, integer minutes, real chapters."""
    chapters = course_map.chapter_docs(ROOT / "book")
    folders = {a.number: a.folder for a in COURSE}
    assert [a.folder for a in COURSE] == [p.parent.name for p in NOTEBOOKS]
    for a in COURSE:
        assert isinstance(a.minutes, int) and 5 <= a.minutes <= 300, (a.folder, a.minutes)
        assert a.chapters, f"{a.folder}: the prerequisites name no chapter: {a.prerequisites!r}"
        assert a.number in a.chapters, f"{a.folder}: its own chapter {a.number} is a prerequisite"
        missing = [n for n in a.chapters if n not in chapters]
        assert not missing, f"{a.folder}: prerequisites name chapters {missing}, which do not exist"
        for n in a.assignments:
            assert n in folders and n < a.number, \
                f"{a.folder}: assignment {n} is not an earlier assignment of the course"


def test_the_header_parser_rejects_near_misses():
    """The format is exact: a missing 'about', a range or two lines are errors."""
    good = "**Expected time:** about 45 minutes · **Prerequisites:** chapter 2, assignment 2"
    title = "# Assignment 3 — X\n\n"
    assert course_map.read_header(title + good) == (45, "chapter 2, assignment 2")
    for bad in (good.replace("about ", ""), good.replace("45", "40-50"),
                good.replace("**Expected time:**", "Expected time:"), good + "\n" + good):
        with pytest.raises(ValueError, match="Expected time"):
            course_map.read_header(bad)
    assert course_map.named("chapters 3 and 4, assignments 2, 3 and 4") == ((3, 4), (2, 3, 4))


def rises(minutes: list[int], fall: float = MAX_FALL, reach: int = 3) -> list[str]:
    """What breaks "from one-liners to the capstone" in a sequence of expected times: the first
    must be the shortest, a step may fall by at most ``fall`` of the time before it (a shorter
    assignment after a long one, e.g. 75 then 60), and no assignment may be shorter than one
    ``reach`` or more places before it (no trend back down)."""
    problems = [f"assignment {i + 1} ({m} min) is shorter than the first ({minutes[0]} min)"
                for i, m in enumerate(minutes) if m < minutes[0]]
    problems += [f"a fall from {a} to {b} min, more than {fall:.0%}"
                 for a, b in zip(minutes, minutes[1:]) if b < (1 - fall) * a]
    problems += [f"{minutes[j]} min after {minutes[i]} min {j - i} places before"
                 for j in range(len(minutes)) for i in range(j - reach + 1)
                 if minutes[j] < minutes[i]]
    return problems


def test_the_curve_check_can_fail():
    """Today's curve passes; the old peak at backprop then one-liners, or a long first, fail."""
    assert not rises([30, 50, 50, 50, 75, 60, 75, 75, 90, 180])
    assert rises([30, 90, 50, 50, 30])                  # peaks at backprop, falls to one-liners
    assert rises([60, 50, 70])                          # the first is not the shortest
    assert rises([30, 80, 60])                          # a fall of 25%
    assert rises([30, 60, 55, 50, 45])                  # small falls, but a trend back down


def test_the_times_go_from_one_liners_to_the_capstone(COURSE):
    """The expected times rise along the course (see rises), and the capstone (when there) is
    last and takes longest."""
    minutes = [a.minutes for a in COURSE]
    assert not rises(minutes), f"{[(a.folder, a.minutes) for a in COURSE]}: {rises(minutes)}"
    capstone = [a for a in COURSE if a.folder == CAPSTONE]
    if capstone:
        assert COURSE[-1].folder == CAPSTONE
        assert capstone[0].minutes > max(a.minutes for a in COURSE[:-1])


def test_appendix_a_table_comes_from_the_notebooks(COURSE):
    """One row per assignment, with the notebook's time, pieces and points; the page builds it."""
    table = course_map.course_table(COURSE, course_map.chapter_docs(ROOT / "book"))
    lines = table.splitlines()
    assert len(lines) == 2 + len(COURSE)
    for a, line in zip(COURSE, lines[2:]):
        assert f"<{a.label}>" in line and f"about {a.minutes} min" in line
        assert f"{a.auto_points} + {a.written_points}" in line
        assert all(f"`{piece}`" in line for piece in a.pieces)
    page = (ROOT / "book/appendix_a_exercises.md").read_text()
    assert "course_map.course_table" in page, "appendix A must compute its table, not type it"
    for a in COURSE:
        assert f"({a.label})=" in page, f"appendix A has no section labelled {a.label}"
