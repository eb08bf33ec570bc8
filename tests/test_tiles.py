"""Derangements and tile shuffling: exactness, uniformity, inverses, worked examples, bad input."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlego.tiles import (
    derange_tiles,
    random_derangement,
    random_derangements,
    shuffle_tiles,
    subfactorial,
    unshuffle_tiles,
)

GRIDS_OF_28 = [1, 2, 4, 7, 14, 28]


def _chi_square_sf(stat, dof):
    """P(chi2_dof >= stat), by the series of the regularised lower incomplete gamma function."""
    if stat > 10 * dof + 100:  # the tail is below 1e-50 there
        return 0.0
    a, x = dof / 2, stat / 2
    term = total = 1 / a
    n = 0
    while term > 1e-17 * total:
        n += 1
        term *= x / (a + n)
        total += term
    return 1 - math.exp(a * math.log(x) - x - math.lgamma(a)) * total


def _uniformity_p_value(perms, n):
    """Chi-square p-value of the counts of each derangement of ``n`` items in ``perms``."""
    all_derangements = [
        p for p in itertools.permutations(range(n)) if all(p[k] != k for k in range(n))
    ]
    index = {p: i for i, p in enumerate(all_derangements)}
    counts = np.zeros(len(all_derangements))
    for row in map(tuple, perms.tolist()):
        counts[index[row]] += 1  # KeyError: not a derangement
    expected = len(perms) / len(all_derangements)
    stat = float(np.sum((counts - expected) ** 2 / expected))
    return _chi_square_sf(stat, len(all_derangements) - 1)


def _sattolo(n_rows, n, rng):
    """Sattolo's algorithm: uniform over the (n-1)! cyclic permutations only (biased here)."""
    out = np.tile(np.arange(n), (n_rows, 1))
    rows = np.arange(n_rows)
    for i in range(n - 1, 0, -1):
        j = rng.integers(0, i, size=n_rows)  # j < i: never leave item i in place
        out[rows, i], out[rows, j] = out[rows, j], out[rows, i].copy()
    return out


def test_chi_square_helper_matches_known_quantiles():
    """The helper's survival function hits textbook values (chi2(1) at 3.841 is 0.05)."""
    assert _chi_square_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-6)
    assert _chi_square_sf(43.0, 43) == pytest.approx(0.4714, abs=2e-3)


def test_derangements_of_5_are_uniform_over_all_44():
    """44,000 draws hit each of the 44 derangements of 5 items about 1,000 times (chi-square)."""
    perms = random_derangements(44_000, 5, rng=np.random.default_rng(2024))
    assert _uniformity_p_value(perms, 5) > 1e-3


def test_the_uniformity_check_can_fail():
    """Sattolo's cycles are derangements but miss 20 of the 44: the same check rejects them."""
    perms = _sattolo(44_000, 5, np.random.default_rng(2024))
    assert not np.any(perms == np.arange(5))
    assert _uniformity_p_value(perms, 5) < 1e-3


@settings(max_examples=50, deadline=None)
@given(n_rows=st.integers(0, 40), n=st.integers(2, 30), seed=st.integers(0, 2**32 - 1))
def test_derangements_are_bijections_without_fixed_points(n_rows, n, seed):
    """Every row is a permutation of 0..n-1 and no item stays in place."""
    perms = random_derangements(n_rows, n, rng=np.random.default_rng(seed))
    assert perms.shape == (n_rows, n) and perms.dtype == np.int64
    assert np.array_equal(np.sort(perms, axis=1), np.tile(np.arange(n), (n_rows, 1)))
    assert not np.any(perms == np.arange(n))


def test_one_derangement_and_determinism():
    """random_derangement is one row; the same seed gives the same rows."""
    perm = random_derangement(16, rng=np.random.default_rng(1))
    assert perm.shape == (16,) and not np.any(perm == np.arange(16))
    first = random_derangements(100, 16, rng=np.random.default_rng(7))
    assert np.array_equal(first, random_derangements(100, 16, rng=np.random.default_rng(7)))


def test_subfactorial_values():
    """!n matches the known sequence, a brute-force count, and the article's !16."""
    assert [subfactorial(n) for n in range(11)] == [
        1,
        0,
        1,
        2,
        9,
        44,
        265,
        1854,
        14833,
        133496,
        1334961,
    ]
    for n in range(8):
        brute = sum(all(p[k] != k for k in range(n)) for p in itertools.permutations(range(n)))
        assert subfactorial(n) == brute
    assert subfactorial(16) == 7_697_064_251_745
    exact_40 = sum((-1) ** k * (math.factorial(40) // math.factorial(k)) for k in range(41))
    assert type(subfactorial(40)) is int and subfactorial(40) == exact_40


def test_shuffle_worked_example():
    """Output tile k shows input tile perm[k], tiles numbered row-major (worked by hand)."""
    image = np.arange(16).reshape(1, 4, 4)
    out = shuffle_tiles(image, np.array([3, 2, 1, 0]), grid=2)
    expected = [[10, 11, 8, 9], [14, 15, 12, 13], [2, 3, 0, 1], [6, 7, 4, 5]]
    assert np.array_equal(out[0], expected)
    out = shuffle_tiles(image, np.array([1, 0, 2, 3]), grid=2)
    assert np.array_equal(out[0, :2], [[2, 3, 0, 1], [6, 7, 4, 5]])


@settings(max_examples=40, deadline=None)
@given(grid=st.sampled_from(GRIDS_OF_28), n=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_unshuffle_inverts_shuffle_and_tiles_keep_their_pixels(grid, n, seed):
    """unshuffle(shuffle(x)) == x, and output tile k is input tile perm[k] pixel for pixel."""
    rng = np.random.default_rng(seed)
    images = rng.random((n, 28, 28)).astype(np.float32)
    perms = np.stack([rng.permutation(grid * grid) for _ in range(n)])
    shuffled = shuffle_tiles(images, perms, grid)
    assert shuffled.dtype == images.dtype and shuffled is not images
    assert np.array_equal(unshuffle_tiles(shuffled, perms, grid), images)
    s = 28 // grid
    i, k = rng.integers(n), rng.integers(grid * grid)
    src = perms[i, k]
    out_tile = shuffled[
        i, (k // grid) * s : (k // grid + 1) * s, (k % grid) * s : (k % grid + 1) * s
    ]
    in_tile = images[
        i, (src // grid) * s : (src // grid + 1) * s, (src % grid) * s : (src % grid + 1) * s
    ]
    assert np.array_equal(out_tile, in_tile)


def test_derange_tiles_moves_every_tile_and_round_trips():
    """Each image gets its own derangement; no tile stays; unshuffling restores the images."""
    rng = np.random.default_rng(3)
    images = rng.random((500, 28, 28))
    shuffled, perms = derange_tiles(images, 4, rng=rng)
    assert perms.shape == (500, 16) and not np.any(perms == np.arange(16))
    assert len({tuple(p) for p in perms.tolist()}) > 490  # independent per image
    tiles = images.reshape(500, 4, 7, 4, 7)
    moved = shuffled.reshape(500, 4, 7, 4, 7)
    for a, b in itertools.product(range(4), range(4)):  # no tile stays in place
        assert not np.any(np.all(tiles[:, a, :, b] == moved[:, a, :, b], axis=(1, 2)))
    assert np.array_equal(unshuffle_tiles(shuffled, perms, 4), images)


def test_one_permutation_for_all_images_and_flat_images():
    """A (g*g,) perm applies to every image; flat (n, 784) input comes back flat."""
    rng = np.random.default_rng(4)
    images = rng.random((5, 28, 28))
    perm = random_derangement(16, rng=rng)
    together = shuffle_tiles(images, perm)
    one_by_one = np.stack([shuffle_tiles(im[None], perm)[0] for im in images])
    assert np.array_equal(together, one_by_one)
    flat = shuffle_tiles(images.reshape(5, 784), perm)
    assert flat.shape == (5, 784) and np.array_equal(flat.reshape(5, 28, 28), together)
    assert np.array_equal(unshuffle_tiles(flat, perm), images.reshape(5, 784))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: shuffle_tiles(np.zeros((2, 28, 28)), np.arange(25), grid=5), "choose a grid"),
        (
            lambda: shuffle_tiles(np.zeros((2, 28, 28)), np.arange(9), grid=3),
            r"\[1, 2, 4, 7, 14, 28\]",
        ),
        (lambda: shuffle_tiles(np.zeros((28, 28)), np.arange(16)), r"image\[None\]"),
        (
            lambda: shuffle_tiles(np.zeros((2, 28, 28)), np.arange(15)),
            r"shape \(16,\) or \(2, 16\)",
        ),
        (lambda: shuffle_tiles(np.zeros((2, 28, 28)), np.zeros(16, int)), "permutation of 0..15"),
        (lambda: shuffle_tiles(np.zeros((2, 28, 28)), np.arange(16.0)), "integer permutations"),
        (lambda: unshuffle_tiles(np.zeros((2, 28, 28)), np.ones((2, 16), int)), "permutation"),
        (lambda: random_derangements(3, 1, rng=np.random.default_rng()), "no derangement"),
        (lambda: random_derangements(-1, 4, rng=np.random.default_rng()), "n_rows must be"),
        (lambda: subfactorial(-1), "n must be an integer >= 0"),
        (lambda: derange_tiles(np.zeros((2, 28, 28)), 6, rng=np.random.default_rng()), "grid=6"),
    ],
)
def test_bad_input_is_refused_with_the_fix(call, message):
    """Grids that do not divide the image, wrong perms and impossible derangements say why."""
    with pytest.raises(ValueError, match=message):
        call()


def test_rng_must_be_a_generator():
    """A seed where a Generator belongs is a TypeError that names the fix."""
    with pytest.raises(TypeError, match="default_rng"):
        random_derangements(3, 4, rng=0)


@pytest.mark.parametrize("call", [
    lambda images: shuffle_tiles(images, np.arange(16)[::-1].copy()),
    lambda images: unshuffle_tiles(images, np.arange(16)[::-1].copy()),
    lambda images: derange_tiles(images, rng=np.random.default_rng(0)),
])
def test_non_finite_images_are_refused_with_counts(call):
    images = np.zeros((3, 28, 28), np.float32)
    images[1, 0, :5] = np.nan
    with pytest.raises(ValueError, match=r"images holds 5 non-finite values .* 1 of its 3 "
                                         r"images and 5 of its 784 pixels"):
        call(images)


@pytest.mark.parametrize("images", [
    np.array([[["a"] * 28] * 28]),
    np.array([[[None] * 28] * 28], dtype=object),
    [[[0.0] * 28] * 28, [[0.0] * 27] * 28],          # ragged
])
def test_images_that_are_not_numbers_are_refused_by_name(images):
    with pytest.raises(ValueError, match="images must"):
        shuffle_tiles(images, np.arange(16))


def test_counts_must_be_integers():
    with pytest.raises(ValueError, match="n_rows must be an integer >= 0, got 2.0"):
        random_derangements(2.0, 4, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="grid must be an integer >= 1"):
        shuffle_tiles(np.zeros((1, 28, 28)), np.arange(16), grid=None)


def test_ragged_perms_are_refused_by_name():
    """Found by tests/test_bad_inputs.py: NumPy's own 'inhomogeneous shape' named nothing."""
    with pytest.raises(ValueError, match="perms must be integer tile permutations"):
        shuffle_tiles(np.zeros((2, 28, 28)), [[], [0.0]])
