"""Smoothness and template matching: smooth strokes score high, noise low, a template is itself."""

import numpy as np
import pytest

from nnlego.bricks import assembled_brick
from nnlego.smoothness import (
    all_templates,
    composed_images,
    edge_templates,
    ink_mask,
    loop_templates,
    spatial_smoothness,
    template_match,
)


def test_smooth_edge_ranks_above_noise():
    """An edge template scores near 1, white noise near 0, inside and outside a mask."""
    rng = np.random.default_rng(0)
    edge = edge_templates().images[13]           # an edge, not a bar
    noise = rng.standard_normal((28, 28))
    mask = np.zeros((28, 28), dtype=bool)
    mask[4:24, 6:22] = True
    for m in (None, mask):
        smooth, rough = spatial_smoothness(np.stack([edge, noise]), mask=m)
        assert smooth > 0.8 and abs(rough) < 0.15 and smooth > rough


def test_smoothness_worked_by_hand():
    """Strip [0, 1, 0, 1]: every pair differs, r = -1. Strip [0, 0, 1, 1]: pairs (0,0), (0,1),
    (1,1) both ways, mean 1/2, covariance (1 - 1 + 1) / 4 / 3 = 1/12, variance 1/4: r = 1/3."""
    images = np.zeros((2, 4, 4))
    images[0, 0] = [0, 1, 0, 1]
    images[1, 0] = [0, 0, 1, 1]
    mask = np.zeros((4, 4), dtype=bool)
    mask[0] = True
    np.testing.assert_allclose(spatial_smoothness(images, mask), [-1.0, 1 / 3])


def test_smoothness_is_invariant_to_sign_and_scale_and_nan_when_constant():
    """r does not change under a -3x rescaling; a constant image has no correlation."""
    image = loop_templates().images[4]
    a, b, c = spatial_smoothness(np.stack([image, -3 * image, np.ones((28, 28))]))
    assert a == pytest.approx(b) and np.isnan(c)


def test_a_template_matches_itself_with_one():
    """Each template's best match in the bank is itself, with r = r2 = 1."""
    bank = all_templates()
    match = template_match(bank.images, bank)
    np.testing.assert_array_equal(match.index, np.arange(len(bank.images)))
    np.testing.assert_allclose(match.r, 1.0)
    np.testing.assert_allclose(match.r2, 1.0)


def test_template_match_is_sign_blind_and_noise_explains_little():
    """A negated template matches with r = -1; noise's best r2 stays small (< 0.1)."""
    rng = np.random.default_rng(1)
    bank = edge_templates()
    images = np.stack([-bank.images[5], rng.standard_normal((28, 28))])
    match = template_match(images, bank.images)
    assert match.index[0] == 5 and match.r[0] == pytest.approx(-1.0)
    assert match.r2[1] < 0.1 and match.corr.shape == (2, len(bank.images))


def test_template_bank_shapes_and_names():
    """24 edges/bars and 15 rings, 28 x 28, one distinct name each; other sides work too."""
    edges, loops = edge_templates(), loop_templates()
    assert edges.images.shape == (24, 28, 28) and loops.images.shape == (15, 28, 28)
    names = all_templates().names
    assert len(set(names)) == len(names) == 39
    assert edge_templates(side=20).images.shape == (24, 20, 20)


def test_horizontal_bar_lies_along_a_row():
    """'bar 0deg +0' peaks on the middle rows and is constant along each row."""
    bank = edge_templates()
    bar = bank.images[bank.names.index("bar 0deg +0")]
    assert np.allclose(bar, bar[:, :1])
    assert set(np.argmax(bar, axis=0)) <= {13, 14}


def test_ink_mask_marks_pixels_with_ink():
    """A pixel inked in half the images passes 0.4, not 0.6 (one pixel left: refused)."""
    X = np.zeros((2, 784))
    X[0, [100, 101]] = 1.0
    X[:, 300] = 1.0
    mask = ink_mask(X, threshold=0.4)
    assert mask.shape == (28, 28) and mask.sum() == 3
    assert np.array_equal(ink_mask(X.reshape(2, 28, 28), threshold=0.4), mask)
    with pytest.raises(ValueError, match="lower it"):
        ink_mask(X, threshold=0.6)


def test_composed_images_match_assembled_brick():
    """Layer-2 neuron j on the pixels is W1 @ W2[:, j]; over layer 1 it is W2[:, j]."""
    rng = np.random.default_rng(2)
    W1, W2 = rng.standard_normal((784, 16)), rng.standard_normal((16, 16))
    composed = composed_images(W1, W2)
    assert composed.weights.shape == (16, 16) and composed.pixels.shape == (16, 28, 28)
    for j in (0, 7, 15):
        np.testing.assert_allclose(composed.pixels[j], assembled_brick(W1, W2, j))
        np.testing.assert_array_equal(composed.weights[j], W2[:, j])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: spatial_smoothness(np.zeros((28, 28))), "image\\[None\\]"),
        (lambda: spatial_smoothness(np.zeros((1, 28, 28)), mask=np.ones((28, 28))), "boolean"),
        (lambda: spatial_smoothness(np.zeros((1, 4, 4)), mask=np.eye(4, dtype=bool)),
         "neighbouring"),
        (lambda: template_match(np.zeros((1, 20, 20)), edge_templates()), "side=20"),
        (lambda: ink_mask(np.zeros((3, 10))), "28 x 28"),
        (lambda: ink_mask(np.zeros((3, 784)), threshold="high"), "number"),
        (lambda: composed_images(np.zeros((16, 784)), np.zeros((16, 16))), "transpose"),
        (lambda: composed_images(np.zeros((784, 16)), np.zeros((10, 16))), "same network"),
    ],
)
def test_bad_input_is_refused(call, message):
    """Wrong shapes, dtypes or thresholds raise a ValueError that says the fix."""
    with pytest.raises(ValueError, match=message):
        call()
