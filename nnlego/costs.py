"""Cost functions: how far the network's output ``A`` is from the one-hot targets ``Y``.

``A`` and ``Y`` are ``(n_samples, n_outputs)``. Every cost is the **mean over samples** of a
per-sample cost C_x, so gradients are means too and the learning rate does not depend on the
batch size (Nielsen's ``eta / m`` times the sum over a mini-batch is the same thing):

- ``quadratic``: C_x = 1/2 ||a - y||^2 (Nielsen's network.py, the first article);
- ``cross_entropy``: C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)] (Nielsen's network2);
- ``categorical_cross_entropy``: C_x = -sum_j y_j ln a_j (Keras, with a softmax output layer).

``gradient(A, Y)`` returns dC/dA. :func:`output_delta` turns it into dC/dZ for the output
layer, using the well-known simplifications a - y for sigmoid + cross-entropy and
softmax + categorical cross-entropy (exact, and stable where a is near 0 or 1).

Book: chapter 2, "The forward pass".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import check_choice

# log() of a probability is clipped to this distance from 0 and 1 so the cost stays finite.
_EPS = 1e-12


def _clip(A):
    """``A`` clipped to [1e-12, 1 - 1e-12], or to the largest float below 1 that A's dtype holds.

    In float32, 1 - 1e-12 rounds to 1.0, so a saturated sigmoid (a = 1.0) would give log(0) and
    a NaN cost; float32's largest number below 1 is 1 - 6e-8.
    """
    return np.clip(A, _EPS, min(1 - _EPS, 1 - float(np.finfo(A.dtype).epsneg)))


def _quadratic(A, Y):
    return 0.5 * np.sum((A - Y) ** 2) / len(A)


def _quadratic_gradient(A, Y):
    return (A - Y) / len(A)


def _cross_entropy(A, Y):
    A = _clip(A)
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / len(A)


def _cross_entropy_gradient(A, Y):
    A = _clip(A)
    return (A - Y) / (A * (1 - A)) / len(A)


def _categorical(A, Y):
    return -np.sum(Y * np.log(np.clip(A, _EPS, None))) / len(A)


def _categorical_gradient(A, Y):
    return -Y / np.clip(A, _EPS, None) / len(A)


class Cost(NamedTuple):
    """A cost: its name, ``value(A, Y) -> float`` and ``gradient(A, Y) -> dC/dA``."""

    name: str
    value: Callable
    gradient: Callable


COSTS = {
    "quadratic": Cost("quadratic", _quadratic, _quadratic_gradient),
    "cross_entropy": Cost("cross_entropy", _cross_entropy, _cross_entropy_gradient),
    "categorical_cross_entropy": Cost("categorical_cross_entropy", _categorical,
                                      _categorical_gradient),
}

# (cost, output activation) pairs whose dC/dZ simplifies to (A - Y) / n.
_A_MINUS_Y = {("cross_entropy", "sigmoid"), ("categorical_cross_entropy", "softmax")}

# The output activations each cost is defined on (None: any). The cross-entropies take logs of the
# outputs: cross_entropy needs each output in (0, 1); categorical_cross_entropy needs outputs
# that form a probability distribution, else its minimum (every output at 1) says nothing about
# the label. On relu or identity outputs both clip log(0) and train at chance.
VALID_OUTPUTS = {
    "quadratic": None,
    "cross_entropy": ("sigmoid", "softmax"),
    "categorical_cross_entropy": ("softmax",),
}
_NEEDS = {
    "cross_entropy": "it takes ln(a) and ln(1 - a), so every output a must lie in (0, 1)",
    "categorical_cross_entropy": "it takes ln(a) of outputs that must form a probability "
                                 "distribution (positive, summing to 1 per sample)",
}


def get_cost(name: str) -> Cost:
    """The :class:`Cost` called ``name``; an unknown name lists the valid ones."""
    return COSTS[check_choice("cost", name, COSTS)]


def check_output_layer(cost: str, activations, *, shortcut: bool = False):
    """Refuse a cost that is undefined on the output layer ``activations[-1]`` (see
    :data:`VALID_OUTPUTS`); ``shortcut``: the activations came from one name for every layer."""
    output, valid = activations[-1], VALID_OUTPUTS[cost]
    if valid is None or output in valid:
        return
    fixed = [*activations[:-1], valid[0]]
    pairs = "; ".join(f"{name} with {' or '.join(outs) if outs else 'any output'}"
                      for name, outs in VALID_OUTPUTS.items())
    how = (f"The one name activations={activations[0]!r} sets every layer, the output too: "
           "pass one name per layer" if shortcut else "Change the output layer")
    raise ValueError(f"cost={cost!r} is undefined on the output layer's {output!r} activation: "
                     f"{_NEEDS[cost]}. Valid pairs: {pairs}. {how}, e.g. activations="
                     f"{fixed!r}, or use cost='quadratic'")


def one_hot(y, n_classes: int, dtype=np.float64):
    """Integer labels ``(n,)`` to one-hot rows ``(n, n_classes)``."""
    Y = np.zeros((len(y), n_classes), dtype=dtype)
    Y[np.arange(len(y)), y] = 1
    return Y


def output_delta(cost: Cost, activation, Z, A, Y):
    """dC/dZ of the output layer, ``(n_samples, n_outputs)``: delta^L in Nielsen's notation."""
    if (cost.name, activation.name) in _A_MINUS_Y:
        return (A - Y) / len(A)
    return activation.backward(Z, A, cost.gradient(A, Y))
