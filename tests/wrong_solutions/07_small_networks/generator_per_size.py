"""sweep with one generator per size, seeded by the size and shared by that size's seeds: the
second seed's run starts where the first one's stopped.

loses: test_sweep
"""
import numpy as np


# %% replaces: sweep
def sweep(train, sizes, seeds):
    results = {}
    for n_hidden in sizes:
        rng = np.random.default_rng(n_hidden)
        results[n_hidden] = [train(n_hidden, rng) for _ in seeds]
    return results
