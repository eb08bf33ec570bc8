"""A uniform permutation repaired by swapping each fixed item with the next one: a derangement,
but some derangements come out more often than others.

loses: test_random_derangement
"""
import numpy as np


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    perm = rng.permutation(n)
    while np.any(perm == np.arange(n)):
        k = int(np.flatnonzero(perm == np.arange(n))[0])
        other = (k + 1) % n
        perm[k], perm[other] = perm[other], perm[k]
    return perm
