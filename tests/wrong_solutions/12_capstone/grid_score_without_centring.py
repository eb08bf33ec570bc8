"""A grid score from cosine similarities: the weight vectors are not centred on their means,
so any two mostly positive (or mostly negative) vectors look alike.

loses: test_grid_score
"""
import numpy as np


# %% replaces: grid_score
def straddle_mask(side, tile):
    after = np.arange(1, side)
    right = np.broadcast_to(after % tile == 0, (side, side - 1))
    down = np.broadcast_to((after % tile == 0)[:, None], (side - 1, side))
    return np.concatenate([right.ravel(), down.ravel()])


def grid_score(W1, grid=4, side=28):
    Z = W1 / np.sqrt(np.sum(W1 ** 2, axis=1, keepdims=True))
    Z = Z.reshape(side, side, -1)
    right = np.sum(Z[:, :-1] * Z[:, 1:], axis=-1)
    down = np.sum(Z[:-1] * Z[1:], axis=-1)
    values = np.concatenate([right.ravel(), down.ravel()])
    across = straddle_mask(side, side // grid)
    return float(np.mean(values[~across]) - np.mean(values[across]))
