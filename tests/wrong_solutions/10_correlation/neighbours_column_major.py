"""neighbour_correlations that folds the pixels column-major: "right" pairs are really vertical
neighbours and "down" pairs horizontal ones (a weight image reshaped transposed).

loses: test_neighbour_correlations
"""
import numpy as np


# %% replaces: neighbour_correlations
def neighbour_correlations(W1, side=28):
    centred = W1 - W1.mean(axis=1, keepdims=True)
    Z = centred / np.sqrt(np.mean(centred ** 2, axis=1, keepdims=True))
    Z = Z.reshape(side, side, -1, order="F")
    return np.mean(Z[:, :-1] * Z[:, 1:], axis=-1), np.mean(Z[:-1] * Z[1:], axis=-1)
