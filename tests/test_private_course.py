"""A private course beside the public one (issue 26, part 6): ``nnlego course private DEST``.

The public repository ships every hidden test with its seeds. The instructor's private course
(a git clone whose remote ``upstream`` is the public course) draws its hidden tests from seeds
of its own, derived from its secret: different from the public ones, the same on every re-run,
and a hidden test changed upstream arrives re-seeded. Its solutions still score full marks
under its own hidden tests, and it is closed to other users.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from support.notebooks import ROOT  # noqa: E402

from nnlego.course import private_course as pc  # noqa: E402
from nnlego.course.grading import gradebook as gbook  # noqa: E402
from nnlego.course.grading import parallel  # noqa: E402

ASSIGNMENT, NOTEBOOK = "02_forward_pass", "forward_pass"
KEY = f"{ASSIGNMENT}/{NOTEBOOK}"
GIT = ["git", "-c", "user.name=upstream", "-c", "user.email=up@example.org"]


def git(root, *args):
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """A public course of one assignment, a git repository on branch main."""
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    root = tmp_path_factory.mktemp("public") / "nnlego"
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copy(ROOT / ".gitignore", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "public")
    return root


@pytest.fixture(scope="module")
def private(upstream, tmp_path_factory):
    dest = tmp_path_factory.mktemp("private") / "my-course"
    done = pc.make_private(dest, upstream, assignments=[ASSIGNMENT])
    assert done["created"] and done["reseeded"] == [f"solutions/{KEY}.ipynb"]
    return dest


@pytest.mark.slow
def test_private_seeds_differ_from_the_public_ones_and_keep_their_pattern(upstream, private):
    public, mine = pc.hidden_seeds(upstream)[KEY], pc.hidden_seeds(private)[KEY]
    assert len(public) == len(mine) >= 3
    assert all(p < pc.PRIVATE_FLOOR <= m for p, m in zip(public, mine))
    # equal public seeds stay equal, different ones stay different
    assert [[a == b for b in public] for a in public] == [[a == b for b in mine] for a in mine]
    secret = (private / pc.SECRET_FILE).read_text().strip()
    assert mine == [pc.private_seed(secret, ASSIGNMENT, NOTEBOOK, p) for p in public]
    # nothing but the seeds changed
    text = (upstream / "solutions" / f"{KEY}.ipynb").read_text()
    assert pc.reseed(text, secret, ASSIGNMENT, NOTEBOOK) == \
        (private / "solutions" / f"{KEY}.ipynb").read_text()
    assert (private / "exercises" / f"{KEY}.ipynb").read_bytes() == \
        (upstream / "exercises" / f"{KEY}.ipynb").read_bytes()     # the release is the same


@pytest.mark.slow
def test_the_private_course_is_closed_and_committed(private):
    assert os.stat(private).st_mode & 0o077 == 0
    assert os.stat(private / pc.SECRET_FILE).st_mode & 0o077 == 0
    assert os.stat(private / "gradebook.db").st_mode & 0o077 == 0
    assert git(private, "status", "--porcelain", "--untracked-files=no") == ""
    assert "own hidden-test seeds" in git(private, "log", "-1", "--format=%s")
    assert git(private, "remote").split() == ["upstream"]


@pytest.mark.slow
def test_updating_is_stable_and_reseeds_what_upstream_changed(upstream, private):
    before = pc.hidden_seeds(private)[KEY]
    commits = git(private, "rev-list", "--count", "HEAD")
    pc.make_private(private, assignments=[ASSIGNMENT])                 # nothing new upstream
    assert pc.hidden_seeds(private)[KEY] == before
    assert git(private, "rev-list", "--count", "HEAD") == commits
    path = upstream / "solutions" / f"{KEY}.ipynb"                     # upstream changes a seed
    old = pc.hidden_seeds(upstream)[KEY][-1]
    path.write_text(path.read_text().replace(f"default_rng({old})", "default_rng(4242)"))
    git(upstream, "commit", "-q", "-am", "a new hidden seed")
    pc.make_private(private, assignments=[ASSIGNMENT])
    secret = (private / pc.SECRET_FILE).read_text().strip()
    after = pc.hidden_seeds(private)[KEY]
    assert after[:-1] == before[:-1]
    assert after[-1] == pc.private_seed(secret, ASSIGNMENT, NOTEBOOK, 4242) != before[-1]
    with pytest.raises(ValueError, match="not a private course"):
        pc.make_private(upstream)


@pytest.mark.slow
def test_the_solution_scores_full_marks_under_the_private_seeds(private):
    folder = private / "submitted" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nbformat.read(private / "solutions" / f"{KEY}.ipynb", 4),
                   folder / f"{NOTEBOOK}.ipynb")
    report = parallel.grade(private, workers=1)
    assert not report.failures, report.failures
    cells = gbook.dump(gbook.sqlite_url(private / "gradebook.db"), "nnlego")[
        "alice", ASSIGNMENT, NOTEBOOK][3]
    with gbook.opened(gbook.sqlite_url(private / "gradebook.db"), "nnlego") as gb:
        maximum = {g.name: g.max_score for g in gb.find_submission_notebook(
            NOTEBOOK, ASSIGNMENT, "alice").grades}
    tests = {name: auto for name, (auto, _, _) in cells.items() if name.startswith("test_")}
    assert tests and tests == {name: maximum[name] for name in tests}


HIDDEN = """### BEGIN HIDDEN TESTS
one, two = (f(rng=np.random.default_rng(s)) for s in (1408, 1409))
again = f(rng=np.random.default_rng(1408))
W = scaled(2000, 1408.5, rng=np.random.default_rng(seed))
### END HIDDEN TESTS
x = np.random.default_rng(1408)
"""


def test_reseeding_keeps_seeds_consistent_and_touches_nothing_else():
    new = pc.reseed(HIDDEN, "secret", "08_init", "init")
    mine = pc.private_seed("secret", "08_init", "init", 1408)
    assert new.count(str(mine)) == 2                      # the tuple and the literal, alike
    assert "1409" in new and "1408.5" in new and "2000" in new and "default_rng(seed)" in new
    assert new.endswith("x = np.random.default_rng(1408)\n")   # outside the hidden block
    assert pc.reseed(new, "secret", "08_init", "init") == new   # idempotent
    assert pc.reseed(HIDDEN, "other", "08_init", "init") != new  # the secret decides
