"""Activation functions, each with its derivative, chosen by name.

Arrays are ``(n_samples, n_units)``: one row per sample. Each activation is an :class:`Activation`
with

- ``f(Z)``: the activation ``A = f(Z)``, element-wise (softmax: row-wise);
- ``backward(Z, A, dA)``: the vector-Jacobian product ``dC/dZ`` given ``dC/dA``. For element-wise
  activations it is ``dA * f'(Z)``; for softmax it contracts the full Jacobian per row.

Book: chapter 2, "The forward pass".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import check_choice

# 0.5 as a float32 scalar: it keeps float32 arrays float32 (and float64 ones float64) and, unlike a
# Python float, needs no conversion on every call: sigmoid runs twice per layer per mini-batch.
_HALF = np.float32(0.5)


def sigmoid(Z):
    """The logistic function 1 / (1 + e^-z), written as 0.5 (1 + tanh(z/2)).

    The tanh form is the same function but never overflows: it is exact and warning-free for
    any finite z (``np.exp(-z)`` overflows for z < -709 in float64, z < -88 in float32).
    """
    A = np.tanh(Z * _HALF)                  # tanh(z/2), a new array
    A *= _HALF                              # then 0.5 (1 + tanh(z/2)), in place
    A += _HALF
    return A


def sigmoid_prime(Z):
    """sigma'(z) = sigma(z) (1 - sigma(z)): at most 1/4, tiny for large ``abs(z)`` (saturation)."""
    A = sigmoid(Z)
    return A * (1.0 - A)


def relu(Z):
    """max(0, z)."""
    return np.maximum(Z, 0)


def relu_prime(Z):
    """1 where z > 0, else 0 (the subgradient 0 at z = 0, as in Keras and PyTorch)."""
    return (Z > 0).astype(Z.dtype)


def identity(Z):
    """z: a linear output layer."""
    return Z


def softmax(Z):
    """Row-wise exp(z_j) / sum_k exp(z_k), shifted by the row maximum so it never overflows."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _elementwise_backward(derivative_from_A):
    def backward(Z, A, dA):
        return dA * derivative_from_A(Z, A)
    return backward


def _softmax_backward(Z, A, dA):
    """dC/dz_i = a_i (dC/da_i - sum_j a_j dC/da_j): the softmax Jacobian applied row by row."""
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


class Activation(NamedTuple):
    """An activation: its name, ``f(Z)`` and ``backward(Z, A, dA) -> dZ``."""

    name: str
    f: Callable
    backward: Callable


ACTIVATIONS = {
    # The derivatives reuse A = f(Z) from the forward pass where that is cheaper.
    "sigmoid": Activation("sigmoid", sigmoid, _elementwise_backward(lambda Z, A: A * (1 - A))),
    "relu": Activation("relu", relu, _elementwise_backward(lambda Z, A: relu_prime(Z))),
    "identity": Activation("identity", identity, lambda Z, A, dA: dA),
    "softmax": Activation("softmax", softmax, _softmax_backward),
}


def get_activation(name: str) -> Activation:
    """The :class:`Activation` called ``name``; an unknown name lists the valid ones."""
    return ACTIVATIONS[check_choice("activation", name, ACTIVATIONS)]
