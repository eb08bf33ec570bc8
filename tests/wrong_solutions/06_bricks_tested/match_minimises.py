"""match_neurons that calls linear_sum_assignment without maximize=True: it finds the pairing
with the *smallest* total correlation.

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
    rows, perm = linear_sum_assignment(corr)
    return perm, corr[rows, perm], corr
