"""Self-check of assignment 9: subfactorials, uniform derangements, moving tiles and back.

``subfactorial`` against ``nnlego.tiles`` for fresh n up to 60 (exact integers);
``random_derangement`` as a sampler: derangements only, its use of ``rng``, and a chi-square
test of uniformity over the 9 derangements of 4 items (60,000 draws, false-alarm rate one in a
hundred thousand: a right answer fails it about once in 100,000 runs, a sampler that moves 1%
of the probability from one derangement to another fails it almost always); ``shuffle_tiles``
and ``unshuffle_tiles`` against ``nnlego.tiles`` on fresh images of random shapes and grids.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from nnlego import tiles
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece

ASSIGNMENT = "09_derangements"
SUBFACTORIAL, SHUFFLE, UNSHUFFLE = tiles.subfactorial, tiles.shuffle_tiles, tiles.unshuffle_tiles
OWN_DERANGEMENT = (tiles.random_derangement, tiles.random_derangements)
OWN_TILES = (tiles.shuffle_tiles, tiles.unshuffle_tiles, tiles.derange_tiles, tiles._move_tiles,
             tiles._tile_rows)
ALPHA = 1e-5                      # false-alarm rate of the uniformity test
DRAWS = 60_000


def check_subfactorial(ns, rng):
    fn = tools.function(ns, "subfactorial")
    for n in sorted({0, 1, 2, int(rng.integers(3, 12)), int(rng.integers(19, 61))}):
        kind = f"n = {n}"
        value = tools.call(fn, n, kind=kind, forbid=(SUBFACTORIAL,))
        if not isinstance(value, int) or isinstance(value, bool):
            raise Failed(kind, f"subfactorial returned a {type(value).__name__}: return a Python "
                         "int, exact for every n (start from count = 1 and use int arithmetic)")
        if value != SUBFACTORIAL(n):
            raise Failed(kind, f"subfactorial({n}) = {value}, but !{n} = {SUBFACTORIAL(n)}: use "
                         "the recurrence !n = n * !(n-1) + (-1)**n with Python integers "
                         "(floats lose digits past n = 18)")


def _draw(fn, n, rng, kind, forbid=OWN_DERANGEMENT):
    perm = tools.array(tools.call(fn, n, rng=rng, kind=kind, forbid=forbid), kind,
                       "the derangement")
    if perm.shape != (n,) or not np.array_equal(np.sort(perm), np.arange(n)):
        raise Failed(kind, f"got {perm.tolist()}: a derangement of {n} items holds each of "
                     f"0..{n - 1} once")
    if np.any(perm == np.arange(n)):
        raise Failed(kind, f"item(s) {np.flatnonzero(perm == np.arange(n)).tolist()} stay in "
                     f"place in {perm.tolist()}: draw again until no item is fixed")
    return tuple(int(v) for v in perm)


def check_random_derangement(ns, rng):
    fn = tools.function(ns, "random_derangement")
    n = int(rng.integers(5, 30))
    seed, other = tools.seeds(rng)
    kind = f"random_derangement({n}, rng=...)"
    state = tools.global_state()
    first = _draw(fn, n, np.random.default_rng(seed), kind)
    if first != _draw(fn, n, np.random.default_rng(seed), kind):
        raise Failed(kind, "the same seed gave different derangements: draw from rng")
    if first == _draw(fn, n, np.random.default_rng(other), kind):
        raise Failed(kind, "two seeds gave the same derangement: draw from rng")
    tools.same_global_state(state, kind, "random_derangement")
    kind = f"{DRAWS:,} draws of a derangement of 4 items"
    draws = np.random.default_rng(seed)
    _draw(fn, 4, draws, kind)
    # own_work watched the draws above; the many below run unwatched (a profiler is slow)
    rows = [tools.call(fn, 4, rng=draws, kind=kind) for _ in range(DRAWS)]
    rows = tools.same_shape(rows, (DRAWS, 4), kind, "the draws")
    valid = np.all(np.sort(rows, axis=1) == np.arange(4), axis=1) & ~np.any(
        rows == np.arange(4), axis=1)
    if not valid.all():
        raise Failed(kind, f"draw {rows[~valid][0].tolist()} is not a derangement of 4 items")
    codes = rows @ (4 ** np.arange(4))
    observed = np.array([np.sum(codes == np.dot(p, 4 ** np.arange(4)))
                         for p in _derangements(4)])
    statistic = float(np.sum((observed - DRAWS / 9) ** 2 / (DRAWS / 9)))
    p = stats.chi2.sf(statistic, df=8)
    if p < ALPHA:
        raise Failed(kind, f"not uniform: the 9 derangements came out "
                     f"{sorted(observed.tolist())} times (chi-square {statistic:.1f}, "
                     f"p = {p:.2g}; a uniform sampler fails this once in 100,000 runs): "
                     "reject uniform permutations (rng.permutation) until one has no fixed "
                     "point, rather than repairing them")


def _derangements(n):
    perms = np.array(np.meshgrid(*[np.arange(n)] * n, indexing="ij")).reshape(n, -1).T
    ok = [p for p in perms if len(set(p)) == n and not np.any(p == np.arange(n))]
    return [tuple(int(v) for v in p) for p in ok]


def _images(rng):
    grid = int(rng.choice([2, 3, 4, 7]))
    h, w = grid * int(rng.integers(1, 6)), grid * int(rng.integers(1, 6))
    n = int(rng.integers(3, 12))       # several images: rarely all involutions
    images = rng.random((n, h, w)).astype(rng.choice([np.float32, np.float64]))
    perms = np.array([rng.permutation(grid * grid) for _ in range(n)])
    return images, perms, grid, f"{n} random images {h} x {w}, grid={grid}, random perms"


def _moved(fn, reference, rng, name, fix):
    for _ in range(3):
        images, perms, grid, kind = _images(rng)
        before = [images.copy(), perms.copy()]
        out = tools.call(fn, images, perms, grid=grid, kind=kind, forbid=OWN_TILES)
        tools.unchanged(before, [images, perms], kind, name)
        tools.close(out, reference(*before, grid=grid), kind, "the result", rtol=0, atol=0,
                    fix=fix)


def check_shuffle_tiles(ns, rng):
    _moved(tools.function(ns, "shuffle_tiles"), SHUFFLE, rng, "shuffle_tiles",
           "tiles are square blocks of h // grid x w // grid pixels numbered row-major, and "
           "output tile k of image i shows input tile perms[i, k] (gather, do not scatter)")


def check_unshuffle_tiles(ns, rng):
    _moved(tools.function(ns, "unshuffle_tiles"), UNSHUFFLE, rng, "unshuffle_tiles",
           "undo the shuffle with the inverse permutation, np.argsort(perms, axis=1)")


PIECES = (
    Piece("subfactorial", covers=("test_subfactorial",), needs=("subfactorial",),
          check=check_subfactorial),
    Piece("random_derangement", covers=("test_random_derangement",),
          needs=("random_derangement",), check=check_random_derangement),
    Piece("shuffle_tiles", covers=("test_shuffle_tiles",), needs=("shuffle_tiles",),
          check=check_shuffle_tiles),
    Piece("unshuffle_tiles", covers=("test_unshuffle_tiles",), needs=("unshuffle_tiles",),
          check=check_unshuffle_tiles),
)
