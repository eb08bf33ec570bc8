"""sweep that seeds NumPy's global generator and hands every run an unseeded generator: the
runs cannot be repeated.

loses: test_sweep
"""
import numpy as np


# %% replaces: sweep
def sweep(train, sizes, seeds):
    results = {}
    for n_hidden in sizes:
        results[n_hidden] = []
        for seed in seeds:
            np.random.seed(seed)
            results[n_hidden].append(train(n_hidden, np.random.default_rng()))
    return results
