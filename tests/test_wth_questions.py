"""Chapter 5's questions measured: ring scores, centre shares, what a red brick fires on."""

import numpy as np
import pytest

from nnlego import Network
from nnlego.articles import wth_questions as q


def test_the_ring_scores_one_and_noise_about_zero():
    """The template itself scores 1, its negative -1; random images score near 0."""
    ring = q.ring_template()
    assert q.ring_score(ring)[0] == pytest.approx(1.0)
    assert q.ring_score(-ring)[0] == pytest.approx(-1.0)
    noise = q.ring_score(np.random.default_rng(0).standard_normal((200, 784)))
    assert abs(noise.mean()) < 0.02 and noise.std() < 0.1


def test_centre_share_by_hand():
    """Blue only in the central pixel: share 1; blue only in a corner: 0; red is ignored."""
    image = np.zeros(784)
    image[14 * 28 + 14] = 2.0
    image[0] = -5.0
    assert q.centre_share(image)[0] == pytest.approx(1.0)
    corner = np.zeros(784)
    corner[0] = 1.0
    assert q.centre_share(corner)[0] == pytest.approx(0.0)


def test_ring_score_refuses_images_that_are_not_flat_28_by_28():
    with pytest.raises(ValueError, match="784 columns"):
        q.ring_score(np.zeros((2, 28, 28)))


def _net_with_bricks():
    """Hidden 0 copies the ring (fires on ring images), hidden 1 is always on (bias 10),
    hidden 2 fires on centre ink. Digit 0 likes hidden 0, dislikes 1 (-3) and 2 (-1)."""
    ring, centre = q.ring_template(), (q._radius() <= 3).astype(float)
    net = Network([784, 3, 2], rng=np.random.default_rng(0), dtype=np.float64)
    net.weights = [np.stack([ring, np.zeros(784), centre], axis=1),
                   np.array([[4.0, -1.0], [-3.0, 2.0], [-1.0, 3.0]])]
    net.biases = [np.array([-20.0, 10.0, -5.0]), np.zeros(2)]
    X = np.stack([ring] * 5 + [centre] * 5)
    y = np.array([0] * 5 + [1] * 5)
    return net, X, y


def test_ring_answer_finds_the_ring_brick():
    net, X, y = _net_with_bricks()
    answer = q.ring_answer(net, X, y, digit=0, k=1, rng=np.random.default_rng(0))
    assert answer["top_idx"] == [0] and answer["rank"] == [1]
    assert answer["top"][0] == pytest.approx(1.0) and answer["digit_mean"] == pytest.approx(1.0)


def test_red_brick_answer_spots_the_constant_brick():
    """Digit 0's strongest red brick (hidden 1, -3) is on for every image: always_on, a bias;
    the next (hidden 2) fires on digit 1's centre ink and keeps its blue in the centre."""
    net, X, y = _net_with_bricks()
    first, second = q.red_brick_answer(net, X, y, digit=0, k=2)
    assert first["brick"] == 1 and first["always_on"] and first["votes_for"] == 1
    assert second["brick"] == 2 and not second["always_on"]
    assert second["fires_most_on"] == 1 and second["rank_of_digit"] == 2
    assert second["centre_share"] == pytest.approx(1.0)
