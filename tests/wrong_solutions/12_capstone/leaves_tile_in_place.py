"""A "derangement" that is any uniform permutation of the tiles: on average one tile of each
image stays where it was.

loses: test_shuffler test_numbers
"""
import numpy as np


# %% replaces: shuffler
def random_derangement(n, *, rng):
    return rng.permutation(n)


def shuffle_tiles(images, perms, grid=4):
    n, h, w = images.shape
    tiles_ = images.reshape(n, grid, h // grid, grid, w // grid).transpose(0, 1, 3, 2, 4)
    tiles_ = tiles_.reshape(n, grid * grid, h // grid, w // grid)
    moved = tiles_[np.arange(n)[:, None], perms]
    moved = moved.reshape(n, grid, grid, h // grid, w // grid).transpose(0, 1, 3, 2, 4)
    return moved.reshape(n, h, w)


def derange_images(X, grid=4, *, rng):
    n = len(X)
    side = int(round(np.sqrt(X.shape[1])))
    perms = np.array([random_derangement(grid * grid, rng=rng) for _ in range(n)],
                     dtype=int).reshape(n, grid * grid)
    return shuffle_tiles(X.reshape(n, side, side), perms, grid).reshape(n, -1), perms
