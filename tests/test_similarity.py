"""Copied answers are flagged for review, honest ones are not (issue 26, part 6).

nnlego/course/grading/similarity.py compares each answer cell with the course's solution cell
and with nnlego's own functions it names. Calibration over the repository's made-up
submissions: no right answer of ``tests/correct_alternatives/`` and no wrong one of
``tests/wrong_solutions/`` (many are the solution with one slip) is flagged; every file of
``tests/copied_submissions/`` is, on the pieces it names; and, broadly, every long enough
solution cell pasted with its names, comments and docstring changed, and every nnlego function
that a solution names pasted the same way, is flagged.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from support.notebooks import ASSIGNMENTS, RIGHT, ROOT, TESTS, WRONG, examples  # noqa: E402

from nnlego.course.grading import scan, similarity  # noqa: E402
from nnlego.course.grading.synthetic import read_submission  # noqa: E402

COPIED = TESTS / "copied_submissions"


def notebook_name(assignment):
    return next((ROOT / "solutions" / assignment).glob("*.ipynb")).stem


def submitted(assignment, answers):
    """The released notebook with answers in place, and the resources the grader passes."""
    name = notebook_name(assignment)
    nb = nbformat.read(ROOT / "exercises" / assignment / f"{name}.ipynb", 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    folder = ROOT / "autograded" / "someone" / assignment       # (never created)
    return nb, {"nbgrader": {"assignment": assignment, "notebook": name},
                "metadata": {"path": str(folder)}}


def copies_of(assignment, path):
    submission = read_submission(path)
    return scan.copies(*submitted(assignment, submission.answers))


@pytest.mark.parametrize(("assignment", "path"), examples(RIGHT) + examples(WRONG),
                         ids=lambda v: getattr(v, "stem", v))
def test_no_honest_answer_is_flagged(assignment, path):
    assert copies_of(assignment, path) == {}


@pytest.mark.parametrize(("assignment", "path"), examples(COPIED),
                         ids=lambda v: getattr(v, "stem", v))
def test_a_copied_answer_is_flagged_on_its_pieces(assignment, path):
    flagged = copies_of(assignment, path)
    expected = read_submission(path).field("flagged")
    assert expected and sorted(flagged) == sorted(expected), flagged
    assert all("reproduces" in reason for reasons in flagged.values() for reason in reasons)


class Renamer(ast.NodeTransformer):
    """Every argument and local name renamed, docstrings and comments gone (unparse)."""

    def __init__(self, keep):
        self.keep, self.names = keep, {}

    def fresh(self, name):
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_arg(self, node):
        node.arg = self.fresh(node.arg)
        return node

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store) or node.id in self.names:
            node.id = self.fresh(node.id)
        return node


def disguised(source, keep=()):
    tree = ast.parse(re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", source, flags=re.M))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.unparse(Renamer(set(keep)).visit(tree))


def long_solution_cells():
    for assignment in ASSIGNMENTS:
        cells = similarity.solution_cells(ROOT, assignment, notebook_name(assignment))
        for grade_id, source in cells.items():
            if len(similarity.normalised(source)) >= similarity.MIN_TOKENS:
                yield pytest.param(assignment, grade_id, source, id=f"{assignment}-{grade_id}")


@pytest.mark.parametrize(("assignment", "grade_id", "source"), list(long_solution_cells()))
def test_every_long_solution_pasted_in_disguise_is_flagged(assignment, grade_id, source):
    defined = {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    copy = disguised(source, keep=defined)
    assert copy != source
    flagged = scan.copies(*submitted(assignment, {grade_id: copy}))
    assert any("reproduces the course's solution" in r for rs in flagged.values() for r in rs)


def nnlego_functions_the_solutions_name():
    import importlib

    seen = set()
    for assignment in ASSIGNMENTS:
        cells = similarity.solution_cells(ROOT, assignment, notebook_name(assignment))
        for grade_id, source in cells.items():
            for name in sorted(similarity._names(source)):
                for where, tokens in similarity.nnlego_function(name):
                    module, _, function = where.rpartition(".")
                    if len(tokens) < similarity.MIN_TOKENS or where in seen or \
                            module.startswith(("course", "commands")):
                        continue
                    seen.add(where)
                    target = getattr(importlib.import_module(f"nnlego.{module}"), function, None)
                    if callable(target) and function == name:
                        yield pytest.param(assignment, grade_id, target, id=where)


@pytest.mark.parametrize(("assignment", "grade_id", "function"),
                         list(nnlego_functions_the_solutions_name()))
def test_nnlego_source_pasted_in_disguise_is_flagged(assignment, grade_id, function):
    copy = disguised(inspect.getsource(function), keep={function.__name__})
    flagged = similarity.copied(copy, None)
    assert any("reproduces nnlego's own" in reason for reason in flagged), flagged


def test_the_calibration_margin_is_documented():
    """The honest answers' highest likeness to nnlego's functions stays below the threshold
    with a margin, as similarity.py's docstring says (0.86 against 0.92)."""
    highest = 0.0
    for _, path in examples(RIGHT) + examples(WRONG):
        for source in read_submission(path).answers.values():
            parts = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
            for name in similarity._names(source):
                for _, reference in similarity.nnlego_function(name):
                    if len(reference) >= similarity.MIN_TOKENS:
                        highest = max([highest] + [similarity.alike(
                            similarity.normalised(p), reference) for p in parts])
    assert 0.5 < highest < similarity.THRESHOLD - 0.03, highest
    assert json.dumps(round(highest, 2)) in Path(similarity.__file__).read_text()
