"""large and scaled that draw from np.random's global generator and ignore rng.

loses: test_large_scaled
"""
import numpy as np


# %% replaces: schemes_normal
def large(n_in, n_out, *, rng):
    return np.random.randn(n_in, n_out)


def scaled(n_in, n_out, *, rng):
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)
