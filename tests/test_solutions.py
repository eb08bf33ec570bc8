"""The instructors' solution test suite: the auto-graded exercises grade the right way.

One temporary nbgrader course per test session, set up by the repository's own
``nbgrader_config.py`` (only its root moved), releases every assignment of ``solutions/`` and
grades, through nbgrader's Python API, a set of made-up submissions for each:

- the solution notebook scores full marks on every autograded cell;
- the released notebook scores 0;
- each wrong implementation in ``tests/wrong_solutions/`` loses points on the piece it breaks,
  and an answer that just calls nnlego's own implementation scores 0 on that piece;
- ``exercises/`` is exactly what ``nbgrader generate_assignment`` makes of ``solutions/``;
- no hidden-test line appears in ``exercises/`` or in the generated feedback;
- the integrity rules: an edited locked test cell is restored, a deleted graded cell scores 0, an
  endless loop is stopped by the per-cell timeout and grading goes on, a submission that prints
  the tests running it finds them blanked in its feedback, and grading twice gives
  the same scores.

Every submission is autograded once and cached for the session; the suite takes a few minutes.
"""

from __future__ import annotations

import copy
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

nbgrader = pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.apps import NbGraderAPI  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
WRONG = Path(__file__).parent / "wrong_solutions"
ASSIGNMENTS = sorted(p.name for p in SOLUTIONS.glob("*") if list(p.glob("*.ipynb")))
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SHORT_TIMEOUT = 10      # seconds per cell in the endless-loop test (the course's own is 60)
# A right sigmoid that prints the source of every cell run so far, its test cell included.
PRINTS_THE_TESTS = ('def sigmoid(z):\n    print("\\n".join(get_ipython().user_ns["In"]))\n'
                    '    return 0.5 * (1.0 + np.tanh(0.5 * z))\n')


def notebook_name(assignment):
    (path,) = (SOLUTIONS / assignment).glob("*.ipynb")
    return path.stem


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def read_wrong_solution(path):
    """(docstring, {grade_id: new source}) from a file of tests/wrong_solutions/."""
    text = path.read_text()
    parts = re.split(r"^# %% replaces: (\S+)\n", text, flags=re.M)
    cells = {parts[i]: parts[i + 1].strip() + "\n" for i in range(1, len(parts), 2)}
    return parts[0], cells


def wrong_solutions():
    return [pytest.param(a, p.stem, id=f"{a}-{p.stem}")
            for a in ASSIGNMENTS for p in sorted((WRONG / a).glob("*.py"))]


class Course:
    """A temporary nbgrader course built from solutions/ with the repository's config."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(SOLUTIONS, root / "solutions")
        self.config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
        self.config.CourseDirectory.root = str(root)
        self.config.Exchange.root = str(root / "exchange")
        self.db_url = f"sqlite:///{root / 'gradebook.db'}"
        self.seconds = {}           # (assignment, student) -> seconds to autograde
        self.feedback_pages = {}    # assignment -> the feedback HTML files of every submission
        api = self.api()
        for assignment in ASSIGNMENTS:
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

    def answered(self, assignment, replace=None):
        """The released notebook with every answer cell filled in: the solution's, or replace's."""
        nb = self.released(assignment)
        answers = {grade_id(c): c.source for c in self.solution(assignment).cells}
        answers.update(replace or {})
        unknown = set(replace or {}) - {grade_id(c) for c in nb.cells}
        assert not unknown, f"no cells {unknown} in {assignment}"
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", answers[grade_id(cell)],
                                     flags=re.M)
        return nb

    def grade(self, assignment, student, nb, **execute):
        """Autograde nb as student's submission (once per session); {cell: (score, max)}."""
        if (assignment, student) not in self.seconds:
            folder = self.root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{notebook_name(assignment)}.ipynb")
            start = time.perf_counter()
            result = self.api(**execute).autograde(assignment, student, force=True, create=True)
            self.seconds[assignment, student] = time.perf_counter() - start
            assert result["success"], result.get("error", "") + result.get("log", "")
        return self.scores(assignment, student)

    def scores(self, assignment, student):
        with Gradebook(self.db_url) as gb:
            submission = gb.find_submission_notebook(notebook_name(assignment), assignment,
                                                     student)
            return {g.name: (g.score, g.max_score) for g in submission.grades}

    def autograded_cells(self, assignment):
        return [grade_id(c) for c in self.solution(assignment).cells
                if c.metadata.get("nbgrader", {}).get("grade")
                and not c.metadata.nbgrader.get("solution")]

    def grade_all(self, assignment):
        """Every submission the suite makes for this assignment, graded."""
        self.grade(assignment, "solution", self.solution(assignment))
        self.grade(assignment, "released", self.released(assignment))
        for path in sorted((WRONG / assignment).glob("*.py")):
            self.grade(assignment, f"wrong_{path.stem}",
                       self.answered(assignment, read_wrong_solution(path)[1]))
        if assignment == ASSIGNMENTS[0]:
            self.grade(assignment, "prints_the_tests",
                       self.answered(assignment, {"sigmoid": PRINTS_THE_TESTS}))

    def feedback(self, assignment):
        """Grade every submission, generate the feedback (once), and return its HTML files."""
        if assignment not in self.feedback_pages:
            self.grade_all(assignment)
            result = self.api().generate_feedback(assignment, force=True)
            assert result["success"], result.get("error", "") + result.get("log", "")
            self.feedback_pages[assignment] = sorted(
                (self.root / "feedback").glob(f"*/{assignment}/*.html"))
        return self.feedback_pages[assignment]


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    # nbgrader runs the `alembic` command when it creates a gradebook: put the venv's on PATH.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                          os.environ.get("PATH", "")])
    return Course(tmp_path_factory.mktemp("course"))


def test_every_assignment_of_the_course_is_there():
    assert ASSIGNMENTS == ["02_forward_pass", "03_backprop", "04_sgd_l2", "05_lego_bricks",
                           "08_init", "09_derangements", "10_correlation"][:len(ASSIGNMENTS)]


def test_config_maps_solutions_to_exercises_with_a_cell_timeout():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"
    assert 0 < config.Execute.timeout <= 120
    assert config.OverwriteCells.add_missing_cells is False


def test_exercises_are_exactly_what_solutions_generate(course):
    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and ".ipynb_checkpoints" not in p.parts}

    generated, committed = files(course.root / "exercises"), files(EXERCISES)
    assert sorted(generated) == sorted(committed), "run `make exercises` and commit exercises/"
    stale = [str(p) for p in generated if generated[p] != committed[p]]
    assert not stale, f"{stale} differ from what solutions/ generates: run `make exercises`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(course, assignment):
    scores = course.grade(assignment, "solution", course.solution(assignment))
    autograded = course.autograded_cells(assignment)
    assert autograded, "an assignment needs autograded test cells"
    assert {c: scores[c][0] for c in autograded} == {c: scores[c][1] for c in autograded}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_scores_zero(course, assignment):
    scores = course.grade(assignment, "released", course.released(assignment))
    assert sum(score for score, _ in scores.values()) == 0, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_assignment_has_three_wrong_solutions_and_a_cheat(assignment):
    names = [p.stem for p in (WRONG / assignment).glob("*.py")]
    assert len([n for n in names if not n.startswith("calls_nnlego")]) >= 3
    assert "calls_nnlego" in names


@pytest.mark.parametrize(("assignment", "name"), wrong_solutions())
def test_wrong_solution_loses_points_on_the_piece_it_breaks(course, assignment, name):
    doc, cells = read_wrong_solution(WRONG / assignment / f"{name}.py")
    loses = re.search(r"^loses: (.+)$", doc, re.M).group(1).split()
    scores = course.grade(assignment, f"wrong_{name}", course.answered(assignment, cells))
    if name.startswith("calls_nnlego"):
        assert {c: scores[c][0] for c in loses} == dict.fromkeys(loses, 0), \
            "an answer that calls nnlego's own implementation must score 0 on that piece"
    else:
        kept = [c for c in loses if scores[c][0] >= scores[c][1]]
        assert not kept, f"{name} keeps full marks on {kept}: {scores}"


# -- integrity, on assignment 1 (the mechanisms are the course's, not an assignment's) --------
A1 = "02_forward_pass"


def test_edited_locked_test_cells_are_restored(course):
    nb = course.released(A1)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            cell.source = '"""Tests? What tests."""\npass\n'
            cell.metadata.nbgrader["locked"] = False
    scores = course.grade(A1, "edited_tests", nb)
    assert sum(score for score, _ in scores.values()) == 0, scores


def test_a_deleted_graded_cell_scores_zero(course):
    nb = course.answered(A1)
    nb.cells = [c for c in nb.cells if grade_id(c) not in ("test_forward", "sigmoid_prime")]
    scores = course.grade(A1, "deleted_cells", nb)
    assert scores["test_forward"][0] == 0        # the test cell itself is gone
    assert scores["test_sigmoid_prime"][0] == 0      # its answer cell is gone
    assert scores["test_sigmoid"] == (2, 2)


def test_an_endless_loop_is_stopped_and_grading_goes_on(course):
    loop = "def sigmoid_prime(z):\n    while True:\n        pass\n"
    start = time.perf_counter()
    scores = course.grade(A1, "endless_loop", course.answered(A1, {"sigmoid_prime": loop}),
                          timeout=SHORT_TIMEOUT)
    assert time.perf_counter() - start < 6 * SHORT_TIMEOUT
    assert scores["test_sigmoid_prime"][0] == 0
    assert scores["test_sigmoid"] == (2, 2) and scores["test_forward"] == (3, 3)


@pytest.mark.parametrize(("assignment", "name"), [
    ("02_forward_pass", "two_layers_only"), ("04_sgd_l2", "shuffle_once"),
    ("09_derangements", "swap_fixed_points")])
def test_grading_is_deterministic(course, assignment, name):
    cells = read_wrong_solution(WRONG / assignment / f"{name}.py")[1]
    first = course.grade(assignment, f"wrong_{name}", course.answered(assignment, cells))
    again = course.grade(assignment, f"again_{name}", course.answered(assignment, cells))
    assert first == again


# -- no hidden test leaks -------------------------------------------------------------------
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


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_hidden_test_in_exercises_or_feedback(course, assignment):
    hidden = hidden_lines(assignment, course)
    assert hidden, f"{assignment} has no hidden tests"
    released = "\n".join(c.source for c in nbformat.read(
        EXERCISES / assignment / f"{notebook_name(assignment)}.ipynb", 4).cells)
    assert "HIDDEN TESTS" not in released
    assert not [line for line in hidden if line in released]
    pages = course.feedback(assignment)
    assert len(pages) >= 5
    for page in pages:
        text = plain_text(page.read_text())
        leaks = [line for line in hidden if re.sub(r"\s+", " ", line) in text]
        assert not leaks and "HIDDEN TESTS" not in text, f"{page}: {leaks[:3]}"


def test_feedback_names_a_failed_hidden_test_without_quoting_it(course):
    (page,) = [p for p in course.feedback(A1) if "wrong_two_layers_only" in p.parts]
    text = plain_text(page.read_text())
    assert "(a hidden test)" in text
    assert "a 17-9-6-4 network" in text          # the hidden test's message, not its code


def test_feedback_blanks_printed_hidden_tests(course):
    """A submission that prints the cells running it sees no hidden test in its feedback."""
    (page,) = [p for p in course.feedback(A1) if "prints_the_tests" in p.parts]
    (graded,) = (course.root / "autograded" / "prints_the_tests" / A1).glob("*.ipynb")
    printed = "".join(o.get("text", "") for c in nbformat.read(graded, 4).cells
                      for o in c.get("outputs", []))
    hidden = hidden_lines(A1, course)
    assert [line for line in hidden if line in printed], "the submission printed no hidden test"
    assert "(hidden test text removed)" in plain_text(page.read_text())


def test_report_grading_time(course, capsys):
    """Not a check: prints how long autograding one student's full set of assignments takes."""
    for assignment in ASSIGNMENTS:
        course.grade(assignment, "solution", course.solution(assignment))
    total = sum(course.seconds[a, "solution"] for a in ASSIGNMENTS)
    with capsys.disabled():
        print(f"\nautograding one student's {len(ASSIGNMENTS)} assignments took {total:.0f} s: "
              + ", ".join(f"{a} {course.seconds[a, 'solution']:.0f} s" for a in ASSIGNMENTS))
