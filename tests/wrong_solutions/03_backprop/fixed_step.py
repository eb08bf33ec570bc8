"""numerical_gradient that ignores its eps argument (always a step of 1e-6): every visible eps
gives nearly the same answer.

loses: test_numerical_gradient
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: numerical_gradient
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + 1e-6
        f_plus = f()
        flat[i] = old - 1e-6
        f_minus = f()
        flat[i] = old
        grad.reshape(-1)[i] = (f_plus - f_minus) / 2e-6
    return grad
