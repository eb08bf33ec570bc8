"""sweep with one generator for the whole sweep: each run starts where the previous one stopped
drawing, so a run's score depends on the runs before it.

loses: test_sweep
"""
import numpy as np


# %% replaces: sweep
def sweep(train, sizes, seeds):
    rng = np.random.default_rng(seeds[0])
    return {n_hidden: [train(n_hidden, rng) for _ in seeds] for n_hidden in sizes}
