"""Self-check of assignment 10: pixel correlations, neighbour maps, straddling pairs, grid score.

Fresh random weights (with a random offset per pixel, so that centring matters) each run,
compared with ``nnlego.correlation``: ``pixel_correlation`` for random pairs (symmetric, scale-
and shift-free); ``neighbour_correlations`` for a random side; ``straddle_mask`` for a random
side, tile and offset; ``grid_score`` for random grids whose tile size is not the grid.
"""

from __future__ import annotations

import numpy as np

from nnlego import correlation
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece

ASSIGNMENT = "10_correlation"
PIXEL, NEIGHBOURS, STRADDLE = (correlation.pixel_correlation, correlation.neighbour_correlations,
                               correlation.straddle_mask)
REFERENCE_SCORE = correlation.grid_score
OWN_CORRELATIONS = (correlation.pixel_correlation, correlation.neighbour_correlations,
                    correlation.adjacent_correlation_map, correlation._standardized)
OWN_SCORE = (correlation.grid_score, correlation._difference)
CENTRE = "subtract each vector's mean before correlating (Pearson, not cosine)"


def _weights(rng, side, n_hidden=None):
    n_hidden = int(rng.integers(5, 40)) if n_hidden is None else n_hidden
    W = rng.normal(size=(side * side, n_hidden)) + rng.normal(0, 4, size=(side * side, 1))
    return W, f"random weights W1 ({side * side}, {n_hidden}) with an offset per pixel"


def check_pixel_correlation(ns, rng):
    fn = tools.function(ns, "pixel_correlation")
    W, kind = _weights(rng, 28)
    before = W.copy()
    for _ in range(5):
        p, q = (int(v) for v in rng.choice(784, size=2, replace=False))
        r = tools.call(fn, W, p, q, kind=kind, forbid=OWN_CORRELATIONS)
        tools.close(r, PIXEL(before, p, q), f"{kind}, pixels {p} and {q}", "the correlation",
                    rtol=0, atol=1e-10, fix=CENTRE)
        back = tools.call(fn, W, q, p, kind=kind, forbid=OWN_CORRELATIONS)
        tools.close(back, PIXEL(before, p, q), f"{kind}, pixels {q} and {p}", "the correlation",
                    rtol=0, atol=1e-10, fix="the correlation is symmetric in p and q")
    tools.unchanged([before], [W], kind, "pixel_correlation")
    a, b = float(rng.uniform(0.1, 5)), float(rng.normal(0, 10))
    rows = rng.choice(784, size=2, replace=False)
    stretched = W.copy()
    stretched[rows[1]] = a * W[rows[1]] + b
    kind = f"pixel {rows[1]}'s vector scaled by {a:.3g} and shifted by {b:.3g}"
    r = tools.call(fn, stretched, int(rows[0]), int(rows[1]), kind=kind, forbid=OWN_CORRELATIONS)
    tools.close(r, PIXEL(before, int(rows[0]), int(rows[1])), kind, "the correlation", rtol=0,
                atol=1e-9, fix="a correlation does not change when a vector is scaled or shifted: "
                               + CENTRE)


def check_neighbour_correlations(ns, rng):
    fn = tools.function(ns, "neighbour_correlations")
    for side in (28, int(rng.integers(3, 20))):
        W, kind = _weights(rng, side)
        kind += f", side={side}"
        before = W.copy()
        result = tools.call(fn, W, side=side, kind=kind, forbid=OWN_CORRELATIONS)
        tools.unchanged([before], [W], kind, "neighbour_correlations")
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Failed(kind, "neighbour_correlations must return a pair (right, down)")
        for name, part, ref in zip(("right", "down"), result, NEIGHBOURS(before, side=side)):
            tools.close(part, ref, kind, name, rtol=0, atol=1e-10,
                        fix=f"{name}[r, c] pairs pixel (r, c) with "
                            + ("(r, c+1)" if name == "right" else "(r+1, c)")
                            + ", pixels folded row-major (p = r * side + c); " + CENTRE)


def check_straddle_mask(ns, rng):
    fn = tools.function(ns, "straddle_mask")
    for _ in range(4):
        tile = int(rng.integers(2, 8))
        side = tile * int(rng.integers(2, 6))
        offset = (int(rng.integers(0, tile)), int(rng.integers(0, tile)))
        kind = f"side={side}, tile={tile}, offset={offset}"
        mask = tools.call(fn, side, tile, offset=offset, kind=kind, forbid=(STRADDLE,))
        tools.close(np.ravel(tools.array(mask, kind, "the mask")), STRADDLE(side, tile, offset),
                    kind, "the mask", rtol=0, atol=0,
                    fix="the right pair (r, c)-(r, c+1) straddles when c + 1 - dc is a multiple "
                        "of tile, the lower pair (r, c)-(r+1, c) when r + 1 - dr is; right pairs "
                        "first, then lower ones, each row-major")


def check_grid_score(ns, rng):
    fn = tools.function(ns, "grid_score")
    for grid, side in ((4, 28), (7, 28), (3, 12), (2, 10)):       # tile side != grid
        W, kind = _weights(rng, side)
        W += 0.9 * W[rng.permutation(side * side)]
        kind += f", grid={grid}, side={side}"
        before = W.copy()
        score = tools.call(fn, W, grid=grid, side=side, kind=kind, forbid=OWN_SCORE)
        tools.unchanged([before], [W], kind, "grid_score")
        expected = REFERENCE_SCORE(before, grid, side=side, null="offsets").score
        if np.ndim(score) != 0 or not np.isclose(float(score), expected, rtol=0, atol=1e-10):
            raise Failed(kind, f"grid_score gave {tools.show(score)}, nnlego's reference "
                         f"{expected:.6g}: "
                         "the mean correlation of adjacent pairs inside tiles of side // grid "
                         "pixels minus that of the pairs straddling a boundary")


PIECES = (
    Piece("pixel_correlation", covers=("test_pixel_correlation",), needs=("pixel_correlation",),
          check=check_pixel_correlation),
    Piece("neighbour_correlations", covers=("test_neighbour_correlations",),
          needs=("neighbour_correlations",), check=check_neighbour_correlations),
    Piece("straddle_mask", covers=("test_straddle_mask",), needs=("straddle_mask",),
          check=check_straddle_mask),
    Piece("grid_score", covers=("test_grid_score",), needs=("grid_score",),
          check=check_grid_score),
)
