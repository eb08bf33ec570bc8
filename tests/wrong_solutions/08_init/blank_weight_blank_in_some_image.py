"""blank_weight takes every pixel that is 0 in some image, not in every image.

loses: test_blank_weight
"""
# ruff: noqa: F821


# %% replaces: blank_weight
def blank_weight(W1, X):
    blank_somewhere = np.min(X, axis=0) == 0
    return float(np.mean(np.abs(W1[blank_somewhere])))
