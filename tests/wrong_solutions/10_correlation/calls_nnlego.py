"""Every piece handed to nnlego's own implementation.

loses: test_pixel_correlation test_neighbour_correlations test_straddle_mask test_grid_score
"""
# ruff: noqa: F821


# %% replaces: pixel_correlation
def pixel_correlation(W1, p, q):
    Z = correlation._standardized(W1[[p, q]])
    return float((Z[0] * Z[1]).mean())


# %% replaces: neighbour_correlations
def neighbour_correlations(W1, side=28):
    return correlation.neighbour_correlations(W1, side)


# %% replaces: straddle_mask
def straddle_mask(side, tile, offset=(0, 0)):
    return correlation.straddle_mask(side, tile, offset)


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    return correlation.grid_score(W1, grid, side=side, null="offsets").score
