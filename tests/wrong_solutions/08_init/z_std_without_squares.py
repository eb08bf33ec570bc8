"""z_std that sums the pixels instead of their squares.

loses: test_z_std
"""
import numpy as np


# %% replaces: z_std
def z_std(X, weight_var, bias_var):
    return np.sqrt(weight_var * np.sum(X, axis=1) + bias_var)
