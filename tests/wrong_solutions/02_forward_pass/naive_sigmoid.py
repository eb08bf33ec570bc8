"""sigmoid as 1 / (1 + exp(-z)): right values, but exp(-z) overflows for z < -709.

loses: test_sigmoid
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: sigmoid
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
