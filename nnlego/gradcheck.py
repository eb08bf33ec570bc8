"""Gradient checking: compare backprop's gradients with central finite differences.

For every parameter entry theta_i, the numerical derivative is

    dC/dtheta_i ~ (C(theta + eps e_i) - C(theta - eps e_i)) / (2 eps),

with error O(eps^2). It is computed in float64 (float32 round-off would swamp it). The default
``eps = 1e-5`` balances the two errors: the truncation error grows like eps^2, the round-off of
the difference like 1e-16 / eps, and their sum is smallest near eps ~ 1e-5 (with eps = 1e-6 a few
networks with tiny gradients, e.g. softmax hidden layers, drift above 1e-6). The agreement
of an analytic gradient ``a`` and a numerical one ``b`` is the relative error
||a - b|| / (||a|| + ||b||), per parameter array: about 1e-9 or less when backprop is right,
far larger when it is wrong.

Book: chapter 3, "Backpropagation, checked".
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_callable,
    check_features,
    check_finite_number,
    check_labels,
    check_real,
)
from .network import Network


def numerical_gradient(f, x, eps=1e-5):
    """Central differences of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored. Returns an array shaped like x.
    """
    check_callable("f", f, "f() -> float")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f" or not x.flags.writeable:
        got = f"dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"x must be a writable float NumPy array (it is perturbed in place), "
                        f"got {got}")
    eps = check_finite_number("eps", eps, strictly_positive=True)
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)        # a view: writing to it perturbs x
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        grad.reshape(-1)[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0 when both are zero."""
    # NaN stays allowed here: the relative error of a NaN gradient is NaN, which fails any "< tol".
    a, b = check_real("a", a).astype(np.float64), check_real("b", b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def gradient_check(net, X, y, l2=0.0, grads=None, eps=1e-5):
    """Relative error per parameter array, ``{"W0": ..., "b0": ..., ...}``, in float64.

    ``grads`` is the ``(grads_W, grads_b)`` pair to check; by default the network's own
    backprop. The network itself is not changed (the check runs on a float64 copy).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nnlego Network, got {type(net).__name__}")
    eps = check_finite_number("eps", eps, strictly_positive=True)
    X = check_features("X", X, net.sizes[0]).astype(np.float64)
    check_labels("y", y, len(X), net.sizes[-1])
    l2 = check_finite_number("l2", l2, minimum=0.0)
    net64 = net.copy(dtype=np.float64)
    if grads is None:
        grads = net64.gradients(X, y, l2=l2)
    analytic = _check_grads(grads, net64)

    def cost():
        return net64.loss(X, y, l2=l2)

    return {name: relative_error(g, numerical_gradient(cost, p, eps))
            for name, p, g in zip(net64.parameter_names(), net64.parameters, analytic)}


def _check_grads(grads, net):
    """``grads`` as ``[gW0, gb0, gW1, ...]``, each shaped like the parameter it belongs to."""
    n = len(net.weights)
    expected = (f"grads must be a pair (grads_W, grads_b) of {n} arrays each, as "
                "net.gradients(X, y) returns")
    if not (isinstance(grads, (tuple, list)) and len(grads) == 2
            and all(isinstance(g, (tuple, list)) and len(g) == n for g in grads)):
        raise ValueError(f"{expected}, got {type(grads).__name__} {_short(grads)}")
    flat = [g for pair in zip(*grads) for g in pair]
    for name, g, p in zip(net.parameter_names(), flat, net.parameters):
        g = check_real(f"grads' {name}", g)
        if g.shape != p.shape:
            raise ValueError(f"grads' {name} has shape {g.shape}, expected {p.shape} (the "
                             f"shape of the network's {name})")
    return flat


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
