"""shuffle_tiles by images.reshape(n, grid * grid, -1): moves runs of consecutive pixels (strips of
pixel rows), not square tiles. Its unshuffle is the exact inverse of that wrong shuffle.

loses: test_shuffle_tiles
"""
import numpy as np


# %% replaces: shuffle_tiles
def shuffle_tiles(images, perms, grid=4):
    n = len(images)
    strips = images.reshape(n, grid * grid, -1)
    return strips[np.arange(n)[:, None], perms].reshape(images.shape)
