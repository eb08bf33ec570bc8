"""blank_weight averages the signed weights: positive and negative noise cancel to about 0.

loses: test_blank_weight
"""
# ruff: noqa: F821


# %% replaces: blank_weight
def blank_weight(W1, X):
    never_inked = np.max(X, axis=0) == 0
    return float(np.mean(W1[never_inked]))
