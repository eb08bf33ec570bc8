"""Self-check of assignment 3: the numerical gradient and backprop for a mini-batch.

``numerical_gradient`` on fresh smooth functions whose slopes are known exactly (and whose
central difference with a coarse step is known exactly too, so the step must be the ``eps``
given); ``backprop`` against nnlego's ``Network.backprop`` and finite differences on fresh
networks of random depth, for a batch of one, a batch of many, and a batch of copies;
``output_delta`` (part 2) against nnlego's ``costs.output_delta`` for the quadratic cost.
"""

from __future__ import annotations

import numpy as np

import nnlego
from nnlego.activations import get_activation, sigmoid
from nnlego.costs import get_cost, one_hot
from nnlego.costs import output_delta as reference_delta
from nnlego.course.grading import own_work
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece

ASSIGNMENT = "03_backprop"
NETWORK, ONE_HOT = nnlego.Network, nnlego.one_hot
REFERENCE_NUMERICAL, RELATIVE_ERROR = nnlego.numerical_gradient, nnlego.relative_error
OWN_NUMERICAL = (nnlego.numerical_gradient,)
OWN_BACKPROP = (nnlego.Network.backprop,)


def check_numerical_gradient(ns, rng):
    fn = tools.function(ns, "numerical_gradient")
    shape = (int(rng.integers(2, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 3)))
    x, c = rng.normal(size=shape), rng.normal(size=shape)
    kind = f"f = sum(c * tanh(x)) on a random array {shape}"
    before = x.copy()
    g = tools.call(fn, lambda: float(np.sum(c * np.tanh(x))), x, kind=kind, forbid=OWN_NUMERICAL)
    if not np.array_equal(x, before):
        raise Failed(kind, "x was not put back exactly as it was: after each pair of calls, "
                     "write the saved value back into x")
    tools.close(g, c / np.cosh(before) ** 2, kind, "the gradient", rtol=1e-6, atol=1e-8,
                fix="perturb x in place, one entry at a time, by +eps and -eps")
    step = float(rng.choice([0.05, 0.1, 0.2]))
    y = rng.normal(size=int(rng.integers(3, 8)))
    kind = f"f = sum(y**3) with eps={step:g}"
    coarse = tools.call(fn, lambda: float(np.sum(y ** 3)), y, eps=step, kind=kind,
                        forbid=OWN_NUMERICAL)
    if np.asarray(coarse).dtype != np.float64:
        raise Failed(kind, f"the gradient came back as {np.asarray(coarse).dtype}, not float64 "
                     "like x: build it with np.zeros(x.shape) (float32 keeps only 7 digits)")
    # (f(y + e) - f(y - e)) / (2 e) for y**3 is exactly 3 y**2 + e**2: only the central
    # difference with the step given comes out right.
    tools.close(coarse, 3 * y ** 2 + step ** 2, kind, "the gradient", rtol=1e-9, atol=1e-9,
                fix="use the eps argument, and central differences (f(x+eps) - f(x-eps)) / "
                    "(2 eps), not one-sided ones")


def random_batch(rng, n_layers, n=None):
    sizes = [int(s) for s in rng.integers(2, 8, size=n_layers + 1)]
    net = NETWORK(sizes, rng=rng, dtype=np.float64)
    n = int(rng.integers(2, 12)) if n is None else n
    X = rng.random((n, sizes[0]))
    Y = ONE_HOT(rng.integers(0, sizes[-1], n), sizes[-1])
    return net, X, Y, f"a random {'-'.join(map(str, sizes))} network, {n} samples"


def _gradients(fn, net, X, Y, kind):
    result = tools.call(fn, list(net.weights), list(net.biases), X, Y, kind=kind,
                        forbid=OWN_BACKPROP)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise Failed(kind, f"backprop returned {type(result).__name__}, expected a pair "
                     "(grads_W, grads_b)")
    grads_W, grads_b = (list(part) for part in result)
    n = len(net.weights)
    if len(grads_W) != n or len(grads_b) != n:
        raise Failed(kind, f"{len(grads_W)} weight and {len(grads_b)} bias gradients for {n} "
                     "layers: one of each per layer")
    return grads_W, grads_b


def check_shapes(ns, rng):
    fn = tools.function(ns, "backprop")
    for n_layers in (int(rng.integers(2, 5)), 1):
        net, X, Y, kind = random_batch(rng, n_layers)
        grads_W, grads_b = _gradients(fn, net, X, Y, kind)
        for l, (gW, gb) in enumerate(zip(grads_W, grads_b)):
            tools.same_shape(gW, net.weights[l].shape, kind, f"grads_W[{l}]")
            tools.same_shape(gb, net.biases[l].shape, kind, f"grads_b[{l}] (sum over samples)")


def _agree(fn, net, X, Y, kind):
    grads_W, grads_b = _gradients(fn, net, X, Y, kind)
    ref_W, ref_b = net.backprop(X, Y)
    hint = ("delta_L = (A_L - Y) * sigmoid_prime(Z_L) / n, delta_l = (delta_{l+1} @ W_l.T) * "
            "sigmoid_prime(Z_l), dC/dW_l = A_l.T @ delta_{l+1}, dC/db_l = delta_{l+1}.sum(0)")
    for l in range(len(net.weights)):
        tools.close(grads_W[l], ref_W[l], kind, f"grads_W[{l}]", rtol=1e-7, atol=1e-11, fix=hint)
        tools.close(grads_b[l], ref_b[l], kind, f"grads_b[{l}]", rtol=1e-7, atol=1e-11, fix=hint)
    return grads_W, grads_b


def _cost(net, X, Y):
    return lambda: 0.5 * float(np.sum((net.forward(X) - Y) ** 2)) / len(X)


def check_gradcheck(ns, rng):
    fn = tools.function(ns, "backprop")
    net, X, Y, kind = random_batch(rng, int(rng.integers(2, 4)))
    before = [a.copy() for a in net.weights + net.biases + [X, Y]]
    grads_W, grads_b = _agree(fn, net, X, Y, kind)
    tools.unchanged(before, net.weights + net.biases + [X, Y], kind, "backprop")
    for name, mine, p in zip(("W", "b"), (grads_W, grads_b), (net.weights, net.biases)):
        for l in range(len(p)):
            error = RELATIVE_ERROR(np.asarray(mine[l]), REFERENCE_NUMERICAL(_cost(net, X, Y), p[l]))
            if error > 1e-6:
                raise Failed(kind, f"grads_{name}[{l}] disagrees with central finite differences "
                             f"of the mean quadratic cost (relative error {error:.2g})")
    net, X, Y, kind = random_batch(rng, 1)
    _agree(fn, net, X, Y, kind + " (no hidden layer)")


def check_mean(ns, rng):
    fn = tools.function(ns, "backprop")
    net, X, Y, kind = random_batch(rng, 2, n=1)
    one = _agree(fn, net, X, Y, kind.replace("1 samples", "a batch of one sample"))
    copies = int(rng.integers(2, 6))
    kind = f"{copies} copies of one sample"
    many = _gradients(fn, net, np.repeat(X, copies, 0), np.repeat(Y, copies, 0), kind)
    for part, name in zip(range(2), ("W", "b")):
        for l in range(len(net.weights)):
            tools.close(many[part][l], one[part][l], kind, f"grads_{name}[{l}]", rtol=1e-9,
                        atol=1e-13, fix="the cost is the mean over the batch, so copies of a "
                        "sample have that sample's gradient: the 1/n goes into delta_L once")
    net, X, Y, kind = random_batch(rng, 2, n=int(rng.integers(20, 60)))
    _agree(fn, net, X, Y, kind)


def _batch(n, n_out, rng):
    Z = rng.normal(0.0, 3.0, size=(n, n_out))
    return sigmoid(Z), one_hot(rng.integers(0, n_out, n), n_out), Z


def check_output_delta(ns, rng):
    """delta_L of fresh batches (one sample, then many) against nnlego's, inputs untouched."""
    for n, kind in ((1, "a batch of one sample"), (int(rng.integers(5, 40)), "a random batch")):
        A, Y, Z = _batch(n, int(rng.integers(2, 11)), rng)
        ref = reference_delta(get_cost("quadratic"), get_activation("sigmoid"), Z, A, Y)
        copies = (A.copy(), Y.copy(), Z.copy())
        try:
            with own_work(reference_delta):
                got = np.asarray(ns["output_delta"](A, Y, Z))
        except AssertionError as error:
            if "nnlego's own" not in str(error):
                raise
            raise Failed("your own code", "output_delta calls nnlego's costs.output_delta: "
                         "write (A_L - Y) * sigmoid_prime(Z_L) / n with NumPy") from None
        if not all(np.array_equal(a, b) for a, b in zip((A, Y, Z), copies)):
            raise Failed(kind, "output_delta changed its inputs in place: compute a new array")
        if got.shape != ref.shape:
            raise Failed(kind, f"expected shape {ref.shape} (like A_L), got {got.shape}")
        if np.allclose(got, ref, rtol=1e-9, atol=1e-15):
            continue
        if n > 1 and np.allclose(got, n * ref, rtol=1e-9, atol=1e-15):
            raise Failed(kind, f"{n} times too large: divide by n = len(A_L), the cost is a mean")
        if np.allclose(got, -ref, rtol=1e-9, atol=1e-15):
            raise Failed(kind, "the sign is flipped: use (A_L - Y), the slope of 1/2 (a - y)^2")
        raise Failed(kind, "differs from (A_L - Y) * sigmoid_prime(Z_L) / n: take sigma' at Z_L")


PIECES = (
    Piece("numerical_gradient", covers=("test_numerical_gradient",),
          needs=("numerical_gradient",), check=check_numerical_gradient),
    Piece("backprop_shapes", covers=("test_backprop_shapes",), needs=("backprop",),
          check=check_shapes),
    Piece("backprop_gradcheck", covers=("test_backprop_gradcheck",), needs=("backprop",),
          check=check_gradcheck),
    Piece("backprop_mean", covers=("test_backprop_mean",), needs=("backprop",),
          check=check_mean),
    Piece("output_delta", covers=("test_output_delta",), needs=("output_delta",),
          check=check_output_delta),
)
