"""numerical_gradient that collects the slopes in a float32 array: right to about 7 digits, so
the visible test passes, but the gradient checks of backprop need float64 (1e-8).

loses: test_numerical_gradient
"""
import numpy as np


# %% replaces: numerical_gradient
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape, dtype=np.float32)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        grad.reshape(-1)[i] = (f_plus - f_minus) / (2 * eps)
    return grad
