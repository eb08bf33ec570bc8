"""The static review: what in a submission's own cells and files asks for a human's look.

Runs in the grader, outside the kernel, on the notebook as submitted (its answer cells and any
cell the student added). It never changes a score by itself: it flags a piece for manual review
(nbgrader's "needs manual grade", the feedback page and ``nnlego_review.json``, which
``make grades`` collects into ``review.csv``). It looks for the tools of an attack on the
grader: reaching into the interpreter or IPython (frames, hooks, builtins, ``sys.modules``,
``get_ipython``, the cells' history ``In``), code built at run time (``exec``, ``compile``,
``__import__``), processes and threads (whose calls ``own_work`` cannot watch), files, the
grader's own module, and shell escapes (``!cmd``, ``%magic``). Also: Python files submitted
next to the notebook (they could shadow a module) and code cells before the setup cell. And
answers copied from the course's solutions or nnlego's own source (:func:`copies`).
"""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.utils import is_grade, is_solution

from . import safe_files, similarity

REVIEW_FILE = "nnlego_review.json"
PATTERNS = {
    r"\bget_ipython\b|\bIn\s*\[|\b_ih\b|\b_i\d*\b|\bOut\s*\[": "reaches into IPython",
    r"\bsys\s*\.\s*(_getframe|settrace|setprofile|modules|displayhook|excepthook|stdout|stderr)":
        "reaches into the interpreter (sys)",
    r"\b(f_back|f_globals|f_locals|f_code|__code__|__globals__|__closure__|cell_contents)\b":
        "reads or rewrites frames or code objects",
    r"\b(builtins|__builtins__|__import__|importlib|exec|eval|compile)\b":
        "builds or imports code at run time",
    r"\b(gc|inspect|ctypes|signal|threading|multiprocessing|subprocess|concurrent|atexit)\b":
        "uses an interpreter or process module",
    r"\bos\s*\.\s*(_exit|kill|fork|system|exec\w*|popen|environ|open)\b|\bopen\s*\(":
        "uses processes, the environment or files",
    (r"\bnnlego\s*\.\s*(course\s*\.\s*)?grading\b|\bimport\s+(\w+\s*,\s*)*grading\b"
     r"|__nnlego_guard__"): "touches the grader",
    r"\bsetattr\s*\(|\bdelattr\s*\(": "sets attributes by name",
    r"^\s*[!%]": "uses a shell escape or a magic",
}


def student_cells(nb):
    """(the grade_id of the next test cell, or "*", source) of every cell a student may edit."""
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("locked"):
            yield _next_test(nb, index), cell.source


def _next_test(nb, index):
    for cell in nb.cells[index + 1:]:
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            return cell.metadata.nbgrader["grade_id"]
    return "*"


def findings(source: str) -> list[str]:
    """The reasons to review one cell's source (empty if none)."""
    code = re.sub(r"#.*", "", source)
    return [reason for pattern, reason in PATTERNS.items() if re.search(pattern, code, re.M)]


def _tree(source):
    try:
        return ast.parse("\n".join("" if re.match(r"\s*[!%]", line) else line
                                   for line in source.split("\n")))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _target_names(target):
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*map(_target_names, target.elts))
    return set()


def bound_names(source: str, imports: bool = True) -> set[str]:
    """The names a cell binds at its top level (imports, definitions, assignments)."""
    names = set()
    for node in _tree(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and imports:
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= set().union(*map(_target_names, targets))
    return names


def rebinds(source: str, protected: set[str]) -> list[str]:
    """Where a cell rebinds a name of the setup cell or sets an attribute on one."""
    found = sorted(bound_names(source, imports=False) & protected)   # (an import: the same)
    for node in ast.walk(_tree(source)):
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        for target in targets:
            while isinstance(target, (ast.Attribute, ast.Subscript)):
                target = target.value
                if isinstance(target, ast.Name) and target.id in protected:
                    found.append(f"{target.id} (an attribute of it)")
    return [f"the answer rebinds or patches the setup cell's {name}"
            for name in dict.fromkeys(found)]


def review(nb, folder: str | None) -> dict[str, list[str]]:
    """{grade_id or "*": reasons} for the whole submission."""
    found = {}
    setup = next((c.source for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"), "")
    protected = bound_names(setup)
    for grade_id, source in student_cells(nb):
        found.setdefault(grade_id, []).extend(f"the answer {reason}" for reason in
                                              findings(source))
        found[grade_id].extend(rebinds(source, protected))
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    if first is not None and nb.cells[first].metadata.get("nbgrader", {}).get("grade_id") != \
            "setup":
        found.setdefault("*", []).append("a code cell runs before the setup cell")
    if folder:
        extra = sorted(p.name for p in Path(folder).iterdir()
                       if p.suffix in (".py", ".pth", ".so") or (p.is_dir() and
                                                                  not p.name.startswith(".")))
        if extra:
            found.setdefault("*", []).append(f"files submitted beside the notebook: {extra}")
    return {grade_id: list(dict.fromkeys(reasons)) for grade_id, reasons in found.items()
            if reasons}


def copies(nb, resources) -> dict[str, list[str]]:
    """{grade_id: reasons} for answer cells that reproduce the course's solution or nnlego's
    own source (:mod:`.similarity`). The course root is the one above the submission's folder
    (``<root>/autograded/<student>/<assignment>``), else the working directory."""
    info, folder = resources.get("nbgrader", {}), resources.get("metadata", {}).get("path")
    above = Path(folder).resolve().parents if folder else []
    roots = ([above[2]] if len(above) > 2 else []) + [Path.cwd()]
    solutions = next((found for root in roots if (found := similarity.solution_cells(
        root, info.get("assignment", ""), info.get("notebook", "")))), {})
    found = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            reasons = similarity.copied(cell.source, solutions.get(meta.get("grade_id")))
            if reasons:
                found.setdefault(_next_test(nb, index), []).extend(
                    f"the answer {reason}" for reason in reasons)
    return found


def annotate(nb, flags: dict[str, list[str]]):
    """Say in the notebook (so in the feedback) which pieces were flagged, and why."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for grade_id, reasons in flags.items():
        cell = cells.get(grade_id) or cells.get("setup")
        if cell is None or cell.cell_type != "code":
            continue
        text = "".join(f"nnlego-grader: flagged for review: {reason}\n" for reason in reasons
                       if reason not in "".join(o.get("text", "") for o in cell.outputs))
        if text:
            cell.outputs.append(NotebookNode(output_type="stream", name="stderr", text=text))


def write_review(resources, record):
    """Add this notebook's verdicts and flags to the folder's nnlego_review.json."""
    folder = resources.get("metadata", {}).get("path")
    if not folder:
        return
    path = Path(folder) / REVIEW_FILE
    notebook = resources.get("nbgrader", {}).get("notebook", "notebook")
    data = read_review(path)
    data[notebook] = {"passed": record["passed"], "flags": record["flags"]}
    safe_files.write_file(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def read_review(path) -> dict:
    """The review file at path; {} if it is missing, not a regular file (never followed or
    opened if a link, FIFO or device) or not a JSON object."""
    try:
        data = json.loads(safe_files.read_regular(path) or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


REVIEW_COLUMNS = ("student", "assignment", "notebook", "piece", "reason")


def collect_flags(root, out: str = "review.csv") -> list[dict]:
    """Every flag of every autograded notebook under ``root/autograded/``, one row each
    (:data:`REVIEW_COLUMNS`), written to ``root/out`` as CSV and returned."""
    root, rows = Path(root), []
    for path in sorted((root / "autograded").glob(f"*/*/{REVIEW_FILE}")):
        student, assignment = path.parent.parent.name, path.parent.name
        for notebook, record in read_review(path).items():
            for piece, reasons in record.get("flags", {}).items():
                rows += [{"student": student, "assignment": assignment, "notebook": notebook,
                          "piece": piece, "reason": reason} for reason in reasons]
    with open(root / out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows
