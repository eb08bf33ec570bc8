"""Weight-vector correlation: agreement with np.corrcoef, edges, NaN handling, the grid score."""

import warnings

import numpy as np
import pytest

from nnlego.correlation import (
    GridScore,
    adjacent_correlation_map,
    grid_score,
    neighbour_correlations,
    pixel_correlation,
    straddle_mask,
)


def _random_W1(seed=0, n_hidden=64):
    return np.random.default_rng(seed).standard_normal((784, n_hidden))


def _planted_grid_W1(seed=0, grid=4, noise=0.5, n_hidden=64):
    """Pixels of one tile share a latent weight vector: tile-mates correlate, others do not."""
    rng = np.random.default_rng(seed)
    rows, cols = np.divmod(np.arange(784), 28)
    tile = (rows // (28 // grid)) * grid + cols // (28 // grid)
    latent = rng.standard_normal((grid * grid, n_hidden))
    return latent[tile] + noise * rng.standard_normal((784, n_hidden))


def _r(W1, p, q):
    return np.corrcoef(W1[p], W1[q])[0, 1]


def test_pixel_correlation_equals_corrcoef_on_hand_picked_pairs():
    """Flat indices and (row, col) pairs give np.corrcoef's value."""
    W1 = _random_W1()
    W1[100] = 0.7 * W1[101] + 0.3 * W1[500]  # a strongly correlated pair
    for p, q in [(0, 1), (100, 101), (100, 500), (783, 0), (28 * 5 + 6, 28 * 6 + 6)]:
        assert pixel_correlation(W1, p, q) == pytest.approx(_r(W1, p, q), abs=1e-12)
    assert pixel_correlation(W1, (3, 16), (3, 17)) == pytest.approx(_r(W1, 100, 101), abs=1e-12)
    assert pixel_correlation(W1.astype(np.float32), 100, 101) == pytest.approx(
        _r(W1, 100, 101), abs=1e-5
    )


def test_the_map_averages_right_and_lower_neighbours_with_documented_edges():
    """Interior: mean of two r; last column lower only; bottom row right only; corner NaN."""
    W1 = _random_W1(1)
    corr = adjacent_correlation_map(W1)
    assert corr.shape == (28, 28)
    for r, c in [(0, 0), (5, 9), (13, 14), (26, 26)]:
        p = 28 * r + c
        assert corr[r, c] == pytest.approx((_r(W1, p, p + 1) + _r(W1, p, p + 28)) / 2, abs=1e-12)
    assert corr[4, 27] == pytest.approx(_r(W1, 28 * 4 + 27, 28 * 5 + 27), abs=1e-12)
    assert corr[27, 3] == pytest.approx(_r(W1, 28 * 27 + 3, 28 * 27 + 4), abs=1e-12)
    assert np.isnan(corr[27, 27])
    assert np.sum(np.isnan(corr)) == 1


def test_neighbour_correlations_shapes_and_values():
    """right[r, c] pairs (r, c) with (r, c+1); down[r, c] pairs (r, c) with (r+1, c)."""
    W1 = _random_W1(2)
    right, down = neighbour_correlations(W1)
    assert right.shape == (28, 27) and down.shape == (27, 28)
    assert right[10, 20] == pytest.approx(_r(W1, 28 * 10 + 20, 28 * 10 + 21), abs=1e-12)
    assert down[10, 20] == pytest.approx(_r(W1, 28 * 10 + 20, 28 * 11 + 20), abs=1e-12)


def test_constant_weight_vectors_give_nan_without_warnings():
    """A zero-variance pixel has no correlation: its pairs are NaN, the means skip them."""
    W1 = _random_W1(3)
    W1[28 * 10 + 10] = 0.25
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corr = adjacent_correlation_map(W1)
        assert np.isnan(pixel_correlation(W1, 28 * 10 + 10, 0))
        score = grid_score(W1, rng=np.random.default_rng(0), null="pairs")
    assert np.isnan(corr[10, 10])
    assert corr[10, 9] == pytest.approx(_r(W1, 28 * 10 + 9, 28 * 11 + 9), abs=1e-12)
    assert np.isfinite(score.score)


def test_straddle_mask_counts_the_boundary_pairs():
    """4 x 4 tiles of 28 x 28: 3 boundaries x 28 pixels x 2 directions = 168 of 1512 pairs."""
    mask = straddle_mask(28, 7)
    assert mask.shape == (1512,) and mask.sum() == 168
    right = mask[: 28 * 27].reshape(28, 27)
    assert right[0, 6] and not right[0, 5] and right[17, 20]
    assert straddle_mask(28, 7, offset=(3, 2)).sum() == 4 * 28 * 2


@pytest.mark.parametrize("null", ["pairs", "offsets"])
def test_a_planted_grid_scores_high(null):
    """Tile-mates sharing a latent vector: score ~0.8, beyond every null draw."""
    result = grid_score(_planted_grid_W1(), 4, rng=np.random.default_rng(0), null=null)
    assert isinstance(result, GridScore) and result.null == null
    assert result.score > 0.5 and result.within > 0.5 and abs(result.across) < 0.1
    assert result.score == pytest.approx(result.within - result.across)
    assert result.p_value == 1 / (1 + len(result.null_scores))
    assert result.z > 3


def test_random_weights_score_near_zero():
    """Unstructured weights: |score| < 0.05 (5 standard errors), |z| < 4, p not small."""
    for seed in range(3):
        result = grid_score(_random_W1(seed), 4, rng=np.random.default_rng(seed), null="pairs")
        assert abs(result.score) < 0.05 and abs(result.z) < 4 and result.p_value > 1e-3
        assert len(result.null_scores) == 999


def test_the_score_only_sees_the_grid_it_is_asked_about():
    """A 4 x 4 planted grid is found with grid=4 and grid=2 (its boundaries are a superset),
    and a 7 x 7 grid (tiles of 4) misses half its boundaries and scores lower."""
    W1 = _planted_grid_W1()
    at_4 = grid_score(W1, 4, null="offsets").score
    assert grid_score(W1, 2, null="offsets").score > 0.5
    assert grid_score(W1, 7, null="offsets").score < at_4


def test_the_pairs_null_is_reproducible():
    """The same seed gives the same permutation null."""
    W1 = _random_W1(4)
    a = grid_score(W1, rng=np.random.default_rng(5), null="pairs", n_permutations=50)
    b = grid_score(W1, rng=np.random.default_rng(5), null="pairs", n_permutations=50)
    assert np.array_equal(a.null_scores, b.null_scores) and a.p_value == b.p_value


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda W1: adjacent_correlation_map(W1.T), ValueError, r"\(784, n_hidden\)"),
        (lambda W1: grid_score(W1, 5, null="offsets"), ValueError, r"\[2, 4, 7, 14\]"),
        (lambda W1: grid_score(W1, 28, null="offsets"), ValueError, "at least 2 pixels"),
        (lambda W1: grid_score(W1, null="bootstrap"), ValueError, r"\['offsets', 'pairs'\]"),
        (lambda W1: grid_score(W1, null="pairs"), TypeError, "null='offsets'"),
        (
            lambda W1: grid_score(W1, rng=np.random.default_rng(), null="pairs",
                                  n_permutations=1),
            ValueError,
            "n_permutations",
        ),
        (lambda W1: pixel_correlation(W1, 784, 0), ValueError, r"\[0, 784\)"),
        (lambda W1: pixel_correlation(W1, (0, 28), 0), ValueError, "row, col"),
    ],
)
def test_bad_input_is_refused_with_the_fix(call, error, message):
    """Wrong shapes, grids, nulls and pixel indices say what to pass instead."""
    with pytest.raises(error, match=message):
        call(_random_W1())


@pytest.mark.parametrize("call", [
    lambda W1: adjacent_correlation_map(W1),
    lambda W1: grid_score(W1, null="offsets"),
    lambda W1: pixel_correlation(W1, 0, 1),
])
def test_non_finite_weights_are_refused_not_read_as_constant(call):
    """A NaN weight vector would otherwise count as 'constant' and vanish from the means."""
    W1 = _random_W1()
    W1[100, :3] = np.nan
    with pytest.raises(ValueError, match=r"W1 holds 3 non-finite values .* 1 of its 784 rows"):
        call(W1)


@pytest.mark.parametrize("call, error, message", [
    (lambda: straddle_mask(28, 0), ValueError, "tile must be an integer from 1 to 28"),
    (lambda: straddle_mask(28, 7, offset=3), ValueError, r"offset must be a pair of ints"),
    (lambda: straddle_mask("28", 7), ValueError, "side must be an integer"),
    (lambda: grid_score(_random_W1(), rng=0, null="pairs"), TypeError,
     "rng must be a numpy Generator"),
    (lambda: grid_score(_random_W1(), null=["pairs"]), ValueError, "unknown null"),
    (lambda: neighbour_correlations(_random_W1(), side=28.0), ValueError, "side must be"),
])
def test_arguments_of_the_wrong_kind_name_themselves(call, error, message):
    with pytest.raises(error, match=message):
        call()
