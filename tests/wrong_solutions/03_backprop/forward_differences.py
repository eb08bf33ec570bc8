"""numerical_gradient by one-sided differences (f(x + eps) - f(x)) / eps: error O(eps).

loses: test_numerical_gradient
"""
import numpy as np


# %% replaces: numerical_gradient
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)
    f0 = f()
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        grad.reshape(-1)[i] = (f() - f0) / eps
        flat[i] = old
    return grad
