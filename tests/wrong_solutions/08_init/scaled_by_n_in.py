"""scaled that divides by n_in instead of sqrt(n_in): variance 1/n_in^2.

loses: test_large_scaled
"""


# %% replaces: schemes_normal
def large(n_in, n_out, *, rng):
    return rng.standard_normal((n_in, n_out))


def scaled(n_in, n_out, *, rng):
    return rng.standard_normal((n_in, n_out)) / n_in
