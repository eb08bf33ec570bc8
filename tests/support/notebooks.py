"""The course's notebooks and the made-up submissions of ``tests/``, read in one place.

A submission file (``tests/wrong_solutions/``, ``tests/correct_alternatives/``,
``tests/cheating_submissions/``; their README says the format) is a docstring (``loses:``,
``flagged:``, ``errors:`` lines), an optional header (the imports an answer of its own needs),
then cells, each after a ``# %% replaces|appends to|new cell before: GRADE_ID`` line.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from nnlego.course.grading.synthetic import Submission, read_submission  # noqa: F401 (one parser)
from nnlego.course.selfcheck.notebook import nbgrader, source

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
TESTS = ROOT / "tests"
WRONG = TESTS / "wrong_solutions"
CHEATS = TESTS / "cheating_submissions"
RIGHT = TESTS / "correct_alternatives"
ASSIGNMENTS = sorted(p.name for p in SOLUTIONS.glob("[0-9]*") if list(p.glob("*.ipynb")))
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\n", flags=re.M)
def examples(folder: Path, assignments=ASSIGNMENTS) -> list[tuple[str, Path]]:
    """(assignment, path) of every submission file under folder/<assignment>/."""
    return [(a, p) for a in assignments for p in sorted((folder / a).glob("*.py"))]


def notebook_path(folder: Path, assignment: str) -> Path:
    (path,) = (folder / assignment).glob("*.ipynb")
    return path


def load(folder: Path, assignment: str) -> dict:
    """The notebook of assignment in folder (solutions or exercises) as plain JSON."""
    return json.loads(notebook_path(folder, assignment).read_text())


def hidden_blocks(nb) -> list[str]:
    return [block for cell in nb["cells"] for block in HIDDEN.findall(source(cell))]


def _definitions_only(code: str) -> str:
    """The imports, functions and classes of the setup cell, without the data it loads or the
    networks it trains (the answers use its helpers, never its data)."""
    kept = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    return "\n".join(ast.unparse(node) for node in ast.parse(code).body if isinstance(node, kept))


def answer_namespace(nb: dict, replace: dict | None = None, header: str = "") -> dict:
    """The names a notebook's answer cells define, run in one namespace after the setup cell's
    definitions (magics and shell lines dropped; ``replace``: {grade_id: new source}, each
    preceded by ``header``). An answer that raises NotImplementedError (unanswered) defines
    nothing; any other error propagates, as it would stop a learner's notebook."""
    ns: dict = {}
    for cell in nb["cells"]:
        meta = nbgrader(cell)
        if cell["cell_type"] != "code" or not (meta.get("solution") or
                                                meta.get("grade_id") == "setup"):
            continue
        code = source(cell)
        if meta.get("grade_id") in (replace or {}):
            code = f"{header}\n{replace[meta['grade_id']]}"
        code = "\n".join(line for line in SOLUTION_MARKERS.sub("", code).splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        if meta.get("grade_id") == "setup":
            code = _definitions_only(code)
        try:
            exec(compile(code, f"<cell {meta.get('grade_id')}>", "exec"), ns)
        except NotImplementedError:
            pass
    return ns
