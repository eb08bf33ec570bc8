"""shuffle_tiles that scatters (input tile k goes to place perm[k]) instead of gathering (output
tile k shows input tile perm[k]): it shuffles by the inverse permutation.

loses: test_shuffle_tiles
"""
import numpy as np


# %% replaces: shuffle_tiles
def shuffle_tiles(images, perms, grid=4):
    n, h, w = images.shape
    th, tw = h // grid, w // grid
    tiles_ = images.reshape(n, grid, th, grid, tw).transpose(0, 1, 3, 2, 4).reshape(n, -1, th, tw)
    moved = np.empty_like(tiles_)
    moved[np.arange(n)[:, None], perms] = tiles_
    return moved.reshape(n, grid, grid, th, tw).transpose(0, 1, 3, 2, 4).reshape(n, h, w)
