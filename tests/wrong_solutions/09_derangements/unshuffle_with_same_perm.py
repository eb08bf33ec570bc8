"""unshuffle_tiles that shuffles again with the same permutation: only undoes involutions.

loses: test_unshuffle_tiles
"""
# ruff: noqa: F821


# %% replaces: unshuffle_tiles
def unshuffle_tiles(images, perms, grid=4):
    return shuffle_tiles(images, perms, grid)
