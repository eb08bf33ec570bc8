"""The benchmark contenders compute the same maths as nnlego (benchmarks/ times them side by side).

A speed comparison is only fair between implementations of the same thing: Nielsen's per-example
loop, its tuned version and the lean hand-fused NumPy step must give nnlego's gradients and
updates. (Their speed is the benchmark's business, never a test's.)
"""

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
