"""Grading a class in parallel (nnlego.course.grading): the same grades as nbgrader one at a time.

A small synthetic class (nnlego.course.grading.synthetic: solutions, wrong solutions, blanks) of two
assignments is graded by plain ``nbgrader autograde``, one submission after another (the
reference), and by ``nnlego.course.grading.parallel.grade`` with two workers: on SQLite, on
PostgreSQL when ``NNLEGO_TEST_PG_URL`` points at a server (``scripts/start_postgres.sh``; CI
sets it), and on a local Dask cluster. Every gradebook must equal the reference's, name by name
and bit for bit, and hold the scores expected of each notebook. A worker killed mid-task costs
that task only; the next run grades only what is missing. The parent's death takes its workers
and their kernels with it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
from nbgrader.api import Gradebook  # noqa: E402
from support.notebooks import ROOT as REPOSITORY  # noqa: E402
from support.postgres import PG_URL, fresh_pg_database  # noqa: E402

from nnlego.commands.grade import summary_text  # noqa: E402
from nnlego.course.grading import gradebook as gbook  # noqa: E402
from nnlego.course.grading import parallel, synthetic  # noqa: E402

pytestmark = pytest.mark.slow

ASSIGNMENTS = synthetic.assignments_of(REPOSITORY)[:2]
N_STUDENTS = 3
BIN = str(Path(sys.executable).parent)


def sqlite(root):
    return f"sqlite:///{Path(root) / 'gradebook.db'}"


@pytest.fixture(scope="module", autouse=True)
def venv_on_path():
    # nbgrader calls `alembic` (and tests call `nbgrader`) from PATH: put the venv's first.
    old = os.environ["PATH"]
    os.environ["PATH"] = os.pathsep.join([BIN, old])
    yield
    os.environ["PATH"] = old


@pytest.fixture(scope="module")
def roster():
    return synthetic.draw_class(N_STUDENTS, ASSIGNMENTS, repo=REPOSITORY,
                                rng=np.random.default_rng(3))


@pytest.fixture(scope="module")
def blank_course(tmp_path_factory, roster):
    """A course with the synthetic class in submitted/ and nothing graded (copied per test)."""
    root = synthetic.make_course(tmp_path_factory.mktemp("blank") / "course", ASSIGNMENTS,
                                 repo=REPOSITORY)
    synthetic.write_class(root, roster, repo=REPOSITORY,
                          rng=np.random.default_rng(4))
    return root


def new_course(blank_course, tmp_path, db="sqlite"):
    """A fresh copy of the blank course; with db="postgresql", its gradebook on a new database."""
    root = tmp_path / "course"
    if db == "sqlite":
        shutil.copytree(blank_course, root)
        return root, sqlite(root)
    url = fresh_pg_database()
    shutil.copytree(blank_course, root, ignore=shutil.ignore_patterns("gradebook.db"))
    synthetic.make_course(root, ASSIGNMENTS, repo=REPOSITORY, db_url=url)
    return root, url


@pytest.fixture(scope="module")
def expected(roster):
    """{(student, assignment): {cell: score}}: each distinct notebook graded once."""
    return synthetic.expected_scores(roster, repo=REPOSITORY)


@pytest.fixture(scope="module")
def reference(blank_course, tmp_path_factory):
    """The gradebook of plain `nbgrader autograde`, one submission after another."""
    root = tmp_path_factory.mktemp("serial") / "course"
    shutil.copytree(blank_course, root)
    for assignment in ASSIGNMENTS:
        subprocess.run([f"{BIN}/nbgrader", "autograde", assignment, "--create", "--force"],
                       cwd=root, check=True, capture_output=True)
    return gbook.dump(sqlite(root), "nnlego")


def scores(dump):
    """{(student, assignment): {cell: score}} of a dump (manual cells count 0, as in nbgrader)."""
    return {(s, a): {c: (auto if manual is None else manual) or 0.0
                     for c, (auto, manual, _) in cells.items()}
            for (s, a, _), (_, _, _, cells, _) in dump.items()}


def test_the_synthetic_class_is_seeded_and_varied(roster):
    again = synthetic.draw_class(N_STUDENTS, ASSIGNMENTS, repo=REPOSITORY,
                                 rng=np.random.default_rng(3))
    other = synthetic.draw_class(N_STUDENTS, ASSIGNMENTS, repo=REPOSITORY,
                                 rng=np.random.default_rng(5))
    assert again == roster and other != roster
    kinds = {v.split("_")[0] for v in roster.values()}
    assert {"solution", "blank", "wrong"} <= kinds, roster


def test_expected_scores_know_the_solution_and_the_blank(roster, expected):
    solved = [t for t, v in roster.items() if v == "solution"]
    blank = [t for t, v in roster.items() if v == "blank"]
    assert solved and blank
    for task in blank:
        assert sum(expected[task].values()) == 0, task
    for task in solved:       # full marks on every autograded (test) cell
        assert all(expected[task][c] > 0 for c in expected[task] if c.startswith("test_")), task


def test_the_reference_has_the_expected_scores(reference, expected):
    assert scores(reference) == expected


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="no PostgreSQL server: eval \"$(bash scripts/start_postgres.sh)\""))])
def test_parallel_grading_equals_serial_bit_for_bit(blank_course, tmp_path, reference, db):
    root, url = new_course(blank_course, tmp_path, db)
    report = parallel.grade(root, workers=2, db_url=url)
    assert not report.failures, report.failures
    assert len(report.planned) == len(reference)
    assert gbook.dump(url, "nnlego") == reference
    again = parallel.grade(root, workers=2, db_url=url)
    assert again.planned == [] and len(again.skipped) == len(reference)


def descendants(pid):
    """Every living process whose chain of parents reaches pid."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1]
                                               .split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def command_lines(pids):
    return [Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")[:120] for p in pids
            if Path(f"/proc/{p}").exists()]


def alive(pids):
    return {p for p in pids if Path(f"/proc/{p}").exists()
            and "zombie" not in Path(f"/proc/{p}/status").read_text()}


def wait_for(condition, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_worker_costs_only_its_task_and_a_rerun_grades_what_is_missing(
        blank_course, tmp_path, reference, expected):
    root, url = new_course(blank_course, tmp_path)
    victim = sorted(expected)[2]
    orphans = set()

    def kill_mid_task(spec, pid):
        if (spec["student"], spec["assignment"]) == victim:
            def kill():   # once the worker runs the notebook's kernel, kill the worker
                wait_for(lambda: descendants(pid))
                orphans.update(descendants(pid))
                os.kill(pid, signal.SIGKILL)
            threading.Thread(target=kill, daemon=True).start()

    report = parallel.grade(root, workers=2, on_start=kill_mid_task)
    assert [(o["student"], o["assignment"]) for o in report.failures] == [victim]
    assert "worker died" in report.failures[0]["error"]
    others = {t: cells for t, cells in scores(gbook.dump(url, "nnlego")).items()}
    assert others == {t: v for t, v in expected.items() if t != victim}
    assert wait_for(lambda: not alive(orphans), 30), \
        f"the killed worker's kernel lives on: {command_lines(alive(orphans))}"
    text = summary_text(report)
    assert report.failures[0]["log"] in text and "1 failed" in text

    graded_at = {t: (root / "autograded" / t[0] / t[1]).stat().st_mtime for t in others}
    rerun = parallel.grade(root, workers=2)
    assert rerun.planned == [victim] and not rerun.failures
    assert {t: (root / "autograded" / t[0] / t[1]).stat().st_mtime for t in others} == graded_at
    assert gbook.dump(url, "nnlego") == reference

    feedback = parallel.grade(root, step="feedback", workers=2)
    assert not feedback.failures and len(feedback.planned) == len(expected)
    for student, assignment in expected:
        assert list((root / "feedback" / student / assignment).glob("*.html"))
    assert parallel.grade(root, step="feedback", workers=2).planned == []


def test_workers_and_their_kernels_die_with_the_parent(blank_course, tmp_path):
    root, _ = new_course(blank_course, tmp_path)
    parent = subprocess.Popen([sys.executable, "-m", "nnlego", "grade", "--workers", "2",
                               "--no-progress"], cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:   # workers, and at least one kernel below a worker
        assert wait_for(lambda: len(descendants(parent.pid)) >= 3), "no workers started"
        children = descendants(parent.pid)
    finally:
        parent.kill()
        parent.wait()
    assert wait_for(lambda: not alive(children), 30), alive(children)


def test_dask_cluster_grades_the_same(blank_course, tmp_path, reference):
    distributed = pytest.importorskip("distributed", reason="the scale extra: '.[scale]'")
    root, url = new_course(blank_course, tmp_path, "postgresql" if PG_URL else "sqlite")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        report = parallel.grade(root, scheduler=cluster.scheduler_address, db_url=url,
                                insecure_scheduler=True)      # (TLS: tests/test_grade_tls.py)
    assert not report.failures, report.failures
    assert gbook.dump(url, "nnlego") == reference


def test_merging_keeps_manual_scores_and_asks_for_review(blank_course, tmp_path, roster):
    root, url = new_course(blank_course, tmp_path)
    student, assignment = next(iter(roster))
    name = synthetic.notebook_name(assignment, REPOSITORY)
    with Gradebook(url, "nnlego") as gb:
        gb.add_student(student)
        gb.add_submission(assignment, student)
        cells = [g.name for g in gb.find_submission_notebook(name, assignment, student).grades]
        gb.find_grade(cells[0], name, assignment, student).manual_score = 1.5
        gb.db.commit()
        result = {"timestamp": "2026-12-01 10:00:00", "notebooks": {name: {
            "flagged": True, "late_submission_penalty": None,
            "grades": {cells[0]: [0.0, False], cells[1]: [0.0, False], cells[2]: [1.0, True]},
            "comments": {}}}}
        gbook.merge_result(gb, assignment, student, result)
        first = gb.find_grade(cells[0], name, assignment, student)
        assert (first.manual_score, first.auto_score, first.needs_manual_grade) == (1.5, 0.0, True)
        second = gb.find_grade(cells[1], name, assignment, student)
        assert (second.auto_score, second.needs_manual_grade) == (0.0, False)
        third = gb.find_grade(cells[2], name, assignment, student)   # flagged by the grader
        assert (third.auto_score, third.needs_manual_grade) == (1.0, True)
        assert gbook.submission_summary(gb, assignment, student)["flagged"] is True


def test_errors_name_the_fix(blank_course, tmp_path):
    with pytest.raises(FileNotFoundError, match="nbgrader_config.py"):
        parallel.grade(tmp_path)
    root, _ = new_course(blank_course, tmp_path)
    with pytest.raises(ValueError, match="at least 1"):
        parallel.grade(root, workers=0)
    with pytest.raises(ValueError, match="choose one of"):
        parallel.grade(root, step="regrade")
    (root / "submitted" / "student_000" / "99_unknown").mkdir(parents=True)
    with pytest.raises(ValueError, match="generate_assignment 99_unknown"):
        parallel.grade(root)
