"""File-system attacks from a submission on the course's files (issue 23, part 3).

A fresh course of one assignment: student_0 (the solution, graded, with feedback and a manual
grade) and student_1 (the blank release, graded). Then each attacker hands in the blank release
with an attack and is graded and given feedback by ``nnlego grade`` / ``nnlego feedback``
(:mod:`nnlego.course.grading.parallel`). Two kinds of attack:

- from inside the kernel (a cell of the notebook): symbolic links named like every file the
  grader or nbgrader writes (the notebook, ``nnlego_review.json``, ``timestamp.txt``, the
  feedback page) pointing at each course file, FIFOs at those names, links to folders, files
  just under the per-file cap, many files, odd names;
- placed in ``submitted/attacker/`` before grading: the same kinds, and the notebook itself a
  link to the solutions.

Every attacker of a batch (the two quick kinds; the others, slow) is handed in and graded in one
run, as a class would be. After it: every course file but the gradebook and the attackers' own
is byte-identical (links
and FIFOs compared by kind and target); the gradebook's grades of the others (a manual one
included) are unchanged, read through nbgrader's Gradebook API; the tasks end in bounded time;
the attacker's notebook is graded (unless the notebook itself was the attack) and scores no more
than the blank; its autograded folder holds only regular files, small in total; its feedback
holds its own page and ``timestamp.txt`` and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from support.notebooks import ROOT as REPOSITORY  # noqa: E402

from nnlego.commands.grade import summary_text  # noqa: E402
from nnlego.course.grading import parallel, synthetic  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="the grading sandbox: make sandbox")

A = "02_forward_pass"
NB = synthetic.notebook_name(A, REPOSITORY)
BIN = str(Path(sys.executable).parent)
TIMEOUT = 120            # seconds a task may take (the default is an hour)
FILE_CAP = 2 ** 20       # the kernel's per-file cap in this test (NNLEGO_GRADER_FILE_SIZE)
SUBMISSION_CAP = 2 ** 20  # bytes and
SUBMISSION_FILES = 40    # files a submission may hold here
WRITTEN = [f"{NB}.ipynb", "nnlego_review.json", "timestamp.txt", f"{NB}.html"]
TARGETS = {"gradebook": "gradebook.db", "solutions": f"solutions/{A}/{NB}.ipynb",
           "config": "nbgrader_config.py", "submitted": f"submitted/student_0/{A}/{NB}.ipynb",
           "autograded": f"autograded/student_0/{A}/{NB}.ipynb",
           "feedback": f"feedback/student_0/{A}/{NB}.html"}


PROBE = "import os\nprint('kernel cwd:', os.getcwd())"


def _replace(names, make):
    return (f"import os\nfor name in {names!r}:\n    if os.path.lexists(name):\n"
            f"        os.remove(name)\n    {make}\n")


def kernel_attack(kind, root) -> str:
    """The source of a cell that attacks from inside the kernel, in its working folder."""
    if kind.startswith("link to "):
        target = str(root / TARGETS[kind[len("link to "):]])
        return _replace(WRITTEN, f"os.symlink({target!r}, name)")
    return {
        "fifo": _replace(WRITTEN, "os.mkfifo(name)"),
        "folder links": _replace(["solutions", "other", f"{NB}_files"], "os.symlink({0!r}, name)")
        .replace("{0!r}", repr(str(root / "solutions"))),
        "huge files": (f"for i in range(4):\n    with open(f'big{{i}}.bin', 'wb') as f:\n"
                       f"        f.write(b'x' * {FILE_CAP - 1})\n"),
        "many files": "for i in range(3000):\n    open(f'f{i}.txt', 'w').close()\n",
        "odd names": ("import os\nopen('bad\\nname.json', 'w').write('x')\n"
                      "fd = os.open(b'\\xff\\xfe.txt', os.O_CREAT | os.O_WRONLY)\n"
                      "os.write(fd, b'x')\nos.close(fd)\n"),
    }[kind]


def place_in_submitted(kind, folder: Path, root: Path):
    """Put an attack into the submitted folder itself (the exchange or a zip let it in)."""
    if kind == "links":
        for name, target in TARGETS.items():
            os.symlink(root / target, folder / f"{name}.txt")
        os.symlink(root / "solutions", folder / "folder")
        (folder / "timestamp.txt").unlink()
        os.symlink(root / "submitted" / "student_0" / A / "timestamp.txt", folder / "timestamp.txt")
    elif kind == "notebook link":
        (folder / f"{NB}.ipynb").unlink()
        os.symlink(root / TARGETS["solutions"], folder / f"{NB}.ipynb")
    elif kind == "fifo":
        (folder / "timestamp.txt").unlink()
        for name in ("timestamp.txt", "data.csv"):
            os.mkfifo(folder / name)
    elif kind == "huge files":
        for i in range(4):
            (folder / f"big{i}.bin").write_bytes(b"x" * (SUBMISSION_CAP // 3))
    elif kind == "many files":
        for i in range(SUBMISSION_FILES + 30):
            (folder / f"f{i}.txt").write_text("x")
    elif kind == "odd names":
        (folder / "bad\nname.txt").write_text("x")
        fd = os.open(bytes(folder) + b"/\xff\xfe.txt", os.O_CREAT | os.O_WRONLY)
        os.write(fd, b"x")
        os.close(fd)
    else:
        raise KeyError(kind)


KERNEL = [f"link to {t}" for t in TARGETS] + ["fifo", "folder links", "huge files",
                                             "many files", "odd names"]
SUBMITTED = ["links", "notebook link", "fifo", "huge files", "many files", "odd names"]
QUICK = {("kernel", "link to gradebook"), ("submitted", "links")}
CASES = [pytest.param(where, kind, id=f"{where}-{kind}",
                      marks=() if (where, kind) in QUICK else pytest.mark.slow)
         for where, kinds in (("kernel", KERNEL), ("submitted", SUBMITTED)) for kind in kinds]


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """student_0 (solution, with feedback and a manual grade) and student_1 (blank), graded."""
    os.environ["PATH"] = os.pathsep.join([BIN, os.environ["PATH"]])   # alembic, as make does
    root = synthetic.make_course(tmp_path_factory.mktemp("files") / "course", [A],
                                 repo=REPOSITORY)
    synthetic.write_class(root, {("student_0", A): "solution", ("student_1", A): "blank"},
                          rng=np.random.default_rng(0), repo=REPOSITORY)
    for step in ("autograde", "feedback"):
        report = parallel.grade(root, step=step, workers=2)
        assert not report.failures, report.failures
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_submission_notebook(NB, A, "student_0").grades[0]
        grade.manual_score = 0.5
        gb.db.commit()
    return root


def fingerprint(root: Path, leave_out=("gradebook.db",)) -> dict[str, str]:
    """Every entry of the course by path: a regular file's sha256, else its kind (and a link's
    target); never following a link or opening anything but a regular file."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            relative = str(path.relative_to(root))
            mode = path.lstat().st_mode
            if any(relative == out or relative.startswith(out + "/")
                   for out in (*leave_out, "grading_logs")):
                continue
            if stat.S_ISREG(mode):
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(mode):
                found[relative] = f"link -> {os.readlink(path)}"
            else:
                found[relative] = "folder" if stat.S_ISDIR(mode) else f"mode {mode:o}"
    return found


def grades(root: Path) -> dict:
    """{(student, cell): (auto, manual)} of every student, by nbgrader's Gradebook API."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {(s.id, g.name): (g.auto_score, g.manual_score)
                for s in gb.students for sub in s.submissions for nb in sub.notebooks
                for g in nb.grades}


def score(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return gb.find_submission(A, student).score


def regular_files(folder: Path) -> dict[str, int]:
    """{name: size} of a folder whose every entry must be a regular file."""
    found = {}
    for path in folder.iterdir():
        assert stat.S_ISREG(path.lstat().st_mode), f"{path} is not a regular file"
        found[path.name] = path.lstat().st_size
    return found


def attack(graded_course, folder: Path, cases):
    """Copy the graded course into folder, hand in one attacker per case (``attacker_<i>``, on
    the roster) and grade and give feedback to all of them in one run, as ``make grade`` and
    ``make feedback`` would; what the checks need."""
    root = folder / "course"
    shutil.copytree(graded_course, root, symlinks=True)
    names = {case: f"attacker_{i}" for i, case in enumerate(cases)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"NNLEGO_GRADER_FILE_SIZE": FILE_CAP,
                            "NNLEGO_GRADER_DISK": 64 * 2 ** 20,
                            "NNLEGO_GRADER_SUBMISSION_BYTES": SUBMISSION_CAP,
                            "NNLEGO_GRADER_SUBMISSION_FILES": SUBMISSION_FILES}.items():
            patch.setenv(name, str(value))
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            for student in names.values():        # on the roster: students of the class
                gb.update_or_create_student(student)
        for (where, kind), student in names.items():
            mine = root / "submitted" / student / A
            shutil.copytree(root / "submitted" / "student_1" / A, mine)
            if where == "kernel":
                nb = nbformat.read(mine / f"{NB}.ipynb", 4)
                nb.cells.append(nbformat.v4.new_code_cell(f"{PROBE}\n{kernel_attack(kind, root)}"))
                nbformat.write(nb, mine / f"{NB}.ipynb")
            else:
                place_in_submitted(kind, mine, root)
        before, others = fingerprint(root), grades(root)
        start = time.monotonic()
        students = list(names.values())
        graded = parallel.grade(root, workers=2, students=students, timeout=TIMEOUT)
        given = parallel.grade(root, step="feedback", workers=2, students=students,
                               timeout=TIMEOUT)
    return {"root": root, "names": names, "before": before, "others": others,
            "graded": graded, "given": given, "seconds": time.monotonic() - start}


@pytest.fixture(scope="module")
def quick_attacks(graded_course, tmp_path_factory):
    return attack(graded_course, tmp_path_factory.mktemp("quick"), sorted(QUICK))


@pytest.fixture(scope="module")
def every_attack(graded_course, tmp_path_factory):
    return attack(graded_course, tmp_path_factory.mktemp("every"),
                  [(w, k) for w, kinds in (("kernel", KERNEL), ("submitted", SUBMITTED))
                   for k in kinds if (w, k) not in QUICK])


@pytest.mark.parametrize("where, kind", CASES)
def test_a_submission_cannot_touch_or_read_the_course(request, where, kind):
    batch = request.getfixturevalue("quick_attacks" if (where, kind) in QUICK
                                    else "every_attack")
    root, name = batch["root"], batch["names"][where, kind]
    folder = root / "submitted" / name / A
    graded = [o for o in batch["graded"].outcomes if o["student"] == name]
    given = [o for o in batch["given"].outcomes if o["student"] == name]
    failures = [o for o in graded + given if not o["ok"]]

    assert batch["seconds"] < TIMEOUT * (len(batch["names"]) // 2 + 2)    # no task hangs
    attackers = [f"{step}/{n}" for step in ("autograded", "feedback")
                 for n in batch["names"].values()]
    assert fingerprint(root, leave_out=("gradebook.db", *attackers)) == batch["before"], \
        "a course file changed"
    others = batch["others"]
    assert 0.5 in {manual for (student, _), (_, manual) in others.items()
                   if student == "student_0"}                  # the manual grade is there
    assert {k: v for k, v in grades(root).items() if k[0] in ("student_0", "student_1")} == \
        {k: v for k, v in others.items() if k[0] in ("student_0", "student_1")}
    if kind == "notebook link":
        assert failures or score(root, name) <= score(root, "student_1")
        assert f"{NB}.ipynb: a symbolic link" in Path(graded[0]["log"]).read_text()
        return
    assert graded and given and not failures, [
        (o["error"], Path(o["log"]).read_text()[-3000:]) for o in failures]
    assert score(root, name) <= score(root, "student_1")
    kept = regular_files(root / "autograded" / name / A)           # (what nbgrader copies of
    own = {p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()}  # the
    assert set(kept) <= {f"{NB}.ipynb", "nnlego_review.json", "timestamp.txt"} | own, kept
    assert sum(kept.values()) < SUBMISSION_CAP + 2 ** 20   # submission's own files, bounded)
    page = regular_files(root / "feedback" / name / A)
    assert f"{NB}.html" in page and set(page) <= {f"{NB}.html", "timestamp.txt"}, page
    html = (root / "feedback" / name / A / f"{NB}.html").read_bytes()
    assert b"SQLite format" not in html and b"BEGIN HIDDEN TESTS" not in html
    if where == "kernel":      # it ran, and not in a folder of the course
        last = nbformat.read(root / "autograded" / name / A / f"{NB}.ipynb", 4).cells[-1]
        printed = "".join(o.get("text", "") for o in last.outputs)
        assert "kernel cwd: /" in printed, printed
        assert f"kernel cwd: {root}" not in printed, printed
    if where == "submitted":
        (outcome,) = graded
        assert outcome.get("dropped") and "left out of the submission" in \
            summary_text(batch["graded"])
        assert "left out of the submission" in Path(outcome["log"]).read_text()
