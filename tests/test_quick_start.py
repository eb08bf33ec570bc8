"""README's instructor quick start is the path a test walks (issue 26, part 2).

The block after ``<!-- quick-start: instructor -->`` in README.md is read line by line: a line
that is not a comment is a command, run verbatim by one bash (so ``source`` holds), in order,
in a fresh copy of the course; the comment that puts notebooks into
``submitted/<student>/<assignment>/`` is the students' step, which the test plays (three
students, two assignments: a solution, a blank, a wrong answer). Then the course must hold what
the quick start promises: every submission graded, its feedback page, grades.csv. The same
block without ``make exercises`` must fail at ``make grade``, with a hint naming ``make
exercises``. The runs use this venv (``VENV``, which the Makefile lets the environment set) and
print each step's time. The cheap test checks the block parses and names only make targets that
exist and programs that are installed.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
import numpy as np  # noqa: E402
from support.notebooks import ROOT as REPOSITORY  # noqa: E402

from nnlego.course.grading import synthetic  # noqa: E402

MARK = "<!-- quick-start: instructor"
STUDENTS = ("ada", "ben", "cy")
HANDED_IN = ("02_forward_pass", "03_backprop")
COURSE_FILES = ("Makefile", "pyproject.toml", "nbgrader_config.py", "README.md", "solutions",
                "exercises", "scripts")
VENV = Path(sys.prefix)
PLAY_STUDENTS = "from test_quick_start import hand_in; hand_in('.')"


def quick_start(readme=REPOSITORY / "README.md") -> list[str]:
    """The lines of the marked code block of readme (comments included, blanks left out)."""
    text = Path(readme).read_text(encoding="utf-8")
    assert text.count(MARK) == 1, f"README.md needs exactly one {MARK} ...--> before its block"
    block = re.search(r"```\w*\n(.*?)```", text[text.index(MARK):], re.S)
    assert block, "no code block after the quick-start mark"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def command(line: str) -> str:
    """The line without its comment."""
    return " ".join(shlex.split(line, comments=True))


def is_students_step(line: str) -> bool:
    return line.startswith("#") and "submitted/<student>/" in line


def make_targets(makefile=REPOSITORY / "Makefile") -> set[str]:
    names = set()
    for line in Path(makefile).read_text().splitlines():
        match = re.match(r"^([\w.-]+(?: [\w.-]+)*)\s*:(?!=)", line)
        if match:
            names.update(match.group(1).split())
    return names


def test_the_quick_start_parses_and_names_what_exists():
    lines = quick_start()
    commands = [command(line) for line in lines if not line.startswith("#")]
    assert sum(map(is_students_step, lines)) == 1, "one students' step: submitted/<student>/..."
    targets = make_targets()
    for each in commands:
        words = each.split()
        if words[0] == "make":
            missing = set(words[1:]) - targets
            assert not missing, f"{each!r}: no make target {missing}"
        elif words[0] != "source":
            assert (VENV / "bin" / words[0]).exists() or shutil.which(words[0]), each
    for word in ("grade", "feedback", "grades"):
        assert f"make {word}" in commands, f"the quick start must reach make {word}"
    in_order = [command(line) if not is_students_step(line) else "STUDENTS" for line in lines]
    assert in_order.index("make grade") > in_order.index("STUDENTS"), "grade what was handed in"


def test_the_block_parser_can_fail(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no mark here\n")
    with pytest.raises(AssertionError):
        quick_start(readme)
    readme.write_text(f"{MARK} -->\n```bash\nmake exercises\nmake grade  # x\n```\n")
    assert quick_start(readme) == ["make exercises", "make grade  # x"]


# ---- the walk: slow ----------------------------------------------------------------------

def fresh_course(tmp_path) -> Path:
    """A fresh copy of the course: the repository's course files, the venv linked as .venv,
    students.csv written by the instructor. `make install` must not reinstall the venv this
    test runs in (its editable install would then point at the copy): the copy's
    pyproject.toml is made a second older than the venv's install stamp, and `make -q
    install` must agree that nothing is to be done, else the test stops before any step."""
    stamp = VENV / ".installed-stamp"
    if not stamp.is_file():
        pytest.skip(f"{stamp} is missing: this venv was not made by `make install`")
    root = tmp_path / "course"
    root.mkdir()
    for name in COURSE_FILES:
        source = REPOSITORY / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    (root / ".venv").symlink_to(VENV)
    older = stamp.stat().st_mtime_ns - 10**9
    os.utime(root / "pyproject.toml", ns=(older, older))
    up_to_date = subprocess.run(["make", "-q", "install"], cwd=root, env=walk_env(),
                                capture_output=True)
    assert up_to_date.returncode == 0, "make install would reinstall the venv: not running"
    (root / "students.csv").write_text("id,first_name,last_name,email\n" + "".join(
        f"{s},{s.title()},Doe,{s}@example.org\n" for s in STUDENTS))
    return root


def walk_env() -> dict:
    """The walk's environment: this venv for make (VENV), this tree's nnlego and tests."""
    env = {**os.environ, "VENV": str(VENV), "PYTHONPATH": os.pathsep.join(
        [str(REPOSITORY), str(Path(__file__).parent)])}
    env.pop("VIRTUAL_ENV", None)
    return env


def hand_in(root) -> None:
    """The students' step (run by the walk, in its bash): three students, two assignments,
    seeded variants."""
    rng = np.random.default_rng(26)
    kinds = {a: sorted(synthetic.variants(a, REPOSITORY)) for a in HANDED_IN}
    roster = {(s, a): kinds[a][rng.integers(len(kinds[a]))] for s in STUDENTS for a in HANDED_IN}
    roster[STUDENTS[0], HANDED_IN[0]] = "solution"
    synthetic.write_class(root, roster, rng=rng, repo=REPOSITORY)


def walk(root, lines) -> tuple[subprocess.CompletedProcess, list[tuple[str, float]]]:
    """Run lines as the quick start says, in one bash; (the run, [(step, seconds)])."""
    script = ["set -eo pipefail"]
    for number, line in enumerate(lines):
        if is_students_step(line):
            line = f"{shlex.quote(sys.executable)} -c {shlex.quote(PLAY_STUDENTS)}"
        elif line.startswith("#"):
            continue
        script += [f"echo \"::step {number} $EPOCHREALTIME\" >&2", line,
                   f"echo \"::done {number} $EPOCHREALTIME\" >&2"]
    run = subprocess.run(["bash", "-c", "\n".join(script)], cwd=root, env=walk_env(), text=True,
                         capture_output=True, timeout=1800)
    started = dict(re.findall(r"::step (\d+) ([\d.]+)", run.stderr))
    times = [(lines[int(n)], float(t) - float(started[n]))
             for n, t in re.findall(r"::done (\d+) ([\d.]+)", run.stderr)]
    for step, seconds in times:
        print(f"{seconds:7.1f} s  {step}")
    return run, times


@pytest.mark.slow
def test_the_quick_start_verbatim_grades_a_fresh_course(tmp_path):
    root = fresh_course(tmp_path)
    lines = quick_start()
    run, times = walk(root, lines)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert len(times) == len([line for line in lines if not line.startswith("#")]) + 1
    for student in STUDENTS:
        for assignment in HANDED_IN:
            assert list((root / "autograded" / student / assignment).glob("*.ipynb"))
            assert list((root / "feedback" / student / assignment).glob("*.html"))
    rows = list(csv.DictReader((root / "grades.csv").open()))
    assert {(r["student_id"], r["assignment"]) for r in rows} == {
        (s, a) for s in STUDENTS for a in HANDED_IN}                  # nothing never handed in
    solved = next(r for r in rows if (r["student_id"], r["assignment"]) == (STUDENTS[0],
                                                                          HANDED_IN[0]))
    assert float(solved["score"]) > 0 and solved["email"] == f"{STUDENTS[0]}@example.org"
    assert (root / "review.csv").is_file()


@pytest.mark.slow
def test_the_quick_start_without_a_step_fails_with_a_hint_that_works(tmp_path):
    root = fresh_course(tmp_path)
    lines = [line for line in quick_start() if command(line) != "make exercises"]
    run, times = walk(root, lines)
    assert run.returncode != 0
    failed = run.stderr.rsplit("::step ", 1)[1].split("\n", 1)
    assert command(lines[int(failed[0].split()[0])]) == "make grade", failed
    assert "run `make exercises`" in failed[1], failed[1][-2000:]
