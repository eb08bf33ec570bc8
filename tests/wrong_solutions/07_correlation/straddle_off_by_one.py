"""straddle_masks that marks the pair starting at a tile's first column (c % tile == 0) instead
of the pair that crosses into the next tile ((c + 1) % tile == 0).

loses: test_straddle_masks test_grid_score
"""
import numpy as np


# %% replaces: straddle_masks
def straddle_masks(side, tile):
    starts = np.arange(side - 1) % tile == 0
    starts[0] = False
    return (np.broadcast_to(starts, (side, side - 1)).copy(),
            np.broadcast_to(starts[:, None], (side - 1, side)).copy())
