"""subfactorial by the two-term recurrence, rejection with rng.permutation in a for-else,
tiles moved one tile at a time, the inverse by scattering."""
# ruff: noqa: F821
import numpy as np


# %% replaces: subfactorial
def subfactorial(n):
    previous, current = 1, 0                 # !0, !1
    if n == 0:
        return 1
    for m in range(2, n + 1):
        previous, current = current, (m - 1) * (current + previous)
    return current


# %% replaces: random_derangement
def random_derangement(n, *, rng):
    while True:
        perm = rng.permutation(n)
        for k in range(n):
            if perm[k] == k:
                break
        else:
            return perm


# %% replaces: shuffle_tiles
def shuffle_tiles(images, perms, grid=4):
    n, h, w = images.shape
    th, tw = h // grid, w // grid
    out = np.empty_like(images)
    rows = np.arange(n)
    for k in range(grid * grid):
        r, c = divmod(k, grid)
        source_r, source_c = np.divmod(perms[:, k], grid)
        for dr in range(th):
            for dc in range(tw):
                out[:, r * th + dr, c * tw + dc] = images[rows, source_r * th + dr,
                                                          source_c * tw + dc]
    return out


# %% replaces: unshuffle_tiles
def unshuffle_tiles(images, perms, grid=4):
    inverse = np.empty_like(perms)
    np.put_along_axis(inverse, perms, np.arange(perms.shape[1])[None, :].repeat(len(perms), 0),
                      axis=1)
    return shuffle_tiles(images, inverse, grid)
