"""he_normal that scales by the variance 2/n_in instead of the standard deviation sqrt(2/n_in).

loses: test_he_normal
"""


# %% replaces: he_normal
def he_normal(n_in, n_out, *, rng):
    return rng.standard_normal((n_in, n_out)) * 2.0 / n_in
