"""bricks.driving_examples: the inputs that drive each hidden neuron most and least."""

from __future__ import annotations

import numpy as np
import pytest

from nnlego.bricks import driving_examples


def test_worked_by_hand():
    """Four 2 x 2 'images', two neurons: one counts ink on the left, one ink on top."""
    W1 = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])   # pixels row-major
    b1 = np.array([0.0, -1.0])
    X = np.array([[1, 0, 1, 0],      # left column: z = (2, 0)
                  [0, 1, 0, 1],      # right column: z = (0, 0)
                  [1, 1, 0, 0],      # top row: z = (1, 1)
                  [0, 0, 0, 0.0]])   # blank: z = (0, -1)
    ex = driving_examples(W1, b1, X, k=2)
    np.testing.assert_array_equal(ex.most_idx, [[0, 2], [2, 0]])
    np.testing.assert_array_equal(ex.most_z, [[2, 1], [1, 0]])
    np.testing.assert_array_equal(ex.least_idx, [[1, 3], [3, 0]])   # ties: lower index first
    np.testing.assert_array_equal(ex.least_z, [[0, 0], [-1, 0]])


def test_properties_on_random_networks():
    """Against brute force: z's are the extremes of X @ W1 + b1, sorted, at those indices."""
    rng = np.random.default_rng(7)
    W1, b1 = rng.standard_normal((16, 5)), rng.standard_normal(5)
    X = rng.random((40, 16))
    ex = driving_examples(W1, b1, X, k=4)
    Z = X @ W1 + b1
    for j in range(5):
        np.testing.assert_allclose(ex.most_z[j], np.sort(Z[:, j])[::-1][:4])
        np.testing.assert_allclose(ex.least_z[j], np.sort(Z[:, j])[:4])
        np.testing.assert_allclose(Z[ex.most_idx[j], j], ex.most_z[j])
        np.testing.assert_allclose(Z[ex.least_idx[j], j], ex.least_z[j])
    assert ex.most_idx.shape == ex.least_idx.shape == (5, 4)


def test_inputs_come_back_unchanged():
    rng = np.random.default_rng(1)
    W1, b1, X = rng.standard_normal((9, 3)), rng.standard_normal(3), rng.random((6, 9))
    copies = W1.copy(), b1.copy(), X.copy()
    driving_examples(W1, b1, X, k=6)
    for before, after in zip(copies, (W1, b1, X)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("b1, X, k, message", [
    (np.zeros(4), np.zeros((5, 9)), 2, "b1 must have shape"),
    (np.zeros(3), np.zeros((5, 8)), 2, "X must be"),
    (np.zeros(3), np.zeros((5, 9)), 0, "k must be"),
    (np.zeros(3), np.zeros((5, 9)), 6, "k must be"),
    (np.zeros(3), np.zeros((5, 9)), True, "k must be"),
])
def test_errors_name_the_argument(b1, X, k, message):
    with pytest.raises(ValueError, match=message):
        driving_examples(np.zeros((9, 3)), b1, X, k=k)


def test_plot_brick_explorer_draws_one_row_per_neuron():
    """A row per chosen neuron: its brick, then k most- and k least-driving inputs."""
    from nnlego import plots
    rng = np.random.default_rng(3)
    W1, b1 = rng.standard_normal((784, 6)), rng.standard_normal(6)
    X = rng.random((20, 784))
    ex = driving_examples(W1, b1, X, k=2)
    fig = plots.plot_brick_explorer(W1, X.reshape(-1, 28, 28), ex, neurons=[4, 1])
    assert len(fig.axes) == 2 * (1 + 2 * 2)
    assert fig.axes[0].get_ylabel() == "#4"
    assert fig.axes[1].get_title() == f"z={ex.most_z[4, 0]:.1f}"
    with pytest.raises(ValueError, match="neurons must be"):
        plots.plot_brick_explorer(W1, X.reshape(-1, 28, 28), ex, neurons=[6])
