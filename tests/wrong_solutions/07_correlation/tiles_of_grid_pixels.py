"""grid_score that mistakes the number of tiles per side for the tile size: tiles of `grid`
pixels instead of `side // grid`.

loses: test_grid_score
"""
import numpy as np


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    right, down = neighbour_correlations(W1, side)  # noqa: F821
    right_across, down_across = straddle_masks(side, grid)  # noqa: F821
    values = np.concatenate([right.ravel(), down.ravel()])
    across = np.concatenate([right_across.ravel(), down_across.ravel()])
    return float(np.mean(values[~across]) - np.mean(values[across]))
