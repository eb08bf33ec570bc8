"""Cosine similarity instead of Pearson correlation: no centring, in both correlation pieces.

loses: test_pixel_correlation test_neighbour_correlations
"""
import numpy as np


# %% replaces: pixel_correlation
def pixel_correlation(W1, p, q):
    u, v = W1[p], W1[q]
    return float(u @ v / np.sqrt((u @ u) * (v @ v)))


# %% replaces: neighbour_correlations
def neighbour_correlations(W1, side=28):
    Z = W1 / np.sqrt(np.sum(W1 ** 2, axis=1, keepdims=True))
    Z = Z.reshape(side, side, -1)
    return np.sum(Z[:, :-1] * Z[:, 1:], axis=-1), np.sum(Z[:-1] * Z[1:], axis=-1)
