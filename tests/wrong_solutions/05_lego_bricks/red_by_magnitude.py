"""top_bricks that ranks both colours by |w|: the red list takes the strongest weights of either
sign that are not blue.

loses: test_top_bricks
"""
import numpy as np


# %% replaces: top_bricks
def top_bricks(W2, digit, k=3):
    w = W2[:, digit]
    order = np.argsort(-np.abs(w))
    blue = np.argsort(-w)[:k]
    red = np.array([j for j in order if j not in blue][:k])
    return blue, w[blue], red, w[red]
