"""A shared machine is not private (issue 26, part 5): another user must not read the course.

A real second Unix user (``nnlego-peer``, created when the tests run as root; skipped with the
reason otherwise) tries ``cat`` on the course's secrets. The course sits in a world-readable
folder, as a home on a JupyterHub server does. Before ``nnlego course lock``, the peer reads
``solutions/`` and ``gradebook.db`` (the state the issue found, and the proof the test can
fail) and ``nnlego grade`` says so in one line with the fix; what ``nnlego grade`` creates
(``autograded/``, ``feedback/``, ``grading_logs/``) is the instructor's only; after the lock,
nothing of the course is readable. The graded submission pastes the solution: it keeps its
marks and is flagged for review (similarity.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from support.notebooks import ROOT, TESTS  # noqa: E402

from nnlego.course import privacy  # noqa: E402
from nnlego.course.grading import synthetic  # noqa: E402

pytestmark = pytest.mark.slow
PEER = "nnlego-peer"
ASSIGNMENT, NOTEBOOK = "02_forward_pass", "forward_pass"


def peer_user() -> str:
    if os.geteuid() != 0:
        pytest.skip("needs root to create a second Unix user and act as it (runuser); "
                    ".ci/run runs the suite as root first")
    if shutil.which("runuser") is None or shutil.which("useradd") is None:
        pytest.skip("needs runuser and useradd (util-linux, passwd)")
    if subprocess.run(["id", "-u", PEER], capture_output=True).returncode:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", PEER],
                       check=True)
    return PEER


def peer_reads(path) -> bool:
    done = subprocess.run(["runuser", "-u", PEER, "--", "cat", str(path)],
                          capture_output=True)
    return done.returncode == 0


def nnlego(root, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    return subprocess.run([sys.executable, "-m", "nnlego", *args], cwd=root, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def course():
    peer_user()
    home = Path(tempfile.mkdtemp(prefix="nnlego-home-"))
    os.chmod(home, 0o755)                       # a home folder others may enter, as often
    root = synthetic.make_course(home / "course", [ASSIGNMENT], repo=ROOT)
    for path in [root, *root.rglob("*")]:       # as cloned with umask 022
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    answers = synthetic.read_submission(TESTS / "copied_submissions" / ASSIGNMENT /
                                        "pasted_solution.py").answers
    nb = synthetic.variants(ASSIGNMENT, ROOT)["solution"]
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    folder = root / "submitted" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{NOTEBOOK}.ipynb")
    before = {name: peer_reads(root / name) for name in
              ("gradebook.db", f"solutions/{ASSIGNMENT}/{NOTEBOOK}.ipynb")}
    graded = nnlego(root, "grade", "--workers", "1", "--no-progress")
    fed = nnlego(root, "feedback", "--workers", "1", "--no-progress")
    yield {"root": root, "before": before, "graded": graded, "fed": fed}
    if not os.environ.get("KEEP"):
        shutil.rmtree(home, ignore_errors=True)


def test_before_the_lock_the_peer_reads_the_secrets_and_grade_warns(course):
    assert course["before"] == {"gradebook.db": True,
                                f"solutions/{ASSIGNMENT}/{NOTEBOOK}.ipynb": True}
    warnings = [line for line in course["graded"].stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 1, course["graded"].stderr
    assert "solutions" in warnings[0] and "gradebook.db" in warnings[0]
    assert "nnlego course lock" in warnings[0]


def test_what_the_grader_creates_is_the_instructors_only(course):
    root = course["root"]
    assert course["graded"].returncode == 0, course["graded"].stderr
    assert course["fed"].returncode == 0, course["fed"].stderr
    made = [root / "autograded" / "alice" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
            root / "autograded" / "alice" / ASSIGNMENT / "nnlego_review.json",
            next((root / "feedback" / "alice" / ASSIGNMENT).glob("*.html")),
            root / "grading_logs" / "autograde" / ASSIGNMENT / "alice.log"]
    for path in made:
        assert path.is_file()
        assert os.stat(path).st_mode & 0o077 == 0, f"{path}: {oct(os.stat(path).st_mode)}"
        assert not peer_reads(path), f"{PEER} reads {path}"


def test_after_the_lock_nothing_of_the_course_is_readable(course):
    root = course["root"]
    done = nnlego(root, "course", "lock")
    assert done.returncode == 0, done.stderr
    secrets = [root / "gradebook.db", root / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
               root / "nbgrader_config.py", root / "submitted" / "alice" / ASSIGNMENT /
               f"{NOTEBOOK}.ipynb"]
    for path in secrets:
        assert not peer_reads(path), f"{PEER} still reads {path}"
    assert privacy.warning(root) is None


def test_a_pasted_solution_keeps_its_marks_and_is_flagged(course):
    root = course["root"]
    review = json.loads((root / "autograded" / "alice" / ASSIGNMENT /
                         "nnlego_review.json").read_text())[NOTEBOOK]
    assert "reproduces the course's solution" in " ".join(review["flags"]["test_forward"])
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "alice")
        tests = [g for g in notebook.grades if g.name.startswith("test_")]
        assert tests and all(g.auto_score == g.max_score > 0 for g in tests)
        grade = gb.find_grade("test_forward", NOTEBOOK, ASSIGNMENT, "alice")
        assert grade.needs_manual_grade


def test_lock_with_a_group_and_exposed_in_a_plain_folder():
    home = Path(tempfile.mkdtemp(prefix="nnlego-home-"))
    root = home / "course"
    (root / "solutions").mkdir(parents=True)
    (root / "solutions" / "answer.ipynb").write_text("{}")
    for folder in (home, root, root / "solutions"):      # whatever this process's umask
        os.chmod(folder, 0o755)
    os.chmod(root / "solutions" / "answer.ipynb", 0o644)
    assert privacy.exposed(root) == ["solutions"]
    with pytest.raises(ValueError, match="group='no-such-group-x'"):
        privacy.lock(root, group="no-such-group-x")
    group = Path("/etc/group").read_text().split(":", 1)[0]        # any existing group
    privacy.lock(root, group=group)
    assert privacy.exposed(root) == [] and privacy.course_umask(root) == 0o027
    assert os.stat(root / "solutions" / "answer.ipynb").st_mode & 0o777 == 0o640
    shutil.rmtree(home)
