"""grid_score that mistakes the number of tiles per side for the tile size: tiles of `grid`
pixels instead of `side // grid`.

loses: test_grid_score
"""
import numpy as np


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    right, down = neighbour_correlations(W1, side)  # noqa: F821
    values = np.concatenate([right.ravel(), down.ravel()])
    across = straddle_mask(side, grid)  # noqa: F821
    return float(np.mean(values[~across]) - np.mean(values[across]))
