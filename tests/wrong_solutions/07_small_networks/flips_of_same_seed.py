"""flip_share that compares run i of one size only with run i of the other (the same seed),
not every pair.

loses: test_flip_share
"""
import numpy as np


# %% replaces: flip_share
def flip_share(scores_small, scores_large):
    n = min(len(scores_small), len(scores_large))
    return float(np.mean(np.asarray(scores_small[:n]) >= np.asarray(scores_large[:n])))
