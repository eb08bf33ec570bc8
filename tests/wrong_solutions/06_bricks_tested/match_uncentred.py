"""match_neurons that correlates without centring the images (cosine similarity): a shifted
image no longer matches its original perfectly.

loses: test_match_neurons
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: match_neurons
def match_neurons(W1_a, W1_b, mask=None):
    keep = np.ones(len(W1_a), dtype=bool) if mask is None else np.ravel(mask)
    a, b = np.asarray(W1_a, dtype=float)[keep], np.asarray(W1_b, dtype=float)[keep]
    corr = (a / np.linalg.norm(a, axis=0)).T @ (b / np.linalg.norm(b, axis=0))
    rows, perm = linear_sum_assignment(corr, maximize=True)
    return perm, corr[rows, perm], corr
