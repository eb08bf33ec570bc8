"""hidden_images by stacking columns, brick_weights by np.pad, top_bricks by argpartition."""
# ruff: noqa: F821
import numpy as np


# %% replaces: hidden_images
def hidden_images(W1):
    return np.stack([W1[:, j].reshape(28, 28) for j in range(W1.shape[1])])


# %% replaces: brick_weights
def brick_weights(W2, digit, grid_shape=None):
    rows, cols = grid_shape if grid_shape is not None else bricks.brick_grid_shape(len(W2))
    column = W2[:, digit].astype(float)
    padded = np.pad(column, (0, rows * cols - len(column)), constant_values=np.nan)
    return padded.reshape(rows, cols)


# %% replaces: top_bricks
def top_bricks(W2, digit, k=3):
    w = W2[:, digit]
    order = sorted(range(len(w)), key=lambda j: (-w[j], j))
    blue = np.array(order[:k])
    red = np.array(sorted(range(len(w)), key=lambda j: (w[j], j))[:k])
    return blue, w[blue], red, w[red]
