"""top_bricks that takes the right bricks from np.argsort but leaves the blue ones in ascending
order (the k-th strongest first).

loses: test_top_bricks
"""
import numpy as np


# %% replaces: top_bricks
def top_bricks(W2, digit, k=3):
    w = W2[:, digit]
    blue = np.argsort(w)[-k:]
    red = np.argsort(w)[:k]
    return blue, w[blue], red, w[red]
