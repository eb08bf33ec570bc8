"""nnlego as a wheel: installed into a fresh venv outside the repository, it works alone.

Nothing in the package may read the repository's files at run time: here there is no
repository. With an empty home and the data at a folder of its own, the installed package
answers ``nnlego --help``, checks a notebook (``nnlego check``) and grades a tiny course in the
sandbox (``nnlego grade``), with the course's own ``nbgrader_config.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest
from support.notebooks import ROOT

from nnlego.datasets import cache_path

sys.path.insert(0, str(ROOT / "benchmarks"))
import fresh_notebooks  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.data]
ASSIGNMENT = "02_forward_pass"


@pytest.fixture(scope="module")
def seat(tmp_path_factory):
    """(run, tmp): run(*args) runs the fresh venv's python in tmp/work, an empty home, the
    data at tmp/data; the venv holds the wheel with the course extra."""
    if shutil.which("bwrap") is None:
        pytest.fail("the grading sandbox is not installed: run `make sandbox`")
    tmp = tmp_path_factory.mktemp("wheel")
    python = fresh_notebooks.fresh_venv(ROOT, tmp, extras="course")
    home, data, work = tmp / "home", tmp / "data", tmp / "work"
    for folder in (home, data, work):
        folder.mkdir()
    for name in ("mnist", "fashion-mnist"):
        shutil.copy(cache_path(name), data / f"{name}.npz")
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(home),
           "NNLEGO_DATA": str(data), "LANG": "C.UTF-8"}

    def run(*args, cwd=work, expect=0):
        done = subprocess.run([str(python), *map(str, args)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == expect, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done.stdout

    return run, tmp


def test_the_wheel_holds_the_package_and_nothing_of_the_repository(seat):
    _, tmp = seat
    (wheel,) = (tmp / "wheels").glob("nnlego-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    expected = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "nnlego").rglob("__init__.py")}
    assert packages == expected
    assert not [n for n in names if n.startswith(("tests/", "book/", "solutions/", "scripts/"))]


def test_the_installed_package_is_the_wheel_not_the_sources(seat):
    run, tmp = seat
    where = run("-c", "import nnlego; print(nnlego.__file__)").strip()
    assert where.startswith(str(tmp / "venv")) and str(ROOT) not in where


def test_the_command_line_answers(seat):
    run, _ = seat
    assert "check" in run("-m", "nnlego", "--help")
    for command in ("check", "grade", "data", "results", "reproduce"):
        assert "usage: nnlego" in run("-m", "nnlego", command, "--help")


def test_nnlego_check_passes_a_solution_and_fails_a_blank(seat):
    run, tmp = seat
    (solution,) = (ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb")
    (released,) = (ROOT / "exercises" / ASSIGNMENT).glob("*.ipynb")
    shutil.copy(solution, tmp / "work" / "mine.ipynb")
    shutil.copy(released, tmp / "work" / "blank.ipynb")
    passed = run("-m", "nnlego", "check", "mine.ipynb", "--assignment", ASSIGNMENT,
                 "--seed", "1", "--no-progress")
    assert "PASS" in passed and "FAIL" not in passed
    blank = run("-m", "nnlego", "check", "blank.ipynb", "--assignment", ASSIGNMENT,
                "--seed", "1", "--no-progress", expect=1)
    assert "NOT ATTEMPTED" in blank


def test_a_tiny_course_grades_in_the_sandbox(seat):
    run, tmp = seat
    from nbgrader.api import Gradebook
    root = tmp / "course"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    run("-m", "nnlego", "sandbox", cwd=root)
    run("-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=root)
    (source,) = (root / "solutions" / ASSIGNMENT).glob("*.ipynb")
    released = root / "exercises" / ASSIGNMENT / source.name      # nbgrader_config.py's release
    for student, notebook in [("alice", source), ("bob", released)]:
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(notebook, root / "submitted" / student / ASSIGNMENT / source.name)
    run("-m", "nnlego", "grade", "--workers", "1", "--no-progress", cwd=root)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        alice = gb.find_submission_notebook(source.stem, ASSIGNMENT, "alice")
        bob = gb.find_submission_notebook(source.stem, ASSIGNMENT, "bob")
        assert (alice.score, alice.max_score) == (7, 9)   # 2 written points wait for a person
        assert bob.score == 0                               # the blank release
    assert (root / "autograded" / "alice" / ASSIGNMENT / source.name).is_file()
