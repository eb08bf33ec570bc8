"""top_bricks that takes the red bricks among the negative weights only: fewer than k of them
when the digit has fewer than k negative weights.

loses: test_top_bricks
"""
import numpy as np


# %% replaces: top_bricks
def top_bricks(W2, digit, k=3):
    w = W2[:, digit]
    blue = np.argsort(-w, kind="stable")[:k]
    negative = np.flatnonzero(w < 0)
    red = negative[np.argsort(w[negative], kind="stable")][:k]
    return blue, w[blue], red, w[red]
