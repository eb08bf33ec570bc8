"""Backprop against finite differences, for every activation x cost, with and without L2."""

import itertools

import numpy as np
import pytest

from nnlego import Network, gradient_check, numerical_gradient, relative_error
from nnlego.activations import ACTIVATIONS
from nnlego.costs import COSTS, VALID_OUTPUTS

HIDDEN = sorted(ACTIVATIONS)
OUTPUT = sorted(ACTIVATIONS)


def _cost_is_defined(cost, output):
    # Every pair Network accepts: cross-entropies take logs of outputs (see costs.VALID_OUTPUTS).
    return VALID_OUTPUTS[cost] is None or output in VALID_OUTPUTS[cost]


CASES = [(h, o, c, l2) for h, o, c, l2 in itertools.product(HIDDEN, OUTPUT, sorted(COSTS),
                                                             [0.0, 0.3])
         if _cost_is_defined(c, o)]


@pytest.mark.parametrize("case", range(len(CASES)), ids=["-".join(map(str, c)) for c in CASES])
def test_backprop_agrees_with_finite_differences(case):
    """Relative error < 1e-6 per parameter array in float64 (3 layers, so delta crosses two).

    The seed is the case's number: the same network every run (``hash()`` of strings is salted
    per process, so it must not pick seeds).
    """
    hidden, output, cost, l2 = CASES[case]
    rng = np.random.default_rng(case)
    net = Network([4, 5, 4, 3], [hidden, hidden, output], cost, "scaled", rng=rng,
                  dtype=np.float64)
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, 3, 6)
    errors = gradient_check(net, X, y, l2=l2)
    assert set(errors) == {"W0", "b0", "W1", "b1", "W2", "b2"}
    assert max(errors.values()) < 1e-6, errors


def test_default_eps_is_accurate_where_gradients_are_tiny():
    """Two softmax hidden layers shrink W0's gradient to ~1e-4; with eps = 1e-6 the round-off
    of the differences put this network's check at 1.5e-6, a false alarm. The default must not."""
    rng = np.random.default_rng(36)
    net = Network([4, 5, 4, 3], ["softmax", "softmax", "sigmoid"], "quadratic", "scaled",
                  rng=rng, dtype=np.float64)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    assert max(gradient_check(net, X, y).values()) < 1e-6
    assert max(gradient_check(net, X, y, eps=1e-6).values()) > 1e-6   # the network is a hard one


def test_the_checker_catches_a_wrong_gradient():
    """Backprop without the sigmoid derivative (a classic slip) is flagged."""
    rng = np.random.default_rng(0)
    net = Network([3, 4, 2], "sigmoid", "quadratic", "scaled", rng=rng, dtype=np.float64)
    X, y = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    grads_W, grads_b = net.gradients(X, y)
    Zs, As = net.forward_all(X)
    Y = np.eye(2)[y]
    delta = (As[-1] - Y) / len(X)                      # forgot * sigma'(z)
    wrong_W = [As[0].T @ (delta @ net.weights[1].T), As[1].T @ delta]
    errors = gradient_check(net, X, y, grads=(wrong_W, grads_b))
    assert errors["W1"] > 1e-2 and errors["W0"] > 1e-2
    assert errors["b0"] < 1e-6           # the untouched arrays still agree


def test_the_checker_catches_l2_applied_to_biases():
    """Adding l2 * b to the bias gradient disagrees with the cost, which leaves biases alone."""
    rng = np.random.default_rng(1)
    net = Network([3, 4, 2], "sigmoid", "cross_entropy", "large", rng=rng, dtype=np.float64)
    X, y = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    grads_W, grads_b = net.gradients(X, y, l2=0.5)
    wrong_b = [g + 0.5 * b for g, b in zip(grads_b, net.biases)]
    errors = gradient_check(net, X, y, l2=0.5, grads=(grads_W, wrong_b))
    assert errors["b0"] > 1e-3 and errors["W0"] < 1e-6


def test_numerical_gradient_of_a_known_function_and_restores_its_input():
    """d/dx sum(x^3) = 3x^2; x is left exactly as it was."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_relative_error():
    """Zero for equal arrays, 1 for opposite ones, and shapes must match."""
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0 and relative_error(a, -a) == 1
    assert relative_error(np.zeros(2), np.zeros(2)) == 0
    with pytest.raises(ValueError, match="shapes"):
        relative_error(a, np.ones(3))


def test_gradient_check_leaves_a_float32_network_unchanged():
    """The check runs on a float64 copy."""
    rng = np.random.default_rng(2)
    net = Network([3, 2], "sigmoid", rng=rng)
    W = net.weights[0].copy()
    gradient_check(net, rng.standard_normal((2, 3)), np.array([0, 1]))
    assert net.weights[0].dtype == np.float32
    np.testing.assert_array_equal(net.weights[0], W)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(X=np.full((2, 3), np.inf)), ValueError, "X holds 6 non-finite values"),
    (dict(y=np.array([0, 5])), ValueError, r"labels in \[0, 1\]"),
    (dict(eps=0.0), ValueError, "eps must be > 0"),
    (dict(l2=-1.0), ValueError, "l2 must be >= 0"),
    (dict(grads=([np.zeros((3, 2))], [])), ValueError, r"grads must be a pair \(grads_W"),
    (dict(grads=([np.zeros((2, 3))], [np.zeros(2)])), ValueError,
     r"grads' W0 has shape \(2, 3\), expected \(3, 2\)"),
    (dict(net="a network"), TypeError, "net must be an nnlego Network"),
])
def test_gradient_check_names_bad_arguments(kwargs, error, message):
    rng = np.random.default_rng(0)
    args = dict(net=Network([3, 2], rng=rng), X=rng.standard_normal((2, 3)), y=np.array([0, 1]))
    with pytest.raises(error, match=message):
        gradient_check(**(args | kwargs))


def test_numerical_gradient_needs_a_writable_float_array():
    with pytest.raises(TypeError, match="x must be a writable float NumPy array"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="got dtype int64"):
        numerical_gradient(lambda: 0.0, np.arange(3))
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, np.zeros(3))
