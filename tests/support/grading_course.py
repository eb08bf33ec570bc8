"""A temporary nbgrader course for the grading tests, built from ``solutions/`` with the
repository's own ``nbgrader_config.py`` (only its root moved).

:class:`Course` releases every assignment, writes made-up submissions (``answered``, ``edited``),
grades them with nnlego's parallel grader or one nbgrader call, and reads back scores, review
flags, outputs and feedback pages. A test file subclasses it and says what its batch is
(``tests/test_solutions.py``, ``tests/test_grading_adversarial.py``).
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import is_grade, is_solution
from traitlets.config.loader import PyFileConfigLoader

from nnlego.course.grading import parallel
from support.notebooks import ASSIGNMENTS, HIDDEN, ROOT, SOLUTIONS, read_submission


def notebook_name(assignment):
    (path,) = (SOLUTIONS / assignment).glob("*.ipynb")
    return path.stem


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def read_wrong_solution(path):
    """(docstring, {grade_id: new source}) from a file of tests/wrong_solutions/."""
    submission = read_submission(path)
    return submission.doc, submission.answers


def total(scores):
    return sum(score for score, _ in scores.values())


def beats_v1(path) -> bool:
    """Whether a cheating submission's docstring says ``beats: v1``: it fools today's grading
    engine (:mod:`tests.test_grading_adversarial` proves it), so it stays out of the batch
    that must score no more than the blank notebook."""
    return re.search(r"^beats: v1$", read_submission(path).doc, re.M) is not None


def hidden_lines(assignment, course):
    """The lines of the hidden tests that appear nowhere in the released notebook."""
    visible = "\n".join(c.source for c in course.released(assignment).cells)
    hidden = {line.strip() for c in course.solution(assignment).cells
              for block in HIDDEN.findall(c.source) for line in block.splitlines()}
    return {line for line in hidden if len(line) >= 12 and line not in visible}


def plain_text(page):
    """The text a reader sees in an HTML page, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


class Course:
    """A temporary nbgrader course built from solutions/ with the repository's config."""

    def __init__(self, root: Path, assignments=ASSIGNMENTS):
        self.root, self.assignments = root, list(assignments)
        shutil.copytree(SOLUTIONS, root / "solutions")
        self.config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
        self.config.CourseDirectory.root = str(root)
        self.config.Exchange.root = str(root / "exchange")
        self.db_url = f"sqlite:///{root / 'gradebook.db'}"
        self.seconds = {}           # (assignment, student) -> seconds to autograde
        self.graded_everything = None   # seconds the parallel grading of the whole suite took
        shutil.copy(ROOT / "nbgrader_config.py", root)   # for nnlego's parallel grader
        self.feedback_pages = {}    # assignment -> the feedback HTML files of every submission
        api = self.api()
        for assignment in self.assignments:
            result = api.generate_assignment(assignment, force=True)
            assert result["success"], result.get("error", "") + result.get("log", "")

    def api(self, **execute):
        config = copy.deepcopy(self.config)
        for key, value in execute.items():
            setattr(config.Execute, key, value)
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

    def solution(self, assignment):
        return nbformat.read(SOLUTIONS / assignment / f"{notebook_name(assignment)}.ipynb", 4)

    def released(self, assignment):
        return nbformat.read(self.root / "exercises" / assignment /
                             f"{notebook_name(assignment)}.ipynb", 4)

    def answered(self, assignment, replace=None, fill=True):
        """The released notebook with every answer cell filled in: the solution's, or replace's
        (fill=False: only replace's; the other answer cells stay as released)."""
        nb = self.released(assignment)
        answers = {grade_id(c): c.source for c in (self.solution(assignment) if fill else
                                                    self.released(assignment)).cells}
        answers.update(replace or {})
        unknown = set(replace or {}) - {grade_id(c) for c in nb.cells}
        assert not unknown, f"no cells {unknown} in {assignment}"
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", answers[grade_id(cell)],
                                     flags=re.M)
        return nb

    def edited(self, assignment, path):
        """The released notebook changed as a file of cheating_submissions/ says."""
        edits = read_submission(path).edits
        nb = self.answered(assignment, {cell: source for (kind, cell), source in edits.items()
                                        if kind == "replaces"}, fill=False)
        for (kind, cell_id), source in edits.items():
            (index,) = [i for i, c in enumerate(nb.cells) if grade_id(c) == cell_id]
            if kind == "appends to":
                nb.cells[index].source += "\n" + source
            elif kind == "new cell before":
                nb.cells.insert(index, nbformat.v4.new_code_cell(source))
        return nb

    def submit(self, assignment, student, nb):
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{notebook_name(assignment)}.ipynb")

    def grade(self, assignment, student, nb, **execute):
        """Autograde nb as student's submission (once per session); {cell: (score, max)}."""
        if (assignment, student) not in self.seconds:
            self.submit(assignment, student, nb)
            start = time.perf_counter()
            result = self.api(**execute).autograde(assignment, student, force=True, create=True)
            self.seconds[assignment, student] = time.perf_counter() - start
            assert result["success"], result.get("error", "") + result.get("log", "")
        return self.scores(assignment, student)

    def review(self, assignment, student):
        """The grader's flags for a submission ({piece: [reasons]})."""
        path = self.root / "autograded" / student / assignment / "nnlego_review.json"
        return json.loads(path.read_text())[notebook_name(assignment)]["flags"]

    def outputs(self, assignment, student):
        """Every output text of the autograded notebook, joined."""
        (graded,) = (self.root / "autograded" / student / assignment).glob("*.ipynb")
        return "\n".join(o.get("text", "") + o.get("evalue", "") + "".join(o.get("traceback", []))
                         for c in nbformat.read(graded, 4).cells for o in c.get("outputs", []))

    def scores(self, assignment, student):
        with Gradebook(self.db_url) as gb:
            submission = gb.find_submission_notebook(notebook_name(assignment), assignment,
                                                     student)
            return {g.name: (g.score, g.max_score) for g in submission.grades}

    def autograded_cells(self, assignment):
        return [grade_id(c) for c in self.solution(assignment).cells
                if is_grade(c) and not is_solution(c)]

    def grade_all(self, assignment=None):
        """Every submission of every assignment, graded once per session by nnlego's parallel
        grader (`make grade`'s engine, one worker per core) with the course's own config."""
        if self.graded_everything:
            return
        for name in self.assignments:
            for student, nb in self.batch(name).items():
                if (name, student) not in self.seconds:
                    self.submit(name, student, nb)
        start = time.perf_counter()
        report = parallel.grade(self.root, workers=2)
        failed = [(o["student"], o["assignment"], o.get("error")) for o in report.failures]
        assert not failed, f"grading failed: {failed[:3]}"
        for outcome in report.outcomes:
            self.seconds[outcome["assignment"], outcome["student"]] = outcome["seconds"]
        self.graded_everything = time.perf_counter() - start
        if os.environ.get("NNLEGO_SCORE_TABLE"):    # benchmarks/engine_scores.py compares two
            self.write_scores(Path(os.environ["NNLEGO_SCORE_TABLE"]))

    def write_scores(self, path):
        """Every graded submission's scores per test cell, as JSON:
        ``{assignment: {student: {cell: [score, max]}}}``."""
        table = {}
        for assignment, student in sorted(self.seconds):
            table.setdefault(assignment, {})[student] = self.scores(assignment, student)
        path.write_text(json.dumps(table, indent=1, sort_keys=True))

    def feedback(self, assignment):
        """Grade every submission, generate the feedback (once), and return its HTML files."""
        if assignment not in self.feedback_pages:
            self.grade_all(assignment)
            result = self.api().generate_feedback(assignment, force=True)
            assert result["success"], result.get("error", "") + result.get("log", "")
            self.feedback_pages[assignment] = sorted(
                (self.root / "feedback").glob(f"*/{assignment}/*.html"))
        return self.feedback_pages[assignment]

    def batch(self, assignment):
        """{student: notebook} of the submissions to grade for this assignment (a subclass's)."""
        return {"released": self.released(assignment)}

