"""Every piece handed to nnlego's own implementation.

loses: test_shuffler test_correlation_map test_grid_score test_numbers
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: shuffler
def derange_images(X, grid=4, *, rng):
    return tiles.derange_tiles(X, grid, rng=rng)


# %% replaces: correlation_map
def correlation_map(W1, side=28):
    return correlation.adjacent_correlation_map(W1, side)


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    return correlation.grid_score(W1, grid, side=side).score


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    numbers = capstone.reference_run(X, y, X_test, y_test, seed=seed, grid=grid, p=p,
                                     n_hidden=n_hidden, n_epochs=n_epochs)
    net = nnlego.Network([784, n_hidden, 10], ["relu", "softmax"], "categorical_cross_entropy",
                         "glorot_uniform", rng=np.random.default_rng(seed))
    return {**numbers, "net": net}
