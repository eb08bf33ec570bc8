"""One derangement drawn once and used for every image (chapter 9's fixed-permutation control),
not one per image: the network can learn where each piece went.

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
    n = len(X)
    side = int(round(np.sqrt(X.shape[1])))
    perm = random_derangement(grid * grid, rng=rng)
    t = side // grid
    tiles_ = np.asarray(X).reshape(n, grid, t, grid, t).transpose(0, 1, 3, 2, 4)
    moved = tiles_.reshape(n, grid * grid, t, t)[:, perm]
    moved = moved.reshape(n, grid, grid, t, t).transpose(0, 1, 3, 2, 4)
    return moved.reshape(n, side * side), np.tile(perm, (n, 1))
