"""The benchmark contenders compute the same maths as nnlego (benchmarks/ times them side by side).

A speed comparison is only fair between implementations of the same thing: Nielsen's per-example
loop, its tuned version and the lean hand-fused NumPy step must give nnlego's gradients and
updates. (Their speed is the benchmark's business, never a test's.)
"""

import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import lean_numpy  # noqa: E402
import nielsen_loop  # noqa: E402
import setups  # noqa: E402
from run_all import gradient_checks, lean_step_difference  # noqa: E402

SMALL = {key: replace(setup, n_samples=640) for key, setup in setups.SETUPS.items()}


@pytest.mark.parametrize("key", sorted(SMALL))
def test_contenders_agree_with_nnlego(key):
    """Loops: gradients on one mini-batch; the lean step: weights after three steps."""
    setup = SMALL[key]
    X, y = setups.make_data(setup)
    errors = gradient_checks(setup, X, y)
    assert errors["nielsen"] < 1e-6          # float64, the same sums in another order
    assert errors["tuned"] < 1e-4            # float32
    assert errors["lean"] < 1e-5


@pytest.mark.parametrize("key", sorted(SMALL))
def test_the_comparison_catches_a_wrong_lean_step(key, monkeypatch):
    """A lean step whose update is 10% too short (say, lr folded in wrongly) is caught."""
    setup = SMALL[key]
    X, y = setups.make_data(setup)
    assert lean_step_difference(setup, X, y) < 1e-5
    original = lean_numpy.LeanStep.step

    def short_step(self, Xb, Yb):
        before = self.flat.copy()
        original(self, Xb, Yb)
        self.flat += 0.1 * (before - self.flat)

    monkeypatch.setattr(lean_numpy.LeanStep, "step", short_step)
    assert lean_step_difference(setup, X, y) > 1e-4


def test_the_per_example_loop_is_a_loop_over_examples():
    """Nielsen's loop really backpropagates one example at a time (column vectors)."""
    setup = SMALL["A"]
    net = setups.make_network(setup)
    loop = nielsen_loop.LOOPS["nielsen"](net, setup.optimizer, setup.lr)
    calls = []
    original = loop.backprop
    loop.backprop = lambda x, y: calls.append(x.shape) or original(x, y)
    X, y = setups.make_data(setup)
    loop.mean_gradients(X[:10], np.eye(10)[y[:10]])
    assert calls == [(784, 1)] * 10


@pytest.mark.parametrize("key", sorted(SMALL))
def test_the_lean_step_flushes_subnormals_as_nnlego_does(key, monkeypatch):
    """Issue 29: the lean step flushes its parameters (and Adam's m, v) every FLUSH_EVERY steps
    like nnlego's optimizers, so neither pays for subnormals the other escapes."""
    setup = SMALL[key]
    X, y = setups.make_data(setup)
    Y = np.eye(10, dtype=np.float32)[y]
    lean = lean_numpy.LeanStep(setup, setups.make_network(setup))
    calls = []
    monkeypatch.setattr(lean_numpy, "flush_subnormal",
                        lambda arrays: calls.append((lean.t, [a.size for a in arrays])))
    for _ in range(2 * lean_numpy.FLUSH_EVERY + 1):
        lean.step(X[:setup.batch_size], Y[:setup.batch_size])
    n_arrays = 3 if setup.optimizer == "adam" else 1
    assert calls == [(t, [lean.flat.size] * n_arrays)
                     for t in (lean_numpy.FLUSH_EVERY, 2 * lean_numpy.FLUSH_EVERY)]


def test_the_report_shows_subnormal_counts_and_the_first_and_last_slice(capsys):
    """One round of every in-process contender on a small setup B, then the report."""
    import report
    import run_all
    setup = SMALL["B"]
    X, y = setups.make_data(setup)
    Y, order = np.eye(10, dtype=np.float32)[y], setups.epoch_order(setup)
    times, subnormals = {}, {}
    run_all.time_round(setup, X, y, Y, order, times, subnormals)
    assert set(subnormals) == {report.NNLEGO, report.LEAN}
    report.print_table(setup, times, {"adam step": 1.0}, {"lean": 0.0}, subnormals)
    lines = [line for line, _ in report.ratio_lines(setup, times)]
    out = capsys.readouterr().out
    assert "us/step in the first -> last tenth of the epoch" in out
    assert "nnlego loop, 1 BLAS thread: " in out and " -> " in out
    assert (f"subnormal floats at the end of the epoch, {report.NNLEGO}: weights 0 of 101,770, "
            "optimizer state 0 of 203,540") in out
    assert any("nnlego vs the lean NumPy step" in line and "(target <= 1.1x)" in line
               for line in lines)
    assert any("(target <= 4x)" in line for line in lines)


def test_engine_scores_lists_every_submission_and_every_cell_that_differs():
    import engine_scores

    old = {"02": {"solution": {"a": [2, 2], "b": [3, 3]}, "cheat_x": {"a": [2, 2], "b": [0, 3]}}}
    new = {"02": {"solution": {"a": [2, 2], "b": [3, 3]}, "cheat_x": {"a": [0, 2], "b": [0, 3]}}}
    rows, changed = engine_scores.compare(old, new)
    assert "| 02 | cheat_x | cheat | 2 | 0 | 5 |" in rows
    assert "| 02 | solution | solution | 5 | 5 | 5 |" in rows
    assert changed[2:] == ["| 02 | cheat_x | a | 2 | 0 |"]


@pytest.mark.slow
def test_the_grading_engines_benchmark_grades_and_reports(capsys):
    """bench_grading_engines.py on 1 student x 1 assignment: every engine measured, CPU from the
    tasks and the whole run, the same scores from every engine, v2 against its goal."""
    import bench_grading_engines as bench
    assignments = ["02_forward_pass"]
    runs = bench.measure(1, ["plain", "v1", "v2"], [1], assignments, seed=1)
    assert [r.engine for r in runs] == ["plain", "v1", "v2"]
    for run in runs:
        assert run.failed == 0 and len(run.outcomes) == 1
        (task,) = run.outcomes
        assert task["assignment"] == assignments[0]
        assert 0 < task["cpu_seconds"] < run.cpu and 0 < task["seconds"] < run.wall
    assert runs[0].scores == runs[1].scores == runs[2].scores and runs[0].scores
    bench.report(runs, 1, assignments)
    out = capsys.readouterr().out
    assert "plain, 1 worker" in out and "v1 / plain, 1 worker(s): CPU" in out
    assert "v2 / v1, 1 worker(s): CPU" in out
    assert re.search(r"^v2 CPU s/student, 1 worker\(s\) \(goal <= 15\): [0-9.]+  (PASS|MISS)$",
                     out, re.M)
    assert "scores, v2 vs v1, 1 worker(s): the same on 1 of 1 submissions" in out


V2_PHASES = ("ComputeAndJudge", "v2: the grader's setup", "v2: the zygote",
             "v2: fork the notebook's", "v2: end the child", "cell: setup", "cell: answer",
             "cell: test (graded)")


@pytest.mark.slow
def test_the_grading_profile_times_every_phase_and_puts_the_originals_back(capsys):
    """profile_grading_task.py on one assignment with the default engine, v2: its own phases
    (the grader's setup, the zygote, the child; none of v1's kernel), the cells, nbgrader's
    steps and the feedback in the table; the grading's functions unwrapped afterwards, this
    process's environment and umask as they were."""
    import profile_grading_task
    from nbclient import NotebookClient

    from nnlego.course.grading import execute, judge, parallel_tasks, warm

    def originals():
        return (execute.ProtectedExecute.execute_cell, NotebookClient.start_new_kernel_client,
                parallel_tasks.prepare_db, execute.ScoreByTokens.__dict__.get("preprocess"),
                judge.Notebook.cell, warm.Zygote.fork, warm.grader_setup)

    before, environment, umask = originals(), dict(os.environ), os.umask(0o022)
    os.umask(umask)
    assert profile_grading_task.main(["--assignments", "02_forward_pass", "--engine", "v2",
                                      "--detail", "02_forward_pass"]) == 0
    assert before == originals() and environment == dict(os.environ)
    assert os.umask(umask) == umask, "the profile left the worker's umask (the course's) here"
    out = capsys.readouterr().out
    detail = out.split("== 02_forward_pass ==")[1].split("==")[0]
    for phase in (*V2_PHASES, "autograde task", "OverwriteCells",
                  "nbgrader feedback", "HTML export", "check outcomes", "(rest)"):
        assert phase in detail, phase
    assert "kernel start" not in detail, "v2's profile shows v1's kernel: the engine was not set"
    assert "bwrap + Python's start" in out and "stock python3 kernel" in out
