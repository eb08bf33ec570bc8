"""straddle_mask that marks the pair starting at a tile's first column (c % tile == 0) instead
of the pair that crosses into the next tile ((c + 1) % tile == 0).

loses: test_straddle_mask test_grid_score
"""
import numpy as np


# %% replaces: straddle_mask
def straddle_mask(side, tile, offset=(0, 0)):
    dr, dc = offset
    before = np.arange(side - 1)                  # the left (upper) pixel: off by one
    right = np.broadcast_to(((before - dc) % tile == 0) & (before > 0), (side, side - 1))
    down = np.broadcast_to((((before - dr) % tile == 0) & (before > 0))[:, None], (side - 1, side))
    return np.concatenate([right.ravel(), down.ravel()])
