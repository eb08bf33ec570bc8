"""activation_use whose "between" is everything not near 0 (the near-1 share counted twice).

loses: test_activation_use
"""
import numpy as np


# %% replaces: activation_use
def activation_use(net, X, low=0.1, high=0.9):
    A = net.forward_all(X)[1][1]
    near_zero, near_one = np.mean(A < low, axis=0), np.mean(A > high, axis=0)
    return near_zero, 1.0 - near_zero, near_one
