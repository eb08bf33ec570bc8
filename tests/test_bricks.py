"""Lego bricks: hidden images, brick-weight grids, top-k bricks, assembled bricks, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlego.bricks import (
    TopBricks,
    assembled_brick,
    brick_grid_shape,
    brick_weights,
    hidden_images,
    top_bricks,
)


def _weights(n_hidden=30, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((784, n_hidden)), rng.standard_normal((n_hidden, 10))


def test_hidden_image_j_is_column_j():
    """Image j is column j of W1 reshaped row-major: pixel (r, c) is W1[28 r + c, j]."""
    W1, _ = _weights()
    images = hidden_images(W1)
    assert images.shape == (30, 28, 28)
    assert images[7, 3, 5] == W1[28 * 3 + 5, 7]
    assert np.array_equal(images[12].ravel(), W1[:, 12])


def test_brick_weights_is_the_articles_5_by_6_grid():
    """30 hidden neurons fill a 5 x 6 image; cell (r, c) is hidden neuron 6 r + c."""
    _, W2 = _weights()
    cells = brick_weights(W2, 8)
    assert cells.shape == (5, 6)
    assert cells[2, 1] == W2[13, 8]
    assert np.array_equal(cells.ravel(), W2[:, 8])


@pytest.mark.parametrize(
    "n_hidden, shape",
    [
        (30, (5, 6)),
        (128, (8, 16)),
        (100, (10, 10)),
        (10, (2, 5)),
        (31, (6, 6)),
        (7, (3, 3)),
        (1, (1, 1)),
    ],
)
def test_grid_shapes_are_near_square(n_hidden, shape):
    """Exact near-square factorisations, else (for primes) a padded near-square grid."""
    assert brick_grid_shape(n_hidden) == shape


def test_padded_cells_are_nan_and_an_explicit_grid_is_kept():
    """31 neurons in 6 x 6 leave 5 NaN cells; grid_shape=(3, 11) is used as given."""
    rng = np.random.default_rng(1)
    W2 = rng.standard_normal((31, 10))
    cells = brick_weights(W2, 0)
    assert np.isnan(cells).sum() == 5 and np.array_equal(cells.ravel()[:31], W2[:, 0])
    assert brick_weights(W2, 0, grid_shape=(3, 11)).shape == (3, 11)


def test_top_bricks_worked_example():
    """Worked by hand: the three largest and three most negative weights, strongest first."""
    W2 = np.zeros((7, 10))
    W2[:, 3] = [0.5, -2.0, 3.0, 0.0, -0.1, 1.0, -3.0]
    top = top_bricks(W2, 3, k=3)
    assert isinstance(top, TopBricks)
    assert top.blue_idx.tolist() == [2, 5, 0] and top.blue_w.tolist() == [3.0, 1.0, 0.5]
    assert top.red_idx.tolist() == [6, 1, 4] and top.red_w.tolist() == [-3.0, -2.0, -0.1]


@settings(max_examples=50, deadline=None)
@given(w=arrays(np.float64, st.integers(3, 40), elements=st.floats(-5, 5)), k=st.integers(1, 3))
def test_top_bricks_are_the_extremes_in_order(w, k):
    """Blue weights descend and beat every other weight; red ones ascend and undercut the rest."""
    top = top_bricks(w[:, None], 0, k=k)
    assert np.all(np.diff(top.blue_w) <= 0) and np.all(np.diff(top.red_w) >= 0)
    rest_blue = np.delete(w, top.blue_idx)
    rest_red = np.delete(w, top.red_idx)
    assert rest_blue.size == 0 or top.blue_w[-1] >= rest_blue.max()
    assert rest_red.size == 0 or top.red_w[-1] <= rest_red.min()
    assert np.array_equal(w[top.blue_idx], top.blue_w)


def test_assembled_brick_is_the_weighted_sum_of_hidden_images():
    """W1 @ W2[:, d] equals sum_j W2[j, d] * hidden image j."""
    W1, W2 = _weights()
    by_hand = sum(W2[j, 4] * hidden_images(W1)[j] for j in range(30))
    assert assembled_brick(W1, W2, 4).shape == (28, 28)
    assert np.allclose(assembled_brick(W1, W2, 4), by_hand)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda W1, W2: hidden_images(W1.T), r"\(784, n_hidden\).*not its transpose"),
        (lambda W1, W2: hidden_images(W1[:700]), r"got shape \(700, 30\)"),
        (lambda W1, W2: top_bricks(W2, 1, k=31), "at most 30 bricks"),
        (lambda W1, W2: top_bricks(W2, 1, k=0), "k must be"),
        (lambda W1, W2: top_bricks(W2, 10), "from 0 to 9"),
        (lambda W1, W2: brick_weights(W2, -1), "digit must be"),
        (lambda W1, W2: brick_weights(W2, 0, grid_shape=(4, 7)), "too few for 30"),
        (lambda W1, W2: brick_weights(W2[:, 0], 0), r"\(n_hidden, n_out\)"),
        (lambda W1, W2: assembled_brick(W1, W2[:20], 0), "same network"),
    ],
)
def test_bad_shapes_are_refused_with_the_fix(call, message):
    """Wrong weight shapes, a k beyond the hidden layer and bad digits say what to pass."""
    W1, W2 = _weights()
    with pytest.raises(ValueError, match=message):
        call(W1, W2)


@pytest.mark.parametrize("layer, call, message", [
    (0, lambda W1, W2: hidden_images(W1), r"W1 holds 2 non-finite values .* 2 of its 784 rows "
                                          r"\(pixels\) and 1 of its 30 columns \(hidden"),
    (0, lambda W1, W2: assembled_brick(W1, W2, 3), "W1 holds 2 non-finite"),
    (1, lambda W1, W2: brick_weights(W2, 0), r"W2 holds 2 non-finite .* 2 of its 30 rows"),
    (1, lambda W1, W2: top_bricks(W2, 0), "W2 holds 2 non-finite"),
])
def test_non_finite_weights_are_refused_with_counts_and_a_cause(layer, call, message):
    """A NaN weight (a diverged run) is named, not drawn as a blank or sorted as largest."""
    weights = list(_weights())
    weights[layer][[5, 7], 2] = [np.nan, np.inf]
    with pytest.raises(ValueError, match=message) as caught:
        call(*weights)
    assert "diverged" in str(caught.value)


@pytest.mark.parametrize("call, message", [
    (lambda: brick_grid_shape(0), "n_hidden must be an integer >= 1, got 0"),
    (lambda: brick_grid_shape("30"), "n_hidden must be an integer"),
    (lambda: hidden_images(np.zeros((784, 3)), side="28"), "side must be an integer"),
    (lambda: brick_weights(np.zeros((30, 10)), 0, grid_shape=(5.5, 6)), "grid_shape's entries"),
    (lambda: brick_weights(np.zeros((30, 10)), 0, grid_shape=30), "pair of ints"),
    (lambda: top_bricks([[1, 2], [3]], 0), "W2 must be an array of numbers"),
])
def test_counts_and_arrays_of_the_wrong_kind_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
