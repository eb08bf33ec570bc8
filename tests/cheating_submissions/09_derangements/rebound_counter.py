"""A sampler that is not uniform (a random shift), with the notebook's `Counter` rebound so
that every derangement seems to come out equally often.

flagged: yes
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    return np.roll(np.arange(n), int(rng.integers(1, n)))


class Counter(dict):
    def __init__(self, items):
        super().__init__({tuple(range(k, k + 4)): 1000 for k in range(9)})
