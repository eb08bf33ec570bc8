"""regularised_cost whose L2 term sums the squared biases too.

loses: test_regularised_cost
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: regularised_cost
def regularised_cost(weights, biases, X, Y, *, l2):
    A = X
    for W, b in zip(weights, biases):
        A = sigmoid(A @ W + b)
    cost = 0.5 * np.sum((A - Y) ** 2) / len(X)
    return cost + 0.5 * l2 * sum(np.sum(p ** 2) for p in weights + biases)
