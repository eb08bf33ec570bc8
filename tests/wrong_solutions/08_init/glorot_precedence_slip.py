"""glorot_uniform with a precedence slip: sqrt(6 / n_in + n_out), not sqrt(6 / (n_in + n_out)).

loses: test_glorot_uniform
"""
import numpy as np


# %% replaces: glorot_uniform
def glorot_uniform(n_in, n_out, *, rng):
    limit = np.sqrt(6.0 / n_in + n_out)
    return rng.uniform(-limit, limit, size=(n_in, n_out))
