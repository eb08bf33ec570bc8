"""Self-check of assignment 7, "How small can the network be?": the sweep over seeds and its
summaries.

Nothing here trains: the sweep is checked with made-up training functions (a score drawn from
the run's generator), the summaries on fresh random scores, against NumPy's formulas and
nnlego's own (:func:`nnlego.articles.wth.sweep_distance` for the article's sizes).
"""

from __future__ import annotations

import numpy as np

from nnlego.articles import _compare, wth
from nnlego.course.selfcheck.base import Failed, Piece
from nnlego.course.selfcheck.tools import running

ASSIGNMENT = "07_small_networks"


def _fake_train(offset):
    """A stand-in for training: a score from n_hidden and the run's generator's first draws."""
    def train(n_hidden, rng):
        return offset + n_hidden + float(rng.standard_normal()) + float(rng.integers(100))
    return train


def check_sweep(ns, rng):
    kind = "a made-up training function, fresh sizes and seeds"
    train = _fake_train(float(rng.uniform(0, 50)))
    n_sizes = int(rng.integers(2, 5))
    sizes = [int(n) for n in rng.permutation(np.arange(1, 40))[:n_sizes]]   # distinct sizes
    seeds = [int(s) for s in rng.integers(0, 10_000, size=int(rng.integers(2, 5)))]
    state = np.random.get_state()[1].copy()
    with running(kind):
        mine = ns["sweep"](train, tuple(sizes), tuple(seeds))
        reordered = ns["sweep"](train, tuple(sizes[::-1]), tuple(seeds))
    if not np.array_equal(np.random.get_state()[1], state):
        raise Failed(kind, "sweep used np.random's global generator: give every run "
                           "np.random.default_rng(seed)")
    if not isinstance(mine, dict) or list(mine) != sizes:
        raise Failed(kind, "return {n_hidden: [scores]} with the sizes in the order given")
    for n in sizes:
        expected = [train(n, np.random.default_rng(s)) for s in seeds]
        if len(mine[n]) != len(seeds) or not np.allclose(mine[n], expected, rtol=0, atol=0):
            raise Failed(kind, "run (n_hidden, seed) must get its own fresh generator "
                               "np.random.default_rng(seed); runs in the order of the seeds")
        if not np.allclose(reordered[n], mine[n], rtol=0, atol=0):
            raise Failed(kind, "the scores change with the order of the sizes: one generator "
                               "per run, not one shared")


def check_spread(ns, rng):
    kind = "fresh random scores"
    for n in (2, int(rng.integers(3, 30))):
        scores = [float(v) for v in rng.uniform(5, 98, size=n)]
        with running(kind, _compare.spread):
            mine = ns["spread"](list(scores))
        if not isinstance(mine, dict) or not {"mean", "min", "max", "std"} <= set(mine):
            raise Failed(kind, "return a dict with the keys mean, min, max and std")
        reference = _compare.spread(scores, digits=12)
        for key in ("mean", "min", "max"):
            if not np.isclose(mine[key], reference[key], rtol=0, atol=1e-9):
                raise Failed(kind, f"the {key} of {n} scores is wrong")
        if not np.isclose(mine["std"], np.std(scores, ddof=1), rtol=1e-10, atol=0):
            raise Failed(kind, f"std of {n} scores: divide by n - 1 (np.std(scores, ddof=1))")


def check_flip_share(ns, rng):
    kind = "fresh integer scores of different lengths, with ties"
    for _ in range(3):
        small = [float(v) for v in rng.integers(30, 50, size=int(rng.integers(1, 9)))]
        large = [float(v) for v in rng.integers(35, 55, size=int(rng.integers(1, 9)))]
        large[0] = small[-1]                  # at least one tie
        expected = np.mean([a >= b for a in small for b in large])
        with running(kind):
            mine = ns["flip_share"](small, large)
        if not np.isclose(float(mine), expected, rtol=0, atol=1e-12):
            raise Failed(kind, "the share of all pairs (i, j), not only i == j, with "
                               "small[i] >= large[j] (ties count)")


def check_distance_to_article(ns, rng):
    kind = "fresh random sweeps (the article's sizes, and other sizes)"
    ours = {n: [float(v) for v in rng.uniform(15, 95, size=3)] for n in (*wth.ARTICLE_SWEEP, 30)}
    with running(kind, wth.sweep_distance):
        mine = ns["distance_to_article"](ours, dict(wth.ARTICLE_SWEEP))
    if not np.isclose(float(mine), wth.sweep_distance({"ours": ours})["ours"], rtol=1e-12):
        raise Failed(kind, "mean over the sizes in both of |mean of our runs - the article's|")
    article = {n: float(rng.uniform(15, 95)) for n in (1, 6, 7, 8)}
    ours = {n: [float(v) for v in rng.uniform(15, 95, size=4)] for n in (6, 7, 8, 9)}
    expected = np.mean([abs(np.mean(ours[n]) - article[n]) for n in (6, 7, 8)])
    with running(kind, wth.sweep_distance):
        mine = ns["distance_to_article"](ours, article)
    if not np.isclose(float(mine), expected, rtol=1e-12):
        raise Failed(kind, "only the sizes in both count; compare each size's mean, take the "
                           "absolute value, then average")


PIECES = (
    Piece("sweep", covers=("test_sweep",), needs=("sweep",), check=check_sweep),
    Piece("spread", covers=("test_spread",), needs=("spread",), check=check_spread),
    Piece("flip_share", covers=("test_flip_share",), needs=("flip_share",),
          check=check_flip_share),
    Piece("distance_to_article", covers=("test_distance_to_article",),
          needs=("distance_to_article",), check=check_distance_to_article),
)
