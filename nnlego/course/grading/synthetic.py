"""A synthetic class: N students' submissions drawn from the solutions, wrong answers and blanks.

Each (student, assignment) gets one *variant* of the released notebook: ``"solution"`` (every
answer cell filled in from ``solutions/``), ``"blank"`` (the released notebook as is) or
``"wrong_<name>"`` (the solution with the answer cells of ``tests/wrong_solutions/<assignment>/
<name>.py`` swapped in), or no submission at all. The draw is seeded: the same ``rng`` gives the
same class. The expected scores come from grading each distinct variant once with nbgrader's
own API, one at a time, in a scratch course: nothing of :mod:`nnlego.course.grading.parallel` is
involved, so they can check it.

Every function takes ``repo``, the course's source: a clone of the repository (``solutions/``,
``exercises/``, ``nbgrader_config.py`` and ``tests/wrong_solutions/``); nothing here reads files
of its own installation. Used by ``tests/test_grade_parallel.py`` and
``benchmarks/bench_grading.py``.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

KINDS = {"solution": 0.5, "wrong": 0.3, "blank": 0.15, "missing": 0.05}   # probabilities
START = datetime.datetime(2026, 12, 1, 9, 0, 0)


def assignments_of(repo) -> list[str]:
    return sorted(p.name for p in (Path(repo) / "solutions").glob("[0-9]*")
                  if list(p.glob("*.ipynb")))


def notebook_name(assignment, repo) -> str:
    (path,) = (Path(repo) / "solutions" / assignment).glob("*.ipynb")
    return path.stem


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


_CELL = re.compile(r"^# %% (replaces|appends to|new cell before): (\S+)\n", flags=re.M)


@dataclass(frozen=True)
class Submission:
    """A made-up submission (``tests/wrong_solutions/``, ``correct_alternatives/``,
    ``cheating_submissions/``; their README says the format): its docstring, its header (the
    imports an answer of its own needs) and its edits ``{(kind, grade_id): source}``, ``kind``
    one of "replaces", "appends to", "new cell before"."""

    doc: str
    header: str
    edits: dict

    @property
    def answers(self) -> dict:
        """{grade_id: source} of the answer cells it replaces."""
        return {cell: source for (kind, cell), source in self.edits.items() if kind == "replaces"}

    def field(self, name: str) -> list[str]:
        """The words of the docstring's ``name:`` line (``loses``, ``errors``), else []."""
        found = re.search(rf"^{name}:(.*)$", self.doc, re.M)
        return found.group(1).split() if found else []


def read_submission(path) -> Submission:
    """The :class:`Submission` in the file at ``path``."""
    parts = _CELL.split(Path(path).read_text(encoding="utf-8"))
    quote = parts[0].split('"""', 2)
    header = quote[-1] if len(quote) == 3 else ""
    edits = {(parts[i], parts[i + 1]): parts[i + 2].strip() + "\n"
             for i in range(1, len(parts), 3)}
    return Submission(parts[0], header.strip(), edits)


def variants(assignment, repo) -> dict[str, nbformat.NotebookNode]:
    """Every notebook a synthetic student may hand in for the assignment, by variant name."""
    repo, name = Path(repo), notebook_name(assignment, repo)
    released = nbformat.read(repo / "exercises" / assignment / f"{name}.ipynb", 4)
    solution = nbformat.read(repo / "solutions" / assignment / f"{name}.ipynb", 4)
    answers = {_grade_id(c): c.source for c in solution.cells}
    out = {"blank": released, "solution": _answered(released, answers)}
    for path in sorted((repo / "tests" / "wrong_solutions" / assignment).glob("*.py")):
        wrong = read_submission(path).answers
        out[f"wrong_{path.stem}"] = _answered(released, {**answers, **wrong})
    return out


def _answered(released, answers):
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", answers[_grade_id(cell)],
                                 flags=re.M)
    return nb


def draw_class(n_students, assignments, *, rng, repo) -> dict[tuple[str, str], str]:
    """{(student, assignment): variant} for n_students, drawn with rng (KINDS' probabilities)."""
    wrong = {a: [v for v in variants(a, repo) if v.startswith("wrong_")] for a in assignments}
    kinds, p = list(KINDS), list(KINDS.values())
    roster = {}
    for i in range(n_students):
        for assignment in assignments:
            kind = kinds[rng.choice(len(kinds), p=p)]
            if kind == "wrong":
                kind = wrong[assignment][rng.integers(len(wrong[assignment]))]
            if kind != "missing":
                roster[f"student_{i:03d}", assignment] = kind
    return roster


def write_class(course_root, roster, *, rng, repo) -> None:
    """Write submitted/<student>/<assignment>/<notebook>.ipynb (and timestamp.txt) of roster."""
    cache = {}
    for (student, assignment), variant in sorted(roster.items()):
        if assignment not in cache:
            cache[assignment] = variants(assignment, repo)
        folder = Path(course_root) / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(cache[assignment][variant],
                       folder / f"{notebook_name(assignment, repo)}.ipynb")
        when = START + datetime.timedelta(seconds=int(rng.integers(86_400)))
        (folder / "timestamp.txt").write_text(f"{when} UTC\n")


def make_course(root, assignments, *, repo, db_url=None) -> Path:
    """A course in root: the repository's nbgrader_config.py, solutions/ and a gradebook that
    knows the assignments (``nbgrader generate_assignment``, which also writes exercises/)."""
    from .gradebook import alembic_on_path

    alembic_on_path()
    root, repo = Path(root), Path(repo)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    for assignment in assignments:
        shutil.copytree(repo / "solutions" / assignment, root / "solutions" / assignment,
                        dirs_exist_ok=True)
    api = _api(root, db_url)
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise RuntimeError(f"generate_assignment {assignment} failed: {result.get('log')}")
    return root


def expected_scores(roster, *, repo) -> dict[tuple[str, str], dict[str, float]]:
    """{(student, assignment): {cell: score}}: each distinct variant graded once, serially,
    by nbgrader's own API in a scratch course."""
    from nbgrader.api import Gradebook

    distinct = sorted({(a, v) for (_, a), v in roster.items()})
    assignments = sorted({a for a, _ in distinct})
    with tempfile.TemporaryDirectory(prefix="nnlego-expected-") as tmp:
        root = make_course(Path(tmp) / "course", assignments, repo=repo)
        write_class(root, {(v, a): v for a, v in distinct}, rng=_fixed_rng(), repo=repo)
        api = _api(root)
        for assignment, variant in distinct:
            result = api.autograde(assignment, variant, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"{assignment} {variant}: {result.get('log', '')[-2000:]}")
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            table = {(a, v): {g.name: g.score for g in gb.find_submission(a, v).notebooks[0].grades}
                     for a, v in distinct}
    return {(s, a): table[a, v] for (s, a), v in roster.items()}


def _api(root, db_url=None):
    """nbgrader's Python API on the course in root (its nbgrader_config.py)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _fixed_rng():
    import numpy as np
    return np.random.default_rng(0)
