"""The instructors' solution test suite: the auto-graded exercises grade the right way.

One temporary nbgrader course per test session (``tests/support/grading_course.py``), set up
by the repository's own ``nbgrader_config.py`` (only its root moved), releases every assignment
of ``solutions/`` and grades, through nbgrader's Python API, a set of made-up submissions for
each:

- the solution notebook scores full marks on every autograded cell;
- the released notebook scores 0;
- each wrong implementation in ``tests/wrong_solutions/`` loses points on the piece it breaks,
  and an answer that just calls nnlego's own implementation scores 0 on that piece;
- ``exercises/`` is exactly what ``nbgrader generate_assignment`` makes of ``solutions/``;
- no hidden-test line appears in ``exercises/`` or in the generated feedback;
- the integrity rules: an edited locked test cell is restored, a deleted graded cell scores 0, an
  endless loop is stopped by the per-cell timeout and grading goes on, a submission that prints
  the tests running it finds them blanked in its feedback, and grading twice gives
  the same scores;
- the adversarial suite: every cheat of ``tests/cheating_submissions/`` scores no more than the
  blank notebook (and is flagged for review where it says so), but those marked ``beats: v1``
  (today's engine does not stop them: ``tests/test_grading_adversarial.py``), every answer of
  ``tests/correct_alternatives/`` keeps full marks;
- the sandbox (``nnlego-sandbox``, ``make sandbox``): the course's answers, gradebook and other
  students' work are not there; a killed kernel, a huge output or a memory blow-up costs only
  that notebook, and ``nnlego grade`` (``make grade``) grades and gives
  feedback to everyone else.

Every submission of every assignment is written first and autograded once per session by
nnlego's parallel grader (``make grade``'s engine: one worker per core, the course's own
``nbgrader_config.py``); a few special cases get an nbgrader call of their own. Under
pytest-xdist this file runs on one worker (``--dist loadfile``); the grading uses both cores.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

nbgrader = pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.utils import is_grade  # noqa: E402
from support.grading_course import (  # noqa: E402
    Course,
    beats_v1,
    grade_id,
    hidden_lines,
    notebook_name,
    plain_text,
    read_wrong_solution,
    total,
)
from support.notebooks import (  # noqa: E402
    ASSIGNMENTS,
    CHEATS,
    EXERCISES,
    RIGHT,
    ROOT,
    SOLUTIONS,
    WRONG,
    read_submission,
)
from support.notebooks import examples as support_examples  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

pytestmark = pytest.mark.slow

ENGINE = os.environ.get("NNLEGO_GRADER_ENGINE") or "v2"    # (nbgrader_config.py's default)
SHORT_TIMEOUT = 10      # seconds per cell in the endless-loop test (the course's own is 60)
A1 = "02_forward_pass"
# A right sigmoid that prints the source of every cell run so far, its test cell included.
PRINTS_THE_TESTS = ('def sigmoid(z):\n    print("\\n".join(get_ipython().user_ns["In"]))\n'
                    '    return 0.5 * (1.0 + np.tanh(0.5 * z))\n')
DETERMINISM = [("02_forward_pass", "two_layers_only"), ("04_sgd_l2", "shuffle_once"),
               ("09_derangements", "swap_fixed_points")]
RIGHT_PRIME = "def sigmoid_prime(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"
# Submissions that attack the grading machine rather than the tests: each costs its own pieces.
CRASHES = {
    "kills_its_kernel": {"sigmoid_prime": "import os\nos._exit(1)\n"},
    "huge_output": {"sigmoid_prime": "print('x' * 30_000_000)\n" + RIGHT_PRIME},
    "memory_blowup": {"sigmoid_prime": "hoard = [bytearray(10 ** 8) for _ in range(100)]\n"},
}


def examples(folder):
    return [pytest.param(a, p.stem, id=f"{a}-{p.stem}") for a, p in support_examples(folder)
            if folder != CHEATS or not beats_v1(p)]


def wrong_solutions():
    return examples(WRONG)


class SolutionsCourse(Course):
    """The course with every submission this file grades."""

    def batch(self, assignment):
        """{student: notebook} of every submission the suite makes for this assignment."""
        batch = {"solution": self.solution(assignment), "released": self.released(assignment)}
        for path in sorted((WRONG / assignment).glob("*.py")):
            batch[f"wrong_{path.stem}"] = self.answered(assignment, read_wrong_solution(path)[1])
        for path in sorted((CHEATS / assignment).glob("*.py")):
            if beats_v1(path):
                continue            # graded by test_grading_adversarial.py
            batch[f"cheat_{path.stem}"] = self.edited(assignment, path)
        for path in sorted((RIGHT / assignment).glob("*.py")):
            batch[f"right_{path.stem}"] = self.answered(assignment, read_wrong_solution(path)[1])
        for wrong_assignment, name in DETERMINISM:
            if wrong_assignment == assignment:
                batch[f"again_{name}"] = batch[f"wrong_{name}"]
        if assignment == A1:
            batch.update(self.integrity_submissions())
        return batch

    def integrity_submissions(self):
        """Assignment 1's submissions for the course-wide mechanisms (see the tests below)."""
        nb = self.released(A1)
        for cell in nb.cells:
            if is_grade(cell) and cell.cell_type == "code":
                cell.source = '"""Tests? What tests."""\npass\n'
                cell.metadata.nbgrader["locked"] = False
        deleted = self.answered(A1)
        deleted.cells = [c for c in deleted.cells
                         if grade_id(c) not in ("test_forward", "sigmoid_prime")]
        return {"edited_tests": nb, "deleted_cells": deleted,
                "prints_the_tests": self.answered(A1, {"sigmoid": PRINTS_THE_TESTS}),
                **{name: self.answered(A1, cells) for name, cells in CRASHES.items()}}


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    from jupyter_client.kernelspec import find_kernel_specs

    if "nnlego-sandbox" not in find_kernel_specs() or shutil.which("bwrap") is None:
        pytest.fail("the grading sandbox is not installed: run `make sandbox`")
    # nbgrader runs the `alembic` command when it creates a gradebook: put the venv's on PATH.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                          os.environ.get("PATH", "")])
    return SolutionsCourse(tmp_path_factory.mktemp("course"))


def test_every_assignment_of_the_course_is_there():
    assert ASSIGNMENTS == ["02_forward_pass", "03_backprop", "04_sgd_l2", "05_lego_bricks",
                           "06_bricks_tested", "07_small_networks", "08_init",
                           "09_derangements", "10_correlation", "12_capstone"][:len(ASSIGNMENTS)]


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


def graded(course, assignment, student):
    """{cell: (score, max)} of a submission of the suite's batch for this assignment."""
    course.grade_all(assignment)
    return course.scores(assignment, student)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(course, assignment):
    scores = graded(course, assignment, "solution")
    autograded = course.autograded_cells(assignment)
    assert autograded, "an assignment needs autograded test cells"
    assert {c: scores[c][0] for c in autograded} == {c: scores[c][1] for c in autograded}
    # Submitted by a student, the solution is a copy: flagged for that (similarity.py), and
    # for nothing else.
    others = [reason for reasons in course.review(assignment, "solution").values()
              for reason in reasons if "reproduces the course's solution" not in reason]
    assert not others, f"the solution must not be flagged but as a copy: {others}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_scores_zero(course, assignment):
    scores = graded(course, assignment, "released")
    assert total(scores) == 0, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_assignment_has_three_wrong_solutions_and_a_cheat(assignment):
    names = [p.stem for p in (WRONG / assignment).glob("*.py")]
    assert len([n for n in names if not n.startswith("calls_nnlego")]) >= 3
    assert "calls_nnlego" in names


@pytest.mark.parametrize(("assignment", "name"), wrong_solutions())
def test_wrong_solution_loses_points_on_the_piece_it_breaks(course, assignment, name):
    doc, cells = read_wrong_solution(WRONG / assignment / f"{name}.py")
    loses = re.search(r"^loses: (.+)$", doc, re.M).group(1).split()
    scores = graded(course, assignment, f"wrong_{name}")
    if name.startswith("calls_nnlego"):
        assert {c: scores[c][0] for c in loses} == dict.fromkeys(loses, 0), \
            "an answer that calls nnlego's own implementation must score 0 on that piece"
    else:
        kept = [c for c in loses if scores[c][0] >= scores[c][1]]
        assert not kept, f"{name} keeps full marks on {kept}: {scores}"


# -- the adversarial suite -------------------------------------------------------------------
@pytest.mark.parametrize(("assignment", "name"), examples(CHEATS))
def test_cheat_scores_no_more_than_the_blank_notebook(course, assignment, name):
    doc = read_submission(CHEATS / assignment / f"{name}.py").doc
    scores = graded(course, assignment, f"cheat_{name}")
    blank = graded(course, assignment, "released")
    assert total(scores) <= total(blank), f"the cheat {name} gains points: {scores}"
    if re.search(r"^flagged: yes$", doc, re.M):
        assert course.review(assignment, f"cheat_{name}"), f"{name} is not flagged for review"
    for error in (re.search(r"^errors: (.+)$", doc, re.M) or re.match("()", "")).group(1).split():
        assert error in course.outputs(assignment, f"cheat_{name}"), f"no {error} in the output"


@pytest.mark.parametrize(("assignment", "name"), examples(RIGHT))
def test_correct_alternative_keeps_full_marks(course, assignment, name):
    scores = graded(course, assignment, f"right_{name}")
    autograded = course.autograded_cells(assignment)
    assert {c: scores[c][0] for c in autograded} == {c: scores[c][1] for c in autograded}


def test_the_adversarial_suite_covers_every_assignment():
    covered = {p.parent.name for p in RIGHT.glob("*/*.py")}
    assert covered == set(ASSIGNMENTS), f"no correct alternative for {set(ASSIGNMENTS) - covered}"
    assert len(list(CHEATS.glob("*/*.py"))) >= 15


def test_the_sandbox_hides_the_answers_the_gradebook_and_the_classmates(course):
    """The cheat that reads three folders up (where nbgrader runs the kernel) finds nothing."""
    graded(course, A1, "cheat_reads_the_course")
    printed = course.outputs(A1, "cheat_reads_the_course")
    for attempt in ("solutions/02_forward_pass/forward_pass.ipynb", "gradebook.db", "submitted"):
        (line,) = [line for line in printed.splitlines()
                   if line.startswith(f"../../../{attempt}:")]
        assert any(error in line for error in ("FileNotFoundError", "PermissionError",
                                               "Read-only file system")), line
    assert (course.root / "solutions").is_dir() and (course.root / "gradebook.db").exists()
    assert b"manual scores" not in (course.root / "gradebook.db").read_bytes()


# -- integrity, on assignment 1 (the mechanisms are the course's, not an assignment's) --------
def test_edited_locked_test_cells_are_restored(course):
    assert total(graded(course, A1, "edited_tests")) == 0


def test_a_deleted_graded_cell_scores_zero(course):
    scores = graded(course, A1, "deleted_cells")
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


def test_a_killed_kernel_costs_its_own_notebook_only(course):
    scores = graded(course, A1, "kills_its_kernel")
    assert scores["test_sigmoid"] == (2, 2)            # before the kernel died
    assert scores["test_sigmoid_prime"][0] == 0
    if ENGINE == "v2":      # a fresh child replays the cells before it and grades the rest
        assert scores["test_forward"] == (3, 3)
        assert "DeadKernelError" in course.outputs(A1, "kills_its_kernel")
    else:
        assert scores["test_forward"][0] == 0
        assert "NotRun" in course.outputs(A1, "kills_its_kernel") or \
            "not run" in course.outputs(A1, "kills_its_kernel")
    assert total(graded(course, A1, "solution")) == 7  # graded in the same nbgrader call


def test_a_huge_output_is_cut_and_costs_nothing(course):
    scores = graded(course, A1, "huge_output")
    assert total(scores) == 7, scores
    (path,) = (course.root / "autograded" / "huge_output" / A1).glob("*.ipynb")
    assert path.stat().st_size < 2_000_000


def test_a_memory_blowup_costs_its_own_piece_only(course):
    scores = graded(course, A1, "memory_blowup")
    assert scores["test_sigmoid_prime"][0] == 0
    assert scores["test_sigmoid"] == (2, 2) and scores["test_forward"] == (3, 3)


def test_make_grade_goes_on_after_a_killed_kernel_and_a_broken_file(tmp_path):
    """`nnlego grade` (make grade) one at a time over a course with a kernel-killing and an
    unreadable submission: every other student is graded and gets feedback."""
    root = tmp_path / "class"
    shutil.copytree(SOLUTIONS / A1, root / "solutions" / A1)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ["PATH"]])}

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=600)

    assert run("-m", "nbgrader", "generate_assignment", A1, "--force").returncode == 0
    released = nbformat.read(root / "exercises" / A1 / f"{notebook_name(A1)}.ipynb", 4)
    solution = nbformat.read(SOLUTIONS / A1 / f"{notebook_name(A1)}.ipynb", 4)
    answers = {grade_id(c): re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", c.source, flags=re.M)
               for c in solution.cells}
    for student, replace in [("alice", {}), ("bob", CRASHES["kills_its_kernel"]),
                             ("carol", None)]:
        folder = root / "submitted" / student / A1
        folder.mkdir(parents=True)
        if replace is None:
            (folder / f"{notebook_name(A1)}.ipynb").write_text("{ not a notebook")
            continue
        nb = copy.deepcopy(released)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = replace.get(grade_id(cell), answers[grade_id(cell)])
        nbformat.write(nb, folder / f"{notebook_name(A1)}.ipynb")
    graded_run = run("-m", "nnlego", "grade", "--workers", "1", "--no-progress")
    assert graded_run.returncode == 1, graded_run.stderr[-2000:]
    assert "failed: carol" in graded_run.stderr and "1 failed" in graded_run.stdout
    assert run("-m", "nnlego", "feedback", "--workers", "1", "--no-progress").returncode == 0
    for student in ("alice", "bob"):
        assert list((root / "feedback" / student / A1).glob("*.html")), f"no feedback for {student}"
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission_notebook(notebook_name(A1), A1, s).score
                  for s in ("alice", "bob")}
    # bob's kernel died in sigmoid_prime: v1 scores nothing after it, v2 grades forward too
    assert scores == {"alice": 7, "bob": 5 if ENGINE == "v2" else 2}, scores


@pytest.mark.parametrize(("assignment", "name"), DETERMINISM)
def test_grading_is_deterministic(course, assignment, name):
    """The same wrong submission, twice in one batch, gets the same scores."""
    assert graded(course, assignment, f"wrong_{name}") == graded(course, assignment,
                                                                 f"again_{name}")


# -- no hidden test leaks -------------------------------------------------------------------
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
    if ENGINE == "v2":      # the tests never enter the student's process: nothing to print
        text = plain_text(page.read_text())
        assert not [line for line in hidden if line in printed or line in text]
        return
    assert [line for line in hidden if line in printed], "the submission printed no hidden test"
    assert "(hidden test text removed)" in plain_text(page.read_text())
