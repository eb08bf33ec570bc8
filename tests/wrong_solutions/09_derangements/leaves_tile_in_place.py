"""A "derangement" that is any uniform permutation: it can leave a tile in place.

loses: test_random_derangement
"""


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    return rng.permutation(n)
