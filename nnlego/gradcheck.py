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


def numerical_gradient(f, x, eps=1e-5):
    """Central differences of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored. Returns an array shaped like x.
    """
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
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def gradient_check(net, X, y, l2=0.0, grads=None, eps=1e-5):
    """Relative error per parameter array, ``{"W0": ..., "b0": ..., ...}``, in float64.

    ``grads`` is the ``(grads_W, grads_b)`` pair to check; by default the network's own
    backprop. The network itself is not changed (the check runs on a float64 copy).
    """
    net64 = net.copy(dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    grads_W, grads_b = grads if grads is not None else net64.gradients(X, y, l2=l2)
    analytic = [g for pair in zip(grads_W, grads_b) for g in pair]

    def cost():
        return net64.loss(X, y, l2=l2)

    return {name: relative_error(g, numerical_gradient(cost, p, eps))
            for name, p, g in zip(net64.parameter_names(), net64.parameters, analytic)}
