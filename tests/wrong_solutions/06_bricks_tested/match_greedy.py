"""match_neurons that pairs greedily: the most correlated pair first, then the best of what is
left; it can miss the pairing with the largest total.

loses: test_match_neurons
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: match_neurons
def match_neurons(W1_a, W1_b, mask=None):
    keep = np.ones(len(W1_a), dtype=bool) if mask is None else np.ravel(mask)
    a, b = np.asarray(W1_a, dtype=float)[keep], np.asarray(W1_b, dtype=float)[keep]
    a = (a - a.mean(axis=0)) / a.std(axis=0)
    b = (b - b.mean(axis=0)) / b.std(axis=0)
    corr = a.T @ b / keep.sum()
    left = corr.copy()
    perm = np.zeros(len(corr), dtype=int)
    for _ in range(len(corr)):
        k, m = np.unravel_index(np.argmax(left), left.shape)
        perm[k] = m
        left[k, :], left[:, m] = -np.inf, -np.inf
    return perm, corr[np.arange(len(corr)), perm], corr
