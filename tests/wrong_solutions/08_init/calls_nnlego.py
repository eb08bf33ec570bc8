"""Every scheme handed to nnlego's own implementation.

loses: test_large_scaled test_glorot_uniform test_he_normal
"""
from nnlego import initializers

# %% replaces: schemes_normal
large = initializers.large
scaled = initializers.scaled


# %% replaces: glorot_uniform
def glorot_uniform(n_in, n_out, *, rng):
    return initializers.glorot_uniform(n_in, n_out, rng=rng)


# %% replaces: he_normal
def he_normal(n_in, n_out, *, rng):
    return initializers.get_initializer("he_normal")(n_in, n_out, rng=rng)
