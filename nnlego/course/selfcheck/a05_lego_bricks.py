"""Self-check of assignment 5: weight images, a digit's brick grid, its strongest bricks.

Fresh random weights each run, compared with ``nnlego.bricks``: ``hidden_images`` for a random
number of hidden neurons (one included, float32 too); ``brick_weights`` on random grids, with
and without NaN padding, and the default grid; ``top_bricks`` for random k, with ties and with
fewer than k weights of one sign.
"""

from __future__ import annotations

import numpy as np

from nnlego import bricks
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece

ASSIGNMENT = "05_lego_bricks"
HIDDEN_IMAGES, BRICK_WEIGHTS, TOP_BRICKS = (bricks.hidden_images, bricks.brick_weights,
                                            bricks.top_bricks)


def check_hidden_images(ns, rng):
    fn = tools.function(ns, "hidden_images")
    for n_hidden, dtype in ((int(rng.integers(2, 40)), np.float64), (1, np.float32)):
        W1 = rng.normal(size=(784, n_hidden)).astype(dtype)
        kind = f"a random W1 (784, {n_hidden}) of {np.dtype(dtype).name}"
        before = W1.copy()
        images = tools.call(fn, W1, kind=kind, forbid=(HIDDEN_IMAGES,))
        tools.unchanged([before], [W1], kind, "hidden_images")
        tools.close(images, HIDDEN_IMAGES(before), kind, "the images", rtol=0, atol=0,
                    fix="image j is column j of W1 folded row-major: W1.T.reshape(n_hidden, "
                        "28, 28), so that images[j, r, c] == W1[28 * r + c, j]")


def check_brick_weights(ns, rng):
    fn = tools.function(ns, "brick_weights")
    n_hidden, n_out = int(rng.integers(5, 40)), int(rng.integers(2, 11))
    W2 = rng.normal(size=(n_hidden, n_out))
    before = W2.copy()
    rows = int(rng.integers(1, n_hidden + 1))
    cols = -(-n_hidden // rows) + int(rng.integers(0, 2))          # enough cells, maybe extra
    for shape in ((rows, cols), None, (1, n_hidden)):
        digit = int(rng.integers(0, n_out))
        kind = (f"a random W2 ({n_hidden}, {n_out}), digit {digit}, "
                + (f"grid_shape={shape}" if shape else "the default grid"))
        cells = tools.call(fn, W2, digit, grid_shape=shape, kind=kind, forbid=(BRICK_WEIGHTS,))
        tools.close(cells, BRICK_WEIGHTS(before, digit, grid_shape=shape), kind, "the grid",
                    rtol=0, atol=0, fix="hidden neuron j sits at row j // cols, column j % "
                    "cols (row by row), the cells past n_hidden are NaN, and grid_shape=None "
                    "means bricks.brick_grid_shape(n_hidden)")
    tools.unchanged([before], [W2], "a random W2", "brick_weights")


def _compare(fn, W2, digit, k, kind):
    before = W2.copy()
    result = tools.call(fn, W2, digit, k=k, kind=kind, forbid=(TOP_BRICKS,))
    tools.unchanged([before], [W2], kind, "top_bricks")
    if not (isinstance(result, (tuple, list)) and len(result) == 4):
        raise Failed(kind, "top_bricks must return four arrays: blue_idx, blue_w, red_idx, red_w")
    expected = TOP_BRICKS(before, digit, k=k)
    fixes = ("the k largest weights, largest first (np.argsort(-w, kind='stable')[:k])",
             "the weights at blue_idx", "the k most negative weights, most negative first; "
             "when fewer than k are negative the list goes on with the smallest positive ones",
             "the weights at red_idx")
    for name, part, ref, fix in zip(("blue_idx", "blue_w", "red_idx", "red_w"), result,
                                    expected, fixes):
        tools.close(part, ref, kind, name, rtol=0, atol=0, fix=fix)


def check_top_bricks(ns, rng):
    fn = tools.function(ns, "top_bricks")
    n_hidden = int(rng.integers(8, 60))
    W2 = rng.normal(size=(n_hidden, 10))
    for k in (int(rng.integers(2, 7)), 1):
        digit = int(rng.integers(0, 10))
        _compare(fn, W2, digit, k, f"random weights W2 ({n_hidden}, 10), digit {digit}, k={k}")
    column = np.abs(rng.normal(size=6))
    column[int(rng.integers(0, 6))] *= -1                        # one negative weight only
    _compare(fn, column[:, None], 0, 3, "a column with one negative weight, k=3")
    tied = rng.choice([-1.0, 1.0], size=7)
    _compare(fn, tied[:, None], 0, 3, "a column of tied weights (+-1), k=3 (lower index first)")


PIECES = (
    Piece("hidden_images", covers=("test_hidden_images",), needs=("hidden_images",),
          check=check_hidden_images),
    Piece("brick_weights", covers=("test_brick_weights",), needs=("brick_weights",),
          check=check_brick_weights),
    Piece("top_bricks", covers=("test_top_bricks",), needs=("top_bricks",),
          check=check_top_bricks),
)
