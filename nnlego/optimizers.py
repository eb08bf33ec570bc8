"""Optimizers: turn gradients into parameter updates, in place, chosen by name.

``step(params, grads)`` updates every array in ``params`` in place (so the network, which holds
the same arrays, sees the change). The learning rate ``lr`` is Nielsen's eta.

- ``sgd``: p <- p - lr * g.
- ``adam``: Kingma & Ba's Adam as Keras implements it (beta1=0.9, beta2=0.999, eps=1e-7), with the
  bias corrections folded into the step size:
  m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
  p <- p - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps).

**Subnormals flushed to zero.** Every ``flush_every`` steps (default
:data:`nnlego.subnormals.FLUSH_EVERY` = 100; ``None`` or 0: never) each optimizer sets every value
below the smallest normal number of its dtype to zero: in the parameters it updates and, for Adam,
in m and v. That is ``abs(x) < 1.2e-38`` in float32 and ``abs(x) < 2.2e-308`` in float64; -1e-40
becomes -0.0; every other value is untouched bit for bit. Without it, Adam's m decays by 0.9 per
step where a gradient is zero and gets stuck in the subnormal range, where many x86 CPUs compute up
to ~20x slower: on an Intel Xeon the savant's epochs took 2.2x longer from epoch 2 on (issue 29;
2.2x per operation on the AMD EPYC of the test machine). A subnormal m or v moves a normal weight
by less than its last bit, so the flush rarely changes a trained network at all (the savant's 27
runs of `nnlego reproduce`: bit-identical); it can (a weight that is itself subnormal becomes
zero), so the results cache's format went to 3 with it. One flush is one pass over the arrays: ~0.1
ms for the savant's 305,310 numbers (parameters, m and v), ~1 us per step spread over 100 steps,
against a step of a few hundred us.

Book: chapter 4 (SGD) and chapter 9 (Adam, the second article's Keras setup).
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_choice, check_finite_number
from .subnormals import FLUSH_EVERY, flush_subnormal


class SGD:
    """Plain stochastic gradient descent; subnormal parameters flushed every ``flush_every``."""

    def __init__(self, lr, *, flush_every=FLUSH_EVERY):
        self.lr = check_finite_number("lr", lr, strictly_positive=True)
        self.flush_every = _check_flush_every(flush_every)
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        for p, g in zip(params, grads):
            p -= self.lr * g
        if self.flush_every and self.t % self.flush_every == 0:
            flush_subnormal(params)


class Adam:
    """Adam with Keras' defaults; one moment pair per parameter array. Every ``flush_every``
    steps, subnormal entries of m, v and the parameters become zero (module docstring)."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7, *, flush_every=FLUSH_EVERY):
        self.lr = check_finite_number("lr", lr, strictly_positive=True)
        self.beta1, self.beta2 = _check_decay("beta1", beta1), _check_decay("beta2", beta2)
        self.eps = check_finite_number("eps", eps, strictly_positive=True)
        self.flush_every = _check_flush_every(flush_every)
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
        if self.flush_every and self.t % self.flush_every == 0:
            # Amortised: one pass every flush_every steps keeps m from sitting stuck at a few
            # ulps of 1e-45 (0.9 * 4 ulp rounds back to 4 ulp) where x86 is slow.
            flush_subnormal([*params, *self.m, *self.v])


def _check_decay(name, value):
    """A moment's decay rate in [0, 1)."""
    value = check_finite_number(name, value, minimum=0.0)
    if value >= 1:
        raise ValueError(f"{name} must be < 1 (a decay rate in [0, 1)), got {value!r}")
    return value


def _check_flush_every(value):
    """Steps between subnormal flushes: a positive int, or None / 0 for never."""
    if value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                         and value >= 0):
        return int(value or 0)
    raise ValueError(f"flush_every must be a positive number of steps, or None (or 0) to never "
                     f"flush subnormals, got {value!r}; the default is {FLUSH_EVERY}")


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(name: str, lr: float):
    """A fresh optimizer called ``name`` with learning rate ``lr``."""
    return OPTIMIZERS[check_choice("optimizer", name, OPTIMIZERS)](lr)
