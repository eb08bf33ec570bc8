"""Article 2's open questions, answered from the runs (chapter 10, "Reading the wiring").

The article ends with two questions: is the tile shuffle a form of data augmentation, and would
the network treat it as one more degree of freedom (a shoe is a shoe, shuffled or not), process
the image as a whole and show no separate weight structure? It also explains its savant's 32% on
original images by the training data being derangements only. The functions here put numbers on
each, from ``runs = {key: [Result per seed]}`` of :func:`nnlego.articles.savant.plan`:

- :func:`augmentation_question`, :func:`degree_of_freedom_question`, :func:`explanation_32`;
- :func:`grid_parts` and :func:`data_grid_scores`: why the grid score grows with finer grids;
- :func:`home_images`, :func:`tile_similarity`, :func:`repeated_tiles`, :func:`boundary_jump`:
  what one hidden neuron of a savant looks like, moved back to the original tile order or not.

Images and weight images are ``(n, side, side)``; tiles are numbered row-major. Pure math: no
I/O, no plots (those are in :mod:`nnlego.plots`).
"""

from __future__ import annotations

import math

import numpy as np

from ..correlation import neighbour_correlations, straddle_mask
from ..tiles import random_derangements, unshuffle_tiles
from . import savant
from ._compare import accuracies, spread

FASHION_TRAIN = 60_000   # Fashion-MNIST's training images (a Settings' n_train=None)
ALPHA = 0.05          # a grid "is there" when every seed's p-value (shifted grids) is <= ALPHA


def _mean(runs, key, data):
    return float(np.mean(accuracies(runs, key, savant.EVAL_SET[data])))


def augmentation_question(runs) -> dict:
    """Is the shuffle a data augmentation? The mixed net against the single-kind nets.

    An augmentation in the usual sense would have to leave (or improve) the accuracy on original
    images while adding the shuffled ones: ``helps_originals`` says whether the mixed net's mean
    on original images is at least the original-only net's; the two costs (in points) are what
    the mixed net loses against the original-only net on original images and against the
    each-epoch savant on shuffled ones.
    """
    out = {key: {d: spread(accuracies(runs, key, savant.EVAL_SET[d])) for d in savant.DATA}
           for key in ("original", "each_epoch", "mixed")}
    cost_original = _mean(runs, "original", "original") - _mean(runs, "mixed", "original")
    cost_shuffled = _mean(runs, "each_epoch", "shuffled") - _mean(runs, "mixed", "shuffled")
    return {**out, "cost_original": round(cost_original, 2),
            "cost_shuffled": round(cost_shuffled, 2), "helps_originals": cost_original <= 0}


def degree_of_freedom_question(runs) -> dict:
    """Would a net that sees both kinds show no separate weight structure?

    If the shuffle were one more degree of freedom, processed with the image as a whole, the
    mixed net's grid score would be like the original-only net's (no grid: p-values not small).
    ``mixed_has_grid``: every mixed seed beats all shifted grids (p <= :data:`ALPHA`);
    ``share_of_savant``: its mean score as a fraction of the each-epoch savant's.
    """
    scores = {key: savant.grid_scores(runs, key) for key in ("original", "each_epoch", "mixed")}
    mean = {key: float(np.mean(s["score"])) for key, s in scores.items()}
    return {"scores": scores, "mean": {k: round(v, 4) for k, v in mean.items()},
            "mixed_has_grid": max(scores["mixed"]["p_value"]) <= ALPHA,
            "original_has_grid": max(scores["original"]["p_value"]) <= ALPHA,
            "share_of_savant": round(mean["mixed"] / mean["each_epoch"], 3)}


def explanation_32(runs, n_tiles=16) -> dict:
    """The article's explanation of its 32%, tested: uniform permutations vs derangements.

    Both nets draw a new shuffle per image every epoch; the permutation net's shuffles may leave
    tiles in place (each tile in its place in 1 of ``n_tiles`` images), yet it almost never sees
    a whole original image (``expected_originals_seen`` over all its epochs). The explanation
    ``survives`` if the permutation net's worst seed on original images beats the derangement
    net's best.
    """
    perm = {d: spread(accuracies(runs, "permutations", savant.EVAL_SET[d])) for d in savant.DATA}
    der = {d: spread(accuracies(runs, "each_epoch", savant.EVAL_SET[d])) for d in savant.DATA}
    settings = runs["permutations"][0].settings
    n_train = settings.n_train or FASHION_TRAIN
    seen = settings.n_epochs * n_train / math.factorial(n_tiles)
    return {"permutations": perm, "derangements": der,
            "gain_original": round(perm["original"]["mean"] - der["original"]["mean"], 2),
            "tile_in_place": round(1 / n_tiles, 4), "expected_originals_seen": seen,
            "survives": perm["original"]["min"] > der["original"]["max"]}


def grid_parts(runs) -> dict:
    """``{grid: {"within", "across", "score", "straddling", "tile_pixels"}}`` of the shuffled-once
    savants: the mean over seeds of the two halves of the grid score."""
    keys = {4: "once", **{int(k.rsplit(" ", 1)[1]): k for k in runs if k.startswith("once grid")}}
    out = {}
    for g, key in sorted(keys.items()):
        parts = [within_across(r.net.weights[0], g) for r in runs[key]]
        within, across = (float(np.mean(v)) for v in zip(*parts))
        pairs = savant.straddling_pairs(g)
        out[g] = {"within": round(within, 4), "across": round(across, 4),
                  "score": round(within - across, 4), "straddling": pairs["straddling"],
                  "fraction": pairs["fraction"], "tile_pixels": pairs["tile_pixels"]}
    return out


def within_across(W, grid, side=28) -> tuple:
    """``(within, across)``: mean correlation of adjacent rows of ``W`` inside a tile / across a
    tile boundary (``W`` is ``(side**2, k)``: weight vectors, or pixel values over images)."""
    right, down = neighbour_correlations(W, side)
    values = np.concatenate([right.ravel(), down.ravel()])
    across = straddle_mask(side, side // grid)
    return float(np.nanmean(values[~across])), float(np.nanmean(values[across]))


def data_grid_scores(images_by_grid, side=28) -> dict:
    """The grid score of the *data*: ``{grid: {"within", "across", "score"}}`` of pixel values.

    ``images_by_grid[grid]`` is ``(n_images, side**2)`` shuffled images; pixel p's vector is its
    value over the images, so ``within`` is how alike tile-mates are in the pictures themselves.
    """
    out = {}
    for g, X in images_by_grid.items():
        within, across = within_across(np.asarray(X).reshape(len(X), -1).T, g, side)
        out[g] = {"within": round(within, 4), "across": round(across, 4),
                  "score": round(within - across, 4)}
    return out


def correlation_length(X, side=28, level=0.5, max_lag=14) -> int:
    """The smallest horizontal distance (pixels) at which two pixels' values, over the images
    ``X (n, side**2)``, correlate below ``level`` on average (over positions with ink variance).
    """
    images = np.asarray(X, dtype=np.float64).reshape(len(X), side, side)
    for lag in range(1, max_lag + 1):
        a, b = images[:, :, :-lag].reshape(len(X), -1), images[:, :, lag:].reshape(len(X), -1)
        a, b = a - a.mean(axis=0), b - b.mean(axis=0)
        denom = np.sqrt((a ** 2).sum(axis=0) * (b ** 2).sum(axis=0))
        ok = denom > 0
        if np.mean((a * b).sum(axis=0)[ok] / denom[ok]) < level:
            return lag
    return max_lag + 1


def home_images(W1, perm, grid=4, side=28) -> np.ndarray:
    """Hidden neurons' weight images ``(n_hidden, side, side)`` moved back to the original tile
    order: for a net trained under one fixed permutation ``perm`` (output tile k showed input
    tile ``perm[k]``), tile k of neuron j's image goes back to where tile ``perm[k]`` was."""
    images = np.asarray(W1).T.reshape(-1, side, side)      # (n_hidden, side, side)
    return unshuffle_tiles(images, np.asarray(perm), grid)


def tile_similarity(images, grid=4) -> np.ndarray:
    """``(n, grid**2, grid**2)``: Pearson r of every pair of tiles within each image (NaN on the
    diagonal; 0 for a constant tile). High off-diagonal values: a pattern repeated in places."""
    images = np.asarray(images, dtype=np.float64)
    n, side = len(images), images.shape[1]
    t = side // grid
    tiles = images.reshape(n, grid, t, grid, t).transpose(0, 1, 3, 2, 4).reshape(n, grid ** 2, -1)
    centred = tiles - tiles.mean(axis=2, keepdims=True)
    norm = np.sqrt((centred ** 2).sum(axis=2, keepdims=True))
    unit = np.divide(centred, norm, out=np.zeros_like(centred), where=norm > 1e-12)
    r = unit @ unit.transpose(0, 2, 1)                     # (n, tiles, tiles)
    r[:, np.arange(grid ** 2), np.arange(grid ** 2)] = np.nan
    return r


def repeated_tiles(images, grid=4, threshold=0.5) -> dict:
    """For each image: the tiles alike (r > ``threshold``) to its most-repeated tile.

    Returns ``{"count": (n,) tiles in the largest such group (1 = nothing repeats), "tiles": list
    of tile-index arrays, "best_r": (n,) highest r of any tile pair}``.
    """
    r = tile_similarity(images, grid)
    alike = np.nan_to_num(r, nan=0.0) > threshold           # (n, tiles, tiles)
    counts = alike.sum(axis=2)                              # (n, tiles)
    best = counts.argmax(axis=1)
    tiles = [np.concatenate([[b], np.flatnonzero(alike[i, b])]) for i, b in enumerate(best)]
    return {"count": counts.max(axis=1) + 1, "tiles": tiles, "best_r": np.nanmax(r, axis=(1, 2))}


def boundary_jump(images, grid=4) -> float:
    """Mean absolute difference of adjacent weights across tile boundaries over that inside tiles.

    About 1 for an image that is as smooth across boundaries as within tiles; above 1 when the
    tiles do not fit together (a weight image in shuffled coordinates).
    """
    images = np.asarray(images, dtype=np.float64)
    side = images.shape[1]
    diffs = np.concatenate([np.abs(np.diff(images, axis=2)).reshape(len(images), -1),
                            np.abs(np.diff(images, axis=1)).reshape(len(images), -1)], axis=1)
    across = straddle_mask(side, side // grid)
    return float(diffs[:, across].mean() / diffs[:, ~across].mean())


def fixed_neurons(runs, key="fixed", k=4) -> dict:
    """The fixed-permutation net's ``k`` hidden neurons with the largest weights, as trained
    and moved back, with :func:`boundary_jump` of all its neurons both ways."""
    result = runs[key][0]
    W1, g = result.net.weights[0], result.settings.grid
    perm = result.drawn["fixed_permutation"]
    trained = W1.T.reshape(-1, 28, 28)
    home = home_images(W1, perm, g)
    top = np.argsort(-np.abs(W1).sum(axis=0))[:k]
    return {"neurons": top, "trained": trained[top], "home": home[top],
            "jump_trained": round(boundary_jump(trained, g), 3),
            "jump_home": round(boundary_jump(home, g), 3)}


def repeats_summary(runs, keys=("original", "once"), threshold=0.5) -> dict:
    """``{key: {"mean_count", "share_3_or_more", "best_neuron", "tiles"}}`` of seed 0's hidden
    neurons: how often one neuron carries the same pattern in several tiles."""
    out = {}
    for key in keys:
        images = runs[key][0].net.weights[0].T.reshape(-1, 28, 28)
        rep = repeated_tiles(images, runs[key][0].settings.grid, threshold)
        best = int(np.argmax(rep["count"] + rep["best_r"] / 10))
        out[key] = {"mean_count": round(float(rep["count"].mean()), 2),
                    "share_3_or_more": round(float(np.mean(rep["count"] >= 3)), 3),
                    "best_neuron": best, "tiles": rep["tiles"][best].tolist(),
                    "best_count": int(rep["count"][best])}
    return out



def kept_neighbours(grid, *, rng, n_draws=20_000) -> float:
    """How often a uniform derangement keeps two tiles side by side: the fraction of adjacent
    tile pairs of the shuffled image (hence of its straddling pixel pairs) that show two tiles
    adjacent the same way in the original. Estimated from ``n_draws`` derangements."""
    perms = random_derangements(n_draws, grid * grid, rng=rng).reshape(n_draws, grid, grid)
    left, right = perms[:, :, :-1], perms[:, :, 1:]
    top, below = perms[:, :-1, :], perms[:, 1:, :]
    kept_h = (right == left + 1) & (left % grid != grid - 1)
    kept_v = below == top + grid
    return float((kept_h.sum() + kept_v.sum()) / (kept_h.size + kept_v.size))


def seed_spread(runs, variant="once") -> dict:
    """Why one run says little: for the savant ``variant`` on each test set, the width of the
    seed range (max - min, points) and the gap of our mean to the article's number."""
    matrix = savant.accuracy_matrix(runs, variant)
    out = {}
    for j, data in enumerate(savant.DATA):
        width = matrix["max"][1][j] - matrix["min"][1][j]
        gap = matrix["mean"][1][j] - savant.ARTICLE_MATRIX["shuffled", data]
        out[data] = {"width": round(width, 2), "gap": round(gap, 2),
                     "min": matrix["min"][1][j], "max": matrix["max"][1][j]}
    return out
