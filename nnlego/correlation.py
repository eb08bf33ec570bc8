"""Weight-vector correlation: do neighbouring input pixels talk to the hidden layer alike?

Pixel p's *weight vector* is row p of the first layer's ``W1 (n_pixels, n_hidden)``: its weights to
every hidden neuron. Two pixels that carry the same information get similar weight vectors, so the
Pearson correlation of neighbouring pixels' vectors maps how the network "wires" its input. The
second article's network sees tile-shuffled images: pixels inside one tile are true neighbours,
pixels across a tile boundary are not, and the correlation map shows the tile grid.

Conventions
-----------
- Pixels are numbered row-major: pixel ``p`` is at row ``p // side``, column ``p % side``; the
  functions also take ``(row, col)`` pairs.
- A pixel whose weight vector is constant (zero variance) has no correlation: every pair with it
  is NaN, and means skip NaNs.
- Adjacent pairs are right neighbours ``(r, c)-(r, c+1)`` and lower neighbours ``(r, c)-(r+1, c)``.
  A pair *straddles* the grid when its two pixels lie in different tiles.

Book: chapter 10, "Reading the wiring".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_choice, check_int, check_rng, is_int
from .bricks import check_first_layer


class GridScore(NamedTuple):
    """How much more alike tile-mates are than neighbours across a tile boundary.

    ``score = within - across``: the mean correlation of adjacent pairs inside one tile minus
    that of adjacent pairs straddling a tile boundary. ``null_scores`` are the same difference
    under the null (see :func:`grid_score`); ``z = (score - mean(null)) / std(null)`` and
    ``p_value = (1 + #{null >= score}) / (1 + n_null)`` (one-sided: the grid makes score > 0).
    """

    score: float
    z: float
    p_value: float
    within: float
    across: float
    null_scores: np.ndarray
    null: str


def pixel_correlation(W1, p, q, side: int = 28) -> float:
    """Pearson correlation of pixels ``p`` and ``q``'s weight vectors ``W1[p]`` and ``W1[q]``.

    ``p`` and ``q`` are flat indices or ``(row, col)`` pairs. NaN if either vector is constant.
    """
    W1 = check_first_layer(W1, side)
    Z = _standardized(W1[[_flat_index(p, side, "p"), _flat_index(q, side, "q")]])
    return float(np.mean(Z[0] * Z[1]))


def neighbour_correlations(W1, side: int = 28):
    """Correlations of adjacent pixels: ``(right (side, side-1), down (side-1, side))``.

    ``right[r, c]`` pairs pixel (r, c) with (r, c+1); ``down[r, c]`` pairs (r, c) with (r+1, c).
    """
    W1 = check_first_layer(W1, side)
    Z = _standardized(W1).reshape(side, side, -1)  # (side, side, n_hidden)
    right = np.mean(Z[:, :-1] * Z[:, 1:], axis=-1)
    down = np.mean(Z[:-1] * Z[1:], axis=-1)
    return right, down


def adjacent_correlation_map(W1, side: int = 28) -> np.ndarray:
    """Each pixel's mean correlation with its right and lower neighbours: ``(side, side)``.

    Edges: the last column has no right neighbour and uses only the lower one, the bottom row
    uses only the right one, and the bottom-right corner, having neither, is NaN. A pixel whose
    pairs are all NaN (constant weight vectors) is NaN too.
    """
    right, down = neighbour_correlations(W1, side)
    pairs = np.full((2, side, side), np.nan)
    pairs[0, :, :-1] = right
    pairs[1, :-1, :] = down
    count = np.sum(~np.isnan(pairs), axis=0)
    total = np.nansum(pairs, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def grid_score(
    W1,
    grid: int = 4,
    *,
    rng: np.random.Generator | None = None,
    null: str = "offsets",
    n_permutations: int = 999,
    side: int = 28,
) -> GridScore:
    """Turn "the correlation map shows the tile grid" into a number with a null distribution.

    Nulls, chosen by name:

    - ``"offsets"`` (the default, and the one null the book and ``results.md`` use; no
      randomness): the same score for the grid shifted by every other offset ``(dr, dc)`` in
      ``[0, side/grid)^2`` (48 for a 4 x 4 grid of 28 x 28 images). Robust to smooth trends:
      only a structure locked to the true grid beats its shifted copies; the smallest possible
      p-value is ``1 / (side/grid)^2``.
    - ``"pairs"`` (needs ``rng``): shuffle which adjacent pairs are labelled straddling,
      ``n_permutations`` times, keeping the counts. Exact only for exchangeable pairs (random
      weights); neighbouring pairs of a trained network are correlated with each other, so its
      p-values come out far too small (z near 28 where the offsets null gives z near 4). Kept to
      show that.
    """
    right, down = neighbour_correlations(W1, side)
    tile = _check_grid(grid, side)
    null_fn = _check_null(null)
    values = np.concatenate([right.ravel(), down.ravel()])  # (2 * side * (side - 1),)
    finite = ~np.isnan(values)
    across = straddle_mask(side, tile)[finite]
    values = values[finite]
    if across.all() or not across.any():
        raise ValueError(
            "grid_score needs finite correlations both inside tiles and across "
            "tile boundaries; too many weight vectors are constant"
        )
    score = _difference(values, across)
    null_scores = null_fn(
        values, across, finite, side=side, tile=tile, rng=rng, n_permutations=n_permutations
    )
    spread = np.std(null_scores, ddof=1)
    z = (score - np.mean(null_scores)) / spread if spread > 0 else np.nan
    p_value = (1 + np.sum(null_scores >= score)) / (1 + len(null_scores))
    return GridScore(
        float(score),
        float(z),
        float(p_value),
        float(np.mean(values[~across])),
        float(np.mean(values[across])),
        null_scores,
        null,
    )


def straddle_mask(side: int, tile: int, offset=(0, 0)) -> np.ndarray:
    """Which adjacent pairs cross a tile boundary, ordered like ``right.ravel(), down.ravel()``.

    Tile boundaries lie before rows ``dr + k * tile`` and columns ``dc + k * tile``.
    """
    side = check_int("side", side, minimum=2)
    tile = check_int("tile", tile, minimum=1, maximum=side,
                     hint="tile is a tile's side in pixels, e.g. 7 for a 4 x 4 grid of 28 x 28")
    if not (isinstance(offset, (tuple, list)) and len(offset) == 2 and all(map(is_int, offset))):
        raise ValueError(f"offset must be a pair of ints (dr, dc), got {offset!r}")
    dr, dc = offset
    cols = np.arange(1, side)  # column of the right pixel
    rows = np.arange(1, side)  # row of the lower pixel
    right = np.broadcast_to((cols - dc) % tile == 0, (side, side - 1))
    down = np.broadcast_to(((rows - dr) % tile == 0)[:, None], (side - 1, side))
    return np.concatenate([right.ravel(), down.ravel()])


# -- the nulls ----------------------------------------------------------------------------------
def _pairs_null(values, across, finite, *, rng, n_permutations, **_):
    check_rng(rng, hint="null='pairs' draws permutations: pass rng=np.random.default_rng(seed) "
                        "or use null='offsets'")
    n_permutations = check_int("n_permutations", n_permutations, minimum=2)
    m, n_across = len(values), int(across.sum())
    order = rng.permuted(np.broadcast_to(np.arange(m), (n_permutations, m)), axis=1)
    sum_across = values[order[:, :n_across]].sum(axis=1)  # (n_permutations,)
    return (values.sum() - sum_across) / (m - n_across) - sum_across / n_across


def _offsets_null(values, across, finite, *, side, tile, **_):
    shifts = [(dr, dc) for dr in range(tile) for dc in range(tile) if (dr, dc) != (0, 0)]
    masks = [straddle_mask(side, tile, shift)[finite] for shift in shifts]
    return np.array([_difference(values, mask) for mask in masks])


NULLS = {"pairs": _pairs_null, "offsets": _offsets_null}


# -- helpers ------------------------------------------------------------------------------------
def _difference(values, across):
    return np.mean(values[~across]) - np.mean(values[across])


def _standardized(W):
    """Rows scaled to mean 0 and (population) std 1, in float64; constant rows become NaN."""
    W = np.asarray(W, dtype=np.float64)
    centred = W - W.mean(axis=1, keepdims=True)
    std = np.sqrt(np.mean(centred**2, axis=1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            std > 1e-12 * (1 + np.abs(W).max(axis=1, keepdims=True)), centred / std, np.nan
        )


def _flat_index(p, side, name):
    if is_int(p, 0, side * side - 1):
        return int(p)
    if isinstance(p, tuple) and len(p) == 2 and all(is_int(v, 0, side - 1) for v in p):
        return int(p[0]) * side + int(p[1])
    raise ValueError(
        f"{name} must be a pixel index in [0, {side * side}) or a (row, col) pair "
        f"with entries in [0, {side}), got {p!r}"
    )


def _check_grid(grid, side):
    fits = [g for g in range(2, side // 2 + 1) if side % g == 0]
    if not is_int(grid) or grid not in fits:
        raise ValueError(
            f"grid={grid!r} must cut the {side}-pixel side into equal tiles of at "
            f"least 2 pixels; choose one of {fits}"
        )
    return side // grid


def _check_null(null):
    return NULLS[check_choice("null", null, NULLS)]
