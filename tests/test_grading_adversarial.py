"""Cheats that beat today's grading engine, and the assertions the next engine must pass.

The cheating submissions whose docstring says ``beats: v1`` (``tests/cheating_submissions/``)
fool the engine on main ("v1": the student's code and the tests share one sandboxed kernel, a
guard in it prints an HMAC token at the end of each test cell): they steal the key, silence the
guard's check, return values that agree with every comparison, call nnlego's reference through
doors ``own_work`` does not watch, or print the hidden tests encoded. ``test_solutions.py``
leaves them out; here they are graded in one batch per engine, with nnlego's parallel grader
and the course's own ``nbgrader_config.py``, which picks the engine from
``NNLEGO_GRADER_ENGINE``:

- under v1, each is proved to fool the grader: it scores more than the blank released notebook
  (or, with a ``leaks:`` line, the hidden tests can be read, decoded, on its feedback page), and
  is flagged for review exactly when its ``flagged:`` line says so;
- under every engine meant to stop them (:data:`SAFE_ENGINES`), each scores no more than the
  blank notebook and its feedback shows no hidden-test line in any encoding the cheats use;
- under every engine, the course is left intact: its config, solutions, release, everyone's
  submissions, and the feedback, autograded files and gradebook rows of a student graded before.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

nbgrader = pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from support.grading_course import (  # noqa: E402
    Course,
    beats_v1,
    hidden_lines,
    notebook_name,
    plain_text,
    total,
)
from support.notebooks import CHEATS, read_submission  # noqa: E402
from support.notebooks import examples as support_examples  # noqa: E402

from nnlego.course.grading import parallel  # noqa: E402

ENGINE_VARIABLE = "NNLEGO_GRADER_ENGINE"
BYSTANDER = "bystander"         # graded (the blank notebook) before the cheats run
CHEATING = [(a, p) for a, p in support_examples(CHEATS) if beats_v1(p)]
SAFE_ENGINES = ["v2"]


def doc_line(path, key):
    """The value of a docstring line ``key: value`` of a submission file, or None."""
    found = re.search(rf"^{key}: (.+)$", read_submission(path).doc, re.M)
    return found.group(1).strip() if found else None


def decodings(text):
    """text, and text decoded by every encoding the leaking cheats use: ROT13, base64 runs."""
    yield text
    yield codecs.decode(text, "rot13")
    for run in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            yield base64.b64decode(run, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            continue


def leaked(page: Path, hidden) -> list[str]:
    """The hidden-test lines a feedback page shows, in plain text or in any encoding."""
    found = set()
    for text in decodings(plain_text(page.read_text())):
        text = re.sub(r"\s+", " ", text)
        found |= {line for line in hidden if re.sub(r"\s+", " ", line) in text}
    return sorted(found)


def digests(root: Path, tops) -> dict:
    """{path under root: SHA-256} of every file in tops (files or folders); a link is never
    followed: its entry says where it points."""
    found = {}
    for top in tops:
        for path in [top] if not top.is_dir() or top.is_symlink() else sorted(top.rglob("*")):
            if path.is_symlink():
                found[str(path.relative_to(root))] = f"link to {os.readlink(path)}"
            elif path.is_file():
                found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class AdversarialCourse(Course):
    """The assignments with a v1-beating cheat: the blank notebook of each graded first (as
    :data:`BYSTANDER`, with feedback), the course's files fingerprinted, then every cheat graded
    in one parallel run, the files fingerprinted again, then the cheats' feedback."""

    def __init__(self, root: Path, engine: str):
        self.engine = engine
        super().__init__(root, sorted({a for a, _ in CHEATING}))
        self.before = self.after = None

    def batch(self, assignment):
        return {f"cheat_{path.stem}": self.edited(assignment, path)
                for a, path in CHEATING if a == assignment}

    def run(self, step):
        start = time.perf_counter()
        report = parallel.grade(self.root, step=step, workers=2, include_unknown=True)
        failed = [(o["student"], o["assignment"], o.get("error")) for o in report.failures]
        assert not failed, f"{step} failed under {self.engine}: {failed[:3]}"
        for outcome in report.outcomes:
            self.seconds[step, outcome["assignment"], outcome["student"]] = outcome["seconds"]
        return time.perf_counter() - start

    def grade_everything(self):
        for assignment in self.assignments:
            self.submit(assignment, BYSTANDER, self.released(assignment))
        self.run("autograde")
        self.run("feedback")
        for assignment in self.assignments:
            for student, nb in self.batch(assignment).items():
                self.submit(assignment, student, nb)
        self.before = self.fingerprint()
        self.graded_everything = self.run("autograde")
        self.after = self.fingerprint()
        self.run("feedback")
        return self

    def fingerprint(self) -> dict:
        """SHA-256 of the course's own files, everyone's submissions and the bystander's
        autograded files and feedback; the bystander's rows of the gradebook."""
        root = self.root
        found = digests(root, [root / "nbgrader_config.py", root / "solutions",
                               root / "exercises", root / "submitted", root / "autograded" /
                               BYSTANDER, root / "feedback" / BYSTANDER])
        with Gradebook(self.db_url) as gb:
            for assignment in self.assignments:
                notebook = gb.find_submission_notebook(notebook_name(assignment), assignment,
                                                       BYSTANDER)
                for grade in notebook.grades:
                    found[f"gradebook:{assignment}:{grade.name}"] = (
                        grade.auto_score, grade.manual_score, grade.needs_manual_grade)
        return found

    def blank(self, assignment):
        return total(self.scores(assignment, BYSTANDER))

    def page(self, assignment, student):
        (page,) = (self.root / "feedback" / student / assignment).glob("*.html")
        return page


@pytest.fixture(scope="module")
def courses():
    return {}


@pytest.fixture
def graded(courses, tmp_path_factory):
    """graded(engine): the course with every cheat graded under that engine (once a module)."""
    from jupyter_client.kernelspec import find_kernel_specs

    if "nnlego-sandbox" not in find_kernel_specs() or shutil.which("bwrap") is None:
        pytest.fail("the grading sandbox is not installed: run `make sandbox`")

    def under(engine):
        if engine not in courses:
            with pytest.MonkeyPatch.context() as patch:     # the workers inherit it
                patch.setenv(ENGINE_VARIABLE, engine)
                # nbgrader runs the `alembic` command when it creates a gradebook
                patch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                      os.environ.get("PATH", "")]))
                course = AdversarialCourse(tmp_path_factory.mktemp(f"adversarial-{engine}"),
                                           engine)
                courses[engine] = course.grade_everything()
        return courses[engine]

    return under


def cheats():
    return [pytest.param(a, p.stem, id=f"{a}-{p.stem}") for a, p in CHEATING]


# -- the suite itself (fast) ----------------------------------------------------------------
@pytest.mark.parametrize(("assignment", "name"), cheats())
def test_each_cheat_says_how_it_is_caught_today(assignment, name):
    path = CHEATS / assignment / f"{name}.py"
    assert doc_line(path, "flagged") in ("yes", "no"), f"{name}: add a line `flagged: yes|no`"
    assert doc_line(path, "leaks") in (None, "rot13", "base64"), \
        f"{name}: `leaks:` names an encoding that decodings() reads (rot13, base64)"


def test_the_cheats_that_beat_v1_cover_the_course():
    covered = {a for a, _ in CHEATING}
    expected = {"02_forward_pass", "03_backprop", "06_bricks_tested", "07_small_networks",
                "09_derangements", "12_capstone"}
    assert covered >= expected, f"no v1-beating cheat for {sorted(expected - covered)}"
    assert {doc_line(p, "leaks") for _, p in CHEATING} >= {"rot13", "base64"}


def test_the_leak_finder_reads_every_encoding_and_only_them(tmp_path):
    line = 'assert np.allclose(s_fresh, nnlego.sigmoid(z_fresh)), "differs"'
    pages = {"plain": f"<pre>{html.escape(line)}</pre>",
             "rot13": f"<pre>{html.escape(codecs.encode(line, 'rot13'))}</pre>",
             "base64": f"<pre>{base64.b64encode(line.encode()).decode()}</pre>",
             "nothing": "<pre>sigmoid differs on fresh inputs</pre>"}
    found = {}
    for name, text in pages.items():
        (tmp_path / f"{name}.html").write_text(text)
        found[name] = leaked(tmp_path / f"{name}.html", {line})
    assert found == {"plain": [line], "rot13": [line], "base64": [line], "nothing": []}


def test_the_fingerprint_sees_a_changed_an_added_and_a_linked_file(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "a.ipynb").write_text("answer")
    (tmp_path / "solutions" / "b.ipynb").write_text("other")
    before = digests(tmp_path, [tmp_path / "solutions"])
    assert digests(tmp_path, [tmp_path / "solutions"]) == before
    (tmp_path / "solutions" / "a.ipynb").write_text("answe!")
    (tmp_path / "solutions" / "new.py").write_text("")
    (tmp_path / "solutions" / "b.ipynb").unlink()
    (tmp_path / "solutions" / "b.ipynb").symlink_to(tmp_path / "solutions" / "a.ipynb")
    after = digests(tmp_path, [tmp_path / "solutions"])
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {
        "solutions/a.ipynb", "solutions/b.ipynb", "solutions/new.py"}


# -- today's engine is fooled (the proof that the suite can fail) ----------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), cheats())
def test_v1_is_fooled_by_each_cheat(graded, assignment, name):
    course, path = graded("v1"), CHEATS / assignment / f"{name}.py"
    student = f"cheat_{name}"
    scores, blank = course.scores(assignment, student), course.blank(assignment)
    if doc_line(path, "leaks"):
        shown = leaked(course.page(assignment, student), hidden_lines(assignment, course))
        assert shown, f"{name}: no hidden test can be read on its feedback page under v1"
    else:
        assert total(scores) > blank, f"{name} does not fool v1: {scores} (blank {blank})"
    flags = course.review(assignment, student)
    assert bool(flags) == (doc_line(path, "flagged") == "yes"), \
        f"{name}: its `flagged:` line is wrong under v1 (review: {flags})"


# -- the engines meant to stop them -------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("engine", SAFE_ENGINES)
@pytest.mark.parametrize(("assignment", "name"), cheats())
def test_cheat_gains_nothing(graded, engine, assignment, name):
    course, student = graded(engine), f"cheat_{name}"
    scores, blank = course.scores(assignment, student), course.blank(assignment)
    assert total(scores) <= blank, f"{name} gains points under {engine}: {scores} (blank {blank})"
    shown = leaked(course.page(assignment, student), hidden_lines(assignment, course))
    assert not shown, f"{name} shows hidden tests on its feedback page under {engine}: {shown[:3]}"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["v1", *SAFE_ENGINES])
def test_the_cheats_leave_the_course_intact(graded, engine):
    course = graded(engine)
    changed = sorted(k for k in set(course.before) | set(course.after)
                     if course.before.get(k) != course.after.get(k))
    assert course.before and not changed, f"grading the cheats under {engine} changed {changed}"
