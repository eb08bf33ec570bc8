"""Self-check of assignment 12, the capstone: the shuffler, the correlation map, the grid score,
the run's numbers and the experiment's, on fresh inputs (not the course's hidden tests).

Each piece compares the learner's function with nnlego's own on inputs drawn from ``rng`` and
fails if nnlego's version of the piece runs inside the learner's (``own_work``). The run is
checked on training subsets and settings of its own, against :func:`nnlego.articles.capstone.
reference` within :data:`~nnlego.articles.capstone.TOLERANCES`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import stats

from nnlego import correlation, tiles
from nnlego.articles import capstone

from ..grading import own_work
from .base import Failed, Piece

ASSIGNMENT = "12_capstone"
TILE_MOVERS = (tiles.shuffle_tiles, tiles.unshuffle_tiles, tiles.derange_tiles,
               tiles.random_derangement, tiles.random_derangements, tiles._move_tiles,
               tiles._tile_rows)
CORRELATIONS = (correlation.pixel_correlation, correlation.neighbour_correlations,
                correlation.adjacent_correlation_map, correlation._standardized,
                correlation.grid_score, correlation._difference, correlation.straddle_mask)
REFERENCE = (capstone.reference_run, capstone.reference)
# The run's own checks: (settings, (first training image, number of images)).
RUNS = (({"p": 0.0, "n_epochs": 2}, (52000, 8000)), ({}, (40000, capstone.N_TRAIN)))


def _call(kind, forbid, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with nnlego's ``forbid`` pieces watched; any error -> Failed."""
    try:
        with own_work(*forbid):
            return fn(*args, **kwargs)
    except Failed:
        raise
    except Exception as error:                   # the learner's error, or own_work's
        raise Failed(kind, f"{type(error).__name__}: {error}") from None


def check_shuffler(ns, rng):
    derange = ns["derange_images"]
    grid = int(rng.choice([2, 4, 7]))
    kind = f"fresh random images, {grid} x {grid} tiles"
    X = rng.random((33, 784)).astype(np.float32)
    X_copy = X.copy()
    seed = int(rng.integers(2**31))
    out, perms = (np.asarray(a) for a in _call(kind, TILE_MOVERS, derange, X, grid,
                                               rng=np.random.default_rng(seed)))
    if not np.array_equal(X, X_copy):
        raise Failed(kind, "derange_images changed X: work on a copy")
    if out.shape != X.shape or perms.shape != (33, grid * grid):
        raise Failed(kind, f"expected images {X.shape} and perms (33, {grid * grid}), got "
                           f"{out.shape} and {perms.shape}")
    if not np.all(np.sort(perms, axis=1) == np.arange(grid * grid)):
        raise Failed(kind, "a row of perms is not a permutation of the tiles")
    if np.any(perms == np.arange(grid * grid)):
        raise Failed(kind, "a tile stays in place: draw each image's derangement again until "
                           "no tile is fixed")
    if not np.array_equal(tiles.unshuffle_tiles(out, perms, grid), X):
        raise Failed(kind, "the shuffled images are not X's square tiles moved as perms says "
                           "(tile k of image i is tile perms[i, k] of X[i])")
    again = np.asarray(_call(kind, TILE_MOVERS, derange, X, grid,
                             rng=np.random.default_rng(seed))[1])
    if not np.array_equal(again, perms):
        raise Failed(kind, "the same seed gave another shuffle: draw only from rng")
    _check_one_per_image_and_uniform(derange, rng)


def _check_one_per_image_and_uniform(derange, rng):
    # 60,000 images, rejected at p < 1e-5: a bias of 0.01 between two derangements fails
    # almost always (as assignment 9's self-check; tests/test_sampler_power.py).
    images = 60_000
    kind = f"{images:,} images of 2 x 2 tiles"
    perms = np.asarray(_call(kind, TILE_MOVERS, derange, np.zeros((images, 4)), 2,
                             rng=np.random.default_rng(int(rng.integers(2**31))))[1])
    if perms.shape != (images, 4):
        raise Failed(kind, f"expected perms ({images}, 4), got {perms.shape}")
    counts = Counter(map(tuple, perms.tolist()))
    if len(counts) < 9:
        raise Failed(kind, f"only {len(counts)} of the 9 derangements of 4 tiles came out: draw "
                           "one uniform derangement per image (rejection of rng.permutation)")
    expected = images / 9
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    p = stats.chi2.sf(chi2, df=8)
    if p < 1e-5:
        raise Failed(kind, f"the 9 derangements of 4 tiles are not equally likely: they came out "
                           f"{sorted(counts.values())} times (chi-square {chi2:.1f} on 8 degrees "
                           f"of freedom, p = {p:.2g}; a uniform shuffler fails this once in "
                           "100,000 runs): draw by rejection, not by repairing permutations")


def check_correlation_map(ns, rng):
    side = int(rng.choice([28, 10]))
    kind = f"fresh random weights, side {side}"
    W = rng.normal(size=(side * side, 17)) + rng.normal(0, 4, size=(side * side, 1))
    W_copy = W.copy()
    mine = np.asarray(_call(kind, CORRELATIONS, ns["correlation_map"], W, side=side),
                      dtype=float)
    if not np.array_equal(W, W_copy):
        raise Failed(kind, "correlation_map changed W1")
    ref = correlation.adjacent_correlation_map(W, side)
    if mine.shape != ref.shape:
        raise Failed(kind, f"expected shape {ref.shape}, got {mine.shape}")
    if not np.allclose(mine, ref, rtol=0, atol=1e-9, equal_nan=True):
        worst = np.unravel_index(np.nanargmax(np.abs(mine - ref)), ref.shape)
        raise Failed(kind, f"pixel {tuple(int(i) for i in worst)} differs from nnlego's map: "
                           "centred Pearson r, mean over the right and lower neighbours, the "
                           "last column and bottom row with their one neighbour, corner NaN")


def check_grid_score(ns, rng):
    grid = int(rng.choice([2, 4, 7]))
    kind = f"weights with a {grid} x {grid} tile structure"
    tile = 28 // grid
    tile_of = np.repeat(np.repeat(np.arange(grid * grid).reshape(grid, grid), tile, 0), tile, 1)
    W = rng.normal(size=(grid * grid, 24))[tile_of.ravel()] + rng.normal(size=(784, 24))
    for weights, what in ((W, ""), (2.5 * W + 3.0, " (scaled and shifted)")):
        mine = _call(kind + what, CORRELATIONS, ns["grid_score"], weights, grid=grid)
        ref = correlation.grid_score(W, grid).score
        if not np.isclose(float(mine), ref, rtol=0, atol=1e-9):
            raise Failed(kind + what, f"got {float(mine):.4f}, nnlego's grid score is "
                                      f"{ref:.4f}: mean r of pairs inside tiles minus that of "
                                      "pairs across a boundary, r centred, tiles 28 // grid wide")


def check_run(ns, rng):
    seed = int(rng.integers(100, 10**6))
    X_test, y_test = capstone.data(1)[2:]
    for config, (start, n) in RUNS:
        kind = f"training images {start}..{start + n}, settings {config or 'of part 4'}"
        X, y = capstone.data(n, start)[:2]
        mine = _call(kind, TILE_MOVERS + CORRELATIONS + REFERENCE, ns["run_capstone"],
                     X, y, X_test, y_test, seed=seed, **config)
        if not isinstance(mine, dict):
            raise Failed(kind, f"run_capstone should return a dict, got {type(mine).__name__}")
        problems = capstone.check_numbers(mine, capstone.reference(X, y, X_test, y_test,
                                                                   **config))
        if problems:
            raise Failed(kind, "; ".join(problems) + ": compute every number from the "
                               "arguments, with your shuffler and the settings of savant.ORIGINAL")
    _check_size_and_seed(ns["run_capstone"], X_test, y_test, seed)


def _check_size_and_seed(run, X_test, y_test, seed):
    """A small run twice, other seeds: the hidden layer has n_hidden neurons, the seed matters."""
    X, y = capstone.data(2000, 54000)[:2]
    kind = "2,000 training images, p=0.0, n_hidden=24, n_epochs=1"
    runs = [_call(kind, TILE_MOVERS + CORRELATIONS + REFERENCE, run, X, y, X_test, y_test,
                  seed=s, p=0.0, n_hidden=24, n_epochs=1) for s in (seed + 1, seed + 2)]
    shape = np.shape(runs[0]["net"].weights[0])
    if shape != (784, 24):
        raise Failed(kind, f"the net's W1 is {shape}, expected (784, 24): build the network as "
                           "[784, n_hidden, 10] from the argument")
    if all(runs[0][name] == runs[1][name] for name in capstone.GRADED):
        raise Failed(kind, f"seeds {seed + 1} and {seed + 2} gave the same numbers: make the "
                           "generator from the seed argument, np.random.default_rng(seed)")


def check_experiment(ns, rng):
    """The choice is on the menu, and a run with it lies within that choice's bands around
    nnlego's run of it (the capstone's data, a seed of this check's own)."""
    choice = ns["EXPERIMENT"]
    problems = capstone.check_experiment(choice)
    if problems:
        raise Failed("your EXPERIMENT", problems[0])
    seed = int(rng.integers(100, 10**6))
    X, y, X_test, y_test = capstone.data()
    kind = f"your experiment {choice}, the capstone's data, seed {seed}"
    mine = _call(kind, TILE_MOVERS + CORRELATIONS + REFERENCE, ns["run_capstone"],
                 X, y, X_test, y_test, seed=seed, **choice)
    if not isinstance(mine, dict):
        raise Failed(kind, f"run_capstone should return a dict, got {type(mine).__name__}")
    problems = capstone.check_numbers(mine, capstone.reference(X, y, X_test, y_test, **choice),
                                      capstone.tolerances_for(choice))
    if problems:
        ((key, value),) = choice.items()
        raise Failed(kind, "; ".join(problems) + f" (nnlego's run of the same choice +- its "
                           f"bands): check what run_capstone does with {key}={value!r}")


PIECES = (
    Piece("derange_images", covers=("test_shuffler",), needs=("derange_images",),
          check=check_shuffler),
    Piece("correlation_map", covers=("test_correlation_map",), needs=("correlation_map",),
          check=check_correlation_map),
    Piece("grid_score", covers=("test_grid_score",), needs=("grid_score",),
          check=check_grid_score),
    Piece("run_capstone", covers=("test_numbers",), needs=("run_capstone",), check=check_run),
    Piece("EXPERIMENT", covers=("test_experiment",), needs=("EXPERIMENT", "run_capstone"),
          check=check_experiment),
)
