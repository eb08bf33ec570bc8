"""pixel_correlation by np.corrcoef, neighbours by it too, the mask by loops, the score by it."""
# ruff: noqa: F821
import numpy as np


# %% replaces: pixel_correlation
def pixel_correlation(W1, p, q):
    return float(np.corrcoef(W1[p], W1[q])[0, 1])


# %% replaces: neighbour_correlations
def neighbour_correlations(W1, side=28):
    C = np.corrcoef(W1)                       # (side^2, side^2): all pairs, then pick
    index = np.arange(side * side).reshape(side, side)
    return C[index[:, :-1], index[:, 1:]], C[index[:-1], index[1:]]


# %% replaces: straddle_mask
def straddle_mask(side, tile, offset=(0, 0)):
    right = [[(c + 1 - offset[1]) % tile == 0 for c in range(side - 1)] for r in range(side)]
    down = [[(r + 1 - offset[0]) % tile == 0 for c in range(side)] for r in range(side - 1)]
    return np.array(sum(right, []) + sum(down, []), dtype=bool)


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    right, down = neighbour_correlations(W1, side)
    values = np.append(right, down)
    across = straddle_mask(side, side // grid)
    return float(values[~across].mean() - values[across].mean())
