"""A shuffler that deranges single pixels, not tiles: each image's 784 pixels moved by its own
derangement (a "tile" of one pixel), so nothing of the garment's local shape survives.

loses: test_shuffler test_numbers
"""
import numpy as np


# %% replaces: shuffler
def random_derangement(n, *, rng):
    while True:
        perm = rng.permutation(n)
        if not np.any(perm == np.arange(n)):
            return perm


def derange_images(X, grid=4, *, rng):
    n, n_pixels = X.shape
    pixel_perms = np.array([random_derangement(n_pixels, rng=rng) for _ in range(n)], dtype=int)
    shuffled = np.take_along_axis(np.asarray(X), pixel_perms.reshape(n, n_pixels), axis=1)
    perms = np.array([random_derangement(grid * grid, rng=rng) for _ in range(n)], dtype=int)
    return shuffled, perms.reshape(n, grid * grid)
