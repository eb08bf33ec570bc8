"""The network: shapes, one SGD step worked by hand, and clear errors for bad input."""

import math

import numpy as np
import pytest

from nnlego import SGD, Network


def _sigma(z):
    return 1 / (1 + math.exp(-z))


def test_one_sgd_step_by_hand_on_a_2_3_2_network():
    """Nielsen's four equations, neuron by neuron in plain Python, against the matrix code."""
    net = Network([2, 3, 2], "sigmoid", "quadratic", "scaled", rng=np.random.default_rng(0),
                  dtype=np.float64)
    W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]          # W1[i][j]: input i -> hidden j
    b1 = [0.01, -0.02, 0.03]
    W2 = [[0.7, -0.8], [0.9, 0.1], [-0.3, 0.2]]         # W2[j][k]: hidden j -> output k
    b2 = [0.05, -0.05]
    net.weights = [np.array(W1), np.array(W2)]
    net.biases = [np.array(b1), np.array(b2)]
    x, label, lr = [1.0, 0.5], 1, 3.0
    y = [0.0, 1.0]

    # forward
    z1 = [b1[j] + sum(x[i] * W1[i][j] for i in range(2)) for j in range(3)]
    a1 = [_sigma(z) for z in z1]
    z2 = [b2[k] + sum(a1[j] * W2[j][k] for j in range(3)) for k in range(2)]
    a2 = [_sigma(z) for z in z2]
    # backward: delta = (a - y) sigma'(z); hidden delta = sum_k W2[j][k] delta2[k] sigma'(z1)
    d2 = [(a2[k] - y[k]) * a2[k] * (1 - a2[k]) for k in range(2)]
    d1 = [sum(W2[j][k] * d2[k] for k in range(2)) * a1[j] * (1 - a1[j]) for j in range(3)]
    new_W1 = [[W1[i][j] - lr * x[i] * d1[j] for j in range(3)] for i in range(2)]
    new_W2 = [[W2[j][k] - lr * a1[j] * d2[k] for k in range(2)] for j in range(3)]
    new_b1 = [b1[j] - lr * d1[j] for j in range(3)]
    new_b2 = [b2[k] - lr * d2[k] for k in range(2)]

    grads_W, grads_b = net.gradients(np.array([x]), np.array([label]))
    SGD(lr).step(net.weights + net.biases, grads_W + grads_b)
    np.testing.assert_allclose(net.weights[0], new_W1, rtol=1e-12)
    np.testing.assert_allclose(net.weights[1], new_W2, rtol=1e-12)
    np.testing.assert_allclose(net.biases[0], new_b1, rtol=1e-12)
    np.testing.assert_allclose(net.biases[1], new_b2, rtol=1e-12)
    # and numbers worked out on paper: z1 = (0.31, 0.03, 0.03), a1 = (0.5769, 0.5075, 0.5075),
    # z2[1] = -0.05 - 0.8*0.5769 + 0.1*0.5075 + 0.2*0.5075 = -0.3593, a2[1] = sigma(-0.3593)
    assert z1 == pytest.approx([0.31, 0.03, 0.03])
    assert a2[1] == pytest.approx(0.4111, abs=1e-4)


def test_shapes_follow_samples_as_rows():
    """W is (n_in, n_out), b is (n_out,), outputs are (n_samples, n_out)."""
    net = Network([784, 30, 10], rng=np.random.default_rng(0))
    assert [W.shape for W in net.weights] == [(784, 30), (30, 10)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    X = np.zeros((7, 784), dtype=np.float32)
    assert net.forward(X).shape == (7, 10) and net.predict(X).shape == (7,)
    assert net.parameter_names() == ["W0", "b0", "W1", "b1"]


def test_per_layer_activations_and_dtype():
    """Activations per layer; float32 by default, float64 on request."""
    net = Network([4, 3, 2], ["relu", "softmax"], "categorical_cross_entropy", "glorot_uniform",
                  rng=np.random.default_rng(0))
    A = net.forward(np.ones((5, 4)))
    assert A.dtype == np.float32
    np.testing.assert_allclose(A.sum(axis=1), 1, rtol=1e-6)
    assert net.copy(dtype=np.float64).forward(np.ones((5, 4))).dtype == np.float64


def test_accuracy_and_loss_on_a_hand_made_example():
    """A net whose output copies its input: accuracy 2/3, quadratic loss by hand."""
    net = Network([2, 2], "identity", "quadratic", rng=np.random.default_rng(0), dtype=np.float64)
    net.weights[0][...] = np.eye(2)
    net.biases[0][...] = 0
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1])
    assert net.accuracy(X, y) == pytest.approx(2 / 3)
    assert net.loss(X, y) == pytest.approx((0 + 0 + 0.5 * 2) / 3)
    assert net.loss(X, y, l2=0.5) == pytest.approx(1 / 3 + 0.25 * 2)


def test_copy_is_independent():
    """Changing a copy leaves the original alone."""
    net = Network([3, 2], rng=np.random.default_rng(0))
    clone = net.copy()
    clone.weights[0] += 1
    assert not np.array_equal(clone.weights[0], net.weights[0])


@pytest.mark.parametrize("kwargs, message", [
    (dict(sizes=[784]), "at least an input and an output"),
    (dict(sizes=[784, 0, 10]), r"sizes\[1\] must be an integer >= 1, got 0"),
    (dict(sizes=[3, 2], activations="sigmod"), "unknown activation 'sigmod'"),
    (dict(sizes=[3, 2, 2], activations=["relu"]), "one name or 2 names"),
    (dict(sizes=[3, 2], cost="mse"), "unknown cost 'mse'"),
    (dict(sizes=[3, 2], init="xavier"), "unknown init 'xavier'"),
    (dict(sizes=[3, 2], dtype=np.int32), "dtype must be float32 or float64"),
])
def test_bad_settings_name_the_argument(kwargs, message):
    """Each bad setting is refused with a message naming it."""
    with pytest.raises(ValueError, match=message):
        Network(**kwargs, rng=np.random.default_rng(0))


def test_rng_must_be_a_generator():
    """An int seed is not silently accepted where a Generator is expected."""
    with pytest.raises(TypeError, match="default_rng"):
        Network([3, 2], rng=0)


def test_bad_inputs_name_what_they_got_and_expected():
    """Wrong shapes, dtypes and labels say what is expected."""
    net = Network([4, 3], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 4\).*got shape \(2, 5\)"):
        net.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="flatten images"):
        net.forward(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="real numbers"):
        net.forward(np.array([["a", "b", "c", "d"]]))
    with pytest.raises(ValueError, match=r"labels in \[0, 2\].*from 0 to 3"):
        net.accuracy(np.zeros((2, 4)), np.array([0, 3]))
    with pytest.raises(ValueError, match="2 integer labels"):
        net.accuracy(np.zeros((2, 4)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"not whole numbers \(first at index 0: 0.5\)"):
        net.loss(np.zeros((2, 4)), np.array([0.5, 1.0]))


@pytest.mark.parametrize("activations, cost", [
    ("relu", "cross_entropy"),                       # the one-name shortcut: relu outputs
    ("identity", "cross_entropy"),
    (["relu", "identity"], "categorical_cross_entropy"),
    (["relu", "relu"], "categorical_cross_entropy"),
    (["relu", "sigmoid"], "categorical_cross_entropy"),   # its minimum (all outputs 1) ignores y
])
def test_a_cost_undefined_on_the_output_layer_is_refused_with_the_valid_pairs(activations, cost):
    """The message lists every valid pair and a fixed activations list."""
    with pytest.raises(ValueError, match="undefined on the output layer") as caught:
        Network([3, 4, 2], activations, cost, rng=np.random.default_rng(0))
    message = str(caught.value)
    assert "quadratic with any output" in message
    assert "cross_entropy with sigmoid or softmax" in message
    assert "categorical_cross_entropy with softmax" in message
    if isinstance(activations, str):
        assert f"one name activations={activations!r} sets every layer" in message
        assert f"activations=[{activations!r}, 'sigmoid']" in message


@pytest.mark.parametrize("activations, cost", [
    (output, "quadratic") for output in ("sigmoid", "relu", "softmax", "identity")] + [
    ("sigmoid", "cross_entropy"), (["relu", "sigmoid"], "cross_entropy"),
    (["relu", "softmax"], "cross_entropy"), (["relu", "softmax"], "categorical_cross_entropy"),
])
def test_every_pair_with_a_defined_cost_is_accepted(activations, cost):
    net = Network([3, 4, 2], activations, cost, rng=np.random.default_rng(0))
    assert np.isfinite(net.loss(np.ones((2, 3)), [0, 1]))


@pytest.mark.parametrize("sizes, message", [
    ("784-30-10", r"list of ints, e\.g\. \[784, 30, 10\], got str '784-30-10'; write "
                  r"\[784, 30, 10\]"),
    (784, "list of ints"),
    (None, "list of ints"),
    ([784, 30.0, 10], r"sizes\[1\] must be an integer >= 1, got 30.0"),
    ([784, True], r"sizes\[1\] must be an integer"),
])
def test_sizes_must_be_a_list_of_ints(sizes, message):
    with pytest.raises(ValueError, match=message):
        Network(sizes, rng=np.random.default_rng(0))


def _with_nan_and_inf():
    X = np.ones((5, 4))
    X[1, 2] = np.nan
    X[3, 2] = X[3, 0] = np.inf
    return X


@pytest.mark.parametrize("method", ["forward", "predict", "accuracy", "loss", "gradients"])
def test_non_finite_inputs_are_refused_with_counts_and_a_likely_cause(method):
    """NaN / inf anywhere in X: how many values, rows and columns, and why it happens."""
    net = Network([4, 3], rng=np.random.default_rng(0))
    args = (_with_nan_and_inf(),) if method in ("forward", "predict") else \
        (_with_nan_and_inf(), np.zeros(5, int))
    with pytest.raises(ValueError, match=r"X holds 3 non-finite values \(NaN or inf\) in 2 of "
                                         r"its 5 rows \(samples\) and 2 of its 4 columns") as e:
        getattr(net, method)(*args)
    assert "standard deviation of 0" in str(e.value)


def test_l2_of_loss_and_gradients_is_checked():
    net = Network([4, 3], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        net.loss(np.ones((2, 4)), [0, 1], l2=-1.0)
    with pytest.raises(ValueError, match="l2 must be a finite number"):
        net.gradients(np.ones((2, 4)), [0, 1], l2=float("nan"))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(activations=None), TypeError, "activations must be one name or a list"),
    (dict(dtype="float7"), ValueError, "dtype must be float32 or float64, got 'float7'"),
    (dict(rng=np.random.RandomState(0)), TypeError, "rng must be a numpy Generator"),
])
def test_wrong_types_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        Network([3, 2], **({"rng": np.random.default_rng(0)} | kwargs))


def test_ragged_inputs_name_the_argument():
    net = Network([2, 2], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="X must be an array of numbers"):
        net.predict([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="y must be an array of integer labels"):
        net.accuracy(np.ones((2, 2)), [[0], [1, 0]])
