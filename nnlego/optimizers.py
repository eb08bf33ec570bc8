"""Optimizers: turn gradients into parameter updates, in place, chosen by name.

``step(params, grads)`` updates every array in ``params`` in place (so the network, which holds
the same arrays, sees the change). The learning rate ``lr`` is Nielsen's eta.

- ``sgd``: p <- p - lr * g.
- ``adam``: Kingma & Ba's Adam as Keras implements it (beta1=0.9, beta2=0.999, eps=1e-7), with the
  bias corrections folded into the step size:
  m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
  p <- p - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps).

Book: chapter 4 (SGD) and chapter 9 (Adam, the second article's Keras setup).
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_choice, check_finite_number


class SGD:
    """Plain stochastic gradient descent."""

    def __init__(self, lr):
        self.lr = check_finite_number("lr", lr, strictly_positive=True)

    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Adam:
    """Adam with Keras' defaults; one moment pair per parameter array."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr = check_finite_number("lr", lr, strictly_positive=True)
        self.beta1, self.beta2 = _check_decay("beta1", beta1), _check_decay("beta2", beta2)
        self.eps = check_finite_number("eps", eps, strictly_positive=True)
        self.t = 0
        self.m = self.v = None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
            # One scratch array per parameter, reused every step: a fresh array of W's size per
            # step can cost a page fault per 4 KiB when the allocator hands out new memory.
            self.scratch = [np.empty_like(p) for p in params]
        self.t += 1
        # math.sqrt, not np.sqrt: a NumPy float64 scalar would turn every float32 product below
        # into float64 (NumPy 2 casting rules) and make each step several times slower.
        step_size = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for p, g, m, v, u in zip(params, grads, self.m, self.v, self.scratch):
            m *= self.beta1
            m += np.multiply(g, 1 - self.beta1, out=u)      # m <- beta1 m + (1 - beta1) g
            v *= self.beta2
            np.square(g, out=u)
            u *= 1 - self.beta2
            v += u                                          # v <- beta2 v + (1 - beta2) g^2
            np.sqrt(v, out=u)                               # u <- step_size m / (sqrt(v) + eps)
            u += self.eps
            np.divide(m, u, out=u)
            u *= step_size
            p -= u


def _check_decay(name, value):
    """A moment's decay rate in [0, 1)."""
    value = check_finite_number(name, value, minimum=0.0)
    if value >= 1:
        raise ValueError(f"{name} must be < 1 (a decay rate in [0, 1)), got {value!r}")
    return value


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(name: str, lr: float):
    """A fresh optimizer called ``name`` with learning rate ``lr``."""
    return OPTIMIZERS[check_choice("optimizer", name, OPTIMIZERS)](lr)
