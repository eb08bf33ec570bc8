"""random_derangement that is nearly uniform: 0.01 of the probability of derangement (1, 0, 3, 2)
of 4 items goes to (1, 2, 3, 0) (1/9 - 0.01 and 1/9 + 0.01). Every derangement still comes out,
about equally often; 45,000 draws show it 99.8% of the time (tests/test_sampler_power.py).

loses: test_random_derangement
"""
import numpy as np


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    while True:
        perm = rng.permutation(n)
        if not np.any(perm == np.arange(n)):
            break
    if n == 4 and perm.tolist() == [1, 0, 3, 2] and rng.random() < 0.09:
        return np.array([1, 2, 3, 0])
    return perm
