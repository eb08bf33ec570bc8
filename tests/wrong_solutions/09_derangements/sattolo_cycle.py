"""A random single n-cycle (Sattolo's algorithm): always a derangement, but only (n-1)! of the !n
derangements can come out (6 of the 9 for n = 4): not uniform.

loses: test_random_derangement
"""
import numpy as np


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    perm = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = rng.integers(0, i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm
