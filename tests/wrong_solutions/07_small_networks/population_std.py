"""spread whose standard deviation divides by n (np.std's default) instead of n - 1: too small
for a few runs.

loses: test_spread
"""
import numpy as np


# %% replaces: spread
def spread(scores):
    scores = np.asarray(scores, dtype=float)
    return {"mean": float(scores.mean()), "min": float(scores.min()),
            "max": float(scores.max()), "std": float(scores.std())}
