"""A learner's notebook as the checker sees it: which cells to run, and which assignment it is.

The checker runs the learner's code, never the course's tests:

- the setup cell (nbgrader grade id ``setup``) and every answer cell (nbgrader ``solution``);
- a code cell of the learner's own (no nbgrader metadata) placed before the last answer cell,
  e.g. a helper the answers use; the course's demonstrations after the last answer (training,
  figures) are skipped unless ``all_cells``, and so is every cell tagged ``demonstration``
  wherever it stands;
- never a graded test cell (nbgrader ``grade`` without ``solution``).

A notebook whose nbgrader metadata was stripped (some tools drop cell metadata) falls back to
the cells' shape: a test cell opens with its docstring, every other code cell runs.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

TITLE = re.compile(r"^#\s*Assignment\s+(\d+)\b", re.M)
MAGIC = re.compile(r"^(\s*)[%!].*$", re.M)


@dataclass(frozen=True)
class Cell:
    """A code cell to run: its position in the notebook (1 = first cell), its role, source."""

    index: int
    role: str                     # "setup", "answer" or "own"
    grade_id: str | None
    source: str

    @property
    def label(self) -> str:
        name = f" ({self.grade_id})" if self.grade_id else ""
        return f"cell {self.index}{name}"

    def defines(self) -> set[str]:
        """The top-level names the cell binds (def, class, import, assignment)."""
        try:
            tree = ast.parse(MAGIC.sub(r"\1pass", self.source))
        except SyntaxError:
            return set()
        names = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        return names


def read(path: Path) -> dict:
    """The notebook at path as JSON; ValueError naming the path if it is not one."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file; give the path of your .ipynb notebook")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give the path of your .ipynb notebook")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a Jupyter notebook (not JSON: {error}); give the .ipynb "
                         "file you work in (File > Download > .ipynb)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"{path}: not a Jupyter notebook (no list of cells); give the .ipynb "
                         "file you work in")
    return nb


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def nbgrader(cell: dict) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_ids(nb: dict) -> set[str]:
    return {nbgrader(c)["grade_id"] for c in nb["cells"] if nbgrader(c).get("grade_id")}


def is_test(cell: dict) -> bool:
    meta = nbgrader(cell)
    if meta:
        return bool(meta.get("grade")) and not meta.get("solution")
    try:                                  # no metadata: a test cell opens with its docstring
        body = ast.parse(MAGIC.sub(r"\1pass", source(cell))).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[0], ast.Expr) and isinstance(
        getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str)


def is_demonstration(cell: dict) -> bool:
    """A course cell that shows the learner something (trains, draws) and that no test needs:
    tagged ``demonstration`` in solutions/; never run by the checker or the grader."""
    tags = cell.get("metadata", {}).get("tags", [])
    return isinstance(tags, list) and "demonstration" in tags


def cells_to_run(nb: dict, all_cells: bool = False) -> list[Cell]:
    """The code cells the checker runs, in order (see the module docstring)."""
    code = [(i, c) for i, c in enumerate(nb["cells"], 1) if c.get("cell_type") == "code"]
    marked = any(nbgrader(c) for _, c in code)
    answers = [i for i, c in code if nbgrader(c).get("solution")]
    last_answer = max(answers, default=len(nb["cells"]))
    chosen = []
    for i, cell in code:
        meta = nbgrader(cell)
        if is_test(cell) or (is_demonstration(cell) and not all_cells):
            continue
        if meta.get("solution"):
            role = "answer"
        elif meta.get("grade_id") == "setup":
            role = "setup"
        elif meta and marked:
            continue                      # another locked course cell
        elif all_cells or not marked or i < last_answer:
            role = "own"
        else:
            continue                      # the course's demonstrations after the answers
        chosen.append(Cell(i, role, meta.get("grade_id"), source(cell)))
    return chosen


def title_number(nb: dict) -> int | None:
    """N of the first '# Assignment N' heading of a markdown cell."""
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            found = TITLE.search(source(cell))
            if found:
                return int(found.group(1))
    return None


__all__ = ["Cell", "cells_to_run", "grade_ids", "is_demonstration", "is_test", "read",
           "title_number"]
