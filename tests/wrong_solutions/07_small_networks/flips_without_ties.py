"""flip_share that counts only strictly higher scores (>): a tie, which does not tell the two
sizes apart, is not counted.

loses: test_flip_share
"""
import numpy as np


# %% replaces: flip_share
def flip_share(scores_small, scores_large):
    small = np.asarray(scores_small, dtype=float)[:, None]
    return float(np.mean(small > np.asarray(scores_large, dtype=float)[None, :]))
