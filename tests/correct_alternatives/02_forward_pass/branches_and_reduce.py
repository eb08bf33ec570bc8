"""sigmoid from exp(-|z|) in two safe branches, sigmoid_prime by its own exp, forward by reduce."""
# ruff: noqa: F821

# %% replaces: sigmoid
import functools

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                   # at most 1: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# %% replaces: sigmoid_prime
def sigmoid_prime(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


# %% replaces: forward
def forward(weights, biases, X):
    return functools.reduce(lambda A, layer: sigmoid(A @ layer[0] + layer[1]),
                            zip(weights, biases), X)
