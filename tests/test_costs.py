"""Costs: values on worked examples, gradients by finite differences, the a - y shortcuts."""

import numpy as np
import pytest

from nnlego.activations import get_activation
from nnlego.costs import COSTS, get_cost, one_hot, output_delta


def test_quadratic_cost_worked_example():
    """C = mean over samples of 1/2 ||a - y||^2."""
    A = np.array([[0.5, 0.5], [1.0, 0.0]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert get_cost("quadratic").value(A, Y) == pytest.approx((0.5 * (0.25 + 0.25) + 0) / 2)


def test_cross_entropy_worked_example():
    """C = -mean sum [y ln a + (1 - y) ln(1 - a)]."""
    A = np.array([[0.8, 0.1]])
    Y = np.array([[1.0, 0.0]])
    assert get_cost("cross_entropy").value(A, Y) == pytest.approx(-(np.log(0.8) + np.log(0.9)))


def test_categorical_cross_entropy_worked_example():
    """C = -mean sum y ln a: only the true class's probability counts."""
    A = np.array([[0.7, 0.2, 0.1], [0.25, 0.5, 0.25]])
    Y = one_hot(np.array([0, 1]), 3)
    expected = -(np.log(0.7) + np.log(0.5)) / 2
    assert get_cost("categorical_cross_entropy").value(A, Y) == pytest.approx(expected)


@pytest.mark.parametrize("name", sorted(COSTS))
def test_cost_gradient_matches_finite_differences(name):
    """gradient(A, Y) is dC/dA."""
    rng = np.random.default_rng(2)
    cost = get_cost(name)
    A = rng.uniform(0.1, 0.9, (3, 4))
    Y = one_hot(rng.integers(0, 4, 3), 4)
    numeric = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        Ap, Am = A.copy(), A.copy()
        Ap[idx] += 1e-7
        Am[idx] -= 1e-7
        numeric[idx] = (cost.value(Ap, Y) - cost.value(Am, Y)) / 2e-7
    np.testing.assert_allclose(cost.gradient(A, Y), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("cost_name, act_name", [("cross_entropy", "sigmoid"),
                                                 ("categorical_cross_entropy", "softmax")])
def test_a_minus_y_shortcut_equals_the_chain_rule(cost_name, act_name):
    """The shortcut (a - y)/n equals activation.backward(cost.gradient) where both are exact."""
    rng = np.random.default_rng(3)
    act, cost = get_activation(act_name), get_cost(cost_name)
    Z = rng.standard_normal((5, 4))
    A = act.f(Z)
    Y = one_hot(rng.integers(0, 4, 5), 4)
    np.testing.assert_allclose(output_delta(cost, act, Z, A, Y),
                               act.backward(Z, A, cost.gradient(A, Y)), atol=1e-12)


def test_one_hot():
    """Labels become rows with a single 1."""
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_unknown_cost_lists_the_valid_names():
    """A typo names the valid choices."""
    with pytest.raises(ValueError, match="unknown cost 'mse'.*quadratic"):
        get_cost("mse")
