"""sigmoid that computes in the input array (no new array): right values, but z is destroyed.

loses: test_sigmoid
"""
import numpy as np


# %% replaces: sigmoid
def sigmoid(z):
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z
