"""Every piece handed to nnlego's own implementation.

loses: test_subfactorial test_random_derangement test_shuffle_tiles test_unshuffle_tiles
"""
# ruff: noqa: F821
import numpy as np

# %% replaces: subfactorial
subfactorial = tiles.subfactorial


# %% replaces: random_derangement
from nnlego.tiles import random_derangements  # noqa: E402


def random_derangement(n, *, rng):
    return random_derangements(1, n, rng=rng)[0]


# %% replaces: shuffle_tiles
def shuffle_tiles(images, perms, grid=4):
    return tiles._move_tiles(np.asarray(images), np.asarray(perms), grid)


# %% replaces: unshuffle_tiles
def unshuffle_tiles(images, perms, grid=4):
    return tiles.unshuffle_tiles(images, perms, grid)
