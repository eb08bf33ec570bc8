"""Brick use: knock-outs, partial use and negative drive on hand-built nets with known answers."""

import itertools

import numpy as np
import pytest

from nnlego import Network
from nnlego.brick_use import (
    activation_use,
    class_recall,
    digit_use,
    hidden_activations,
    knock_out,
    knockout_drops,
    negative_drive,
    smallest_breaking_set,
    top_vs_random_knockout,
)


def _net(W0, b0, W1, b1):
    """A 3-layer sigmoid network with the given float64 parameters."""
    W0, W1 = np.asarray(W0, float), np.asarray(W1, float)
    net = Network([W0.shape[0], W0.shape[1], W1.shape[1]], rng=np.random.default_rng(0),
                  dtype=np.float64)
    net.weights = [W0, W1]
    net.biases = [np.asarray(b0, float), np.asarray(b1, float)]
    return net


def _copy_net():
    """Hidden neuron j copies input j (a = 0 or 1, to 5e-5). Output 0 likes h0 (+4), dislikes h1
    (-2); output 1 likes h1 (+4) and h2 (+1), dislikes h0 (-2). Class 0 is x = (1, 0, 1), class 1
    is x = (0, 1, 1): knocking out h0 turns class 0's z from (4, -1) into (0, 1), wrong; nothing
    else changes a prediction."""
    net = _net(20 * np.eye(3), [-10] * 3, [[4, -2], [-2, 4], [0, 1]], [0, 0])
    X = np.array([[1, 0, 1]] * 4 + [[0, 1, 1]] * 6, dtype=float)
    y = np.array([0] * 4 + [1] * 6)
    return net, X, y


def _redundant_net():
    """Class 0 (x = (1, 1, 0)) is driven by h0 and h1 alike (+4 each, z = (8, 1)); class 1
    (x = (0, 0, 1)) by h2; output 1's bias is +1. One knock-out never breaks class 0; h0 and h1
    together do (z = (0, 1))."""
    net = _net(20 * np.eye(3), [-10] * 3, [[4, 0], [4, 0], [0, 2]], [0, 1])
    X = np.array([[1, 1, 0]] * 5 + [[0, 0, 1]] * 5, dtype=float)
    return net, X, np.array([0] * 5 + [1] * 5)


def test_knock_out_silences_outgoing_weights_only():
    """The copy has row j of W1 zeroed and misclassifies class 0; the original is unchanged."""
    net, X, y = _copy_net()
    before = [W.copy() for W in net.weights]
    silenced = knock_out(net, [0])
    assert np.all(silenced.weights[1][0] == 0)
    np.testing.assert_array_equal(silenced.weights[0], net.weights[0])
    np.testing.assert_array_equal(silenced.predict(X), [1] * 10)
    np.testing.assert_array_equal(net.predict(X), y)
    for W, W0 in zip(net.weights, before):
        np.testing.assert_array_equal(W, W0)


def test_knockout_drops_worked_by_hand():
    """Only h0 matters to class 0 (drop 1); no single neuron breaks class 1."""
    net, X, y = _copy_net()
    np.testing.assert_allclose(knockout_drops(net, X, y), [[1, 0], [0, 0], [0, 0]])
    np.testing.assert_allclose(class_recall(net, X, y), [1, 1])


def test_knockout_drops_agree_with_knock_out_on_a_random_net():
    """The fast path (zeroed activation columns) equals knock_out(...) then class_recall."""
    rng = np.random.default_rng(3)
    net = Network([6, 5, 4, 3], rng=rng, init="large", dtype=np.float64)
    X, y = rng.random((200, 6)), rng.integers(0, 3, 200)
    for layer in (0, 1):
        drops = knockout_drops(net, X, y, layer=layer)
        assert drops.shape == (net.sizes[layer + 1], 3)
        for j in range(net.sizes[layer + 1]):
            slow = class_recall(net, X, y) - class_recall(knock_out(net, [j], layer=layer), X, y)
            np.testing.assert_allclose(drops[j], slow)


def test_smallest_breaking_set_needs_two_redundant_neurons():
    """Class 0 survives any one knock-out; greedy removes h0 then h1 (recall 1, then 0)."""
    net, X, y = _redundant_net()
    assert np.all(knockout_drops(net, X, y)[:, 0] == 0)
    found = smallest_breaking_set(net, X, y, digit=0, threshold=0.5)
    np.testing.assert_array_equal(found.neurons, [0, 1])
    np.testing.assert_allclose(found.recalls, [1, 0])
    assert found.broken and found.intact_recall == 1


@pytest.mark.parametrize("seed", range(4))
def test_greedy_set_breaks_and_is_never_smaller_than_the_exact_one(seed):
    """On small random nets: the greedy set breaks the digit, and no set smaller than the exact
    smallest (brute force over all 64 subsets) does."""
    rng = np.random.default_rng(seed)
    net = Network([5, 6, 3], rng=rng, init="large", dtype=np.float64)
    X = rng.standard_normal((60, 5))
    y = net.predict(X)                                     # intact recall 1 on every class
    digit = int(np.bincount(y, minlength=3).argmax())
    found = smallest_breaking_set(net, X, y, digit, threshold=0.5)

    def broken(neurons):
        return class_recall(knock_out(net, list(neurons)), X, y)[digit] < 0.5

    exact = next((r for r in range(7) for s in itertools.combinations(range(6), r)
                  if broken(s)), None)
    assert found.broken == (exact is not None)
    if found.broken:
        assert broken(found.neurons) and len(found.neurons) >= exact


def test_top_bricks_matter_more_than_random_ones():
    """k = 1: class 0's top blue brick is h0 (drop 1); a random neuron is h0 one time in three."""
    net, X, y = _copy_net()
    result = top_vs_random_knockout(net, X, y, digit=0, k=1, rng=np.random.default_rng(0),
                                    n_random=300)
    assert result.top_drop == 1 and list(result.top_neurons) == [0]
    assert set(np.unique(result.random_drops)) <= {0.0, 1.0}
    assert result.random_mean == pytest.approx(1 / 3, abs=0.08)
    again = top_vs_random_knockout(net, X, y, digit=0, k=1, rng=np.random.default_rng(0),
                                   n_random=300)
    np.testing.assert_array_equal(again.random_drops, result.random_drops)


def test_activation_use_worked_by_hand():
    """Constant activations 0.5, 0.99, 0.01 (biases 0, ln 99, -ln 99) fall in between, near 1,
    near 0 on every input."""
    net = _net(np.zeros((3, 3)), [0, np.log(99), -np.log(99)], np.ones((3, 2)), [0, 0])
    X = np.random.default_rng(0).random((7, 3))
    use = activation_use(net, X, low=0.1, high=0.9)
    np.testing.assert_allclose(use.between, [1, 0, 0])
    np.testing.assert_allclose(use.near_one, [0, 1, 0])
    np.testing.assert_allclose(use.near_zero, [0, 0, 1])
    np.testing.assert_allclose(use.activations, hidden_activations(net, X))
    assert use.activations.shape == (7, 3)


def test_digit_use_worked_by_hand():
    """h0 is on for class 0's images, h2 for all, h1 for half of class 1's (x1 = 1 or 0)."""
    net, X, y = _copy_net()
    X = X.copy()
    X[7:, 1] = 0                                          # 3 of class 1's 6 images lose x1
    np.testing.assert_allclose(digit_use(net, X, y), [[1, 0], [0, 0.5], [1, 1]])
    np.testing.assert_allclose(digit_use(net, X, y, threshold=1.0), 0)
    with pytest.raises(ValueError, match="threshold"):
        digit_use(net, X, y, threshold=None)


def test_negative_drive_worked_by_hand():
    """a = (1/2, 3/4, 1/4) everywhere. Output 0, w = (4, -2, 0): terms (2, -3/2, 0), negative
    share 1.5 / 3.5 = 3/7. Output 1, w = (-2, 4, 1): terms (-1, 3, 1/4): 1 / 4.25 = 4/17."""
    net = _net(np.zeros((3, 3)), [0, np.log(3), -np.log(3)], [[4, -2], [-2, 4], [0, 1]], [0, 0])
    X, y = np.ones((4, 3)), np.array([0, 0, 1, 1])
    drive = negative_drive(net, X, y)
    np.testing.assert_allclose(drive.negative_weight_share, [1 / 3, 1 / 3])
    np.testing.assert_allclose(drive.negative_drive_share, [3 / 7, 4 / 17])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda n, X, y: knock_out(n, [3]), "from 0 to 2"),
        (lambda n, X, y: knock_out(n, [0.5]), "indices"),
        (lambda n, X, y: knockout_drops(n, X, y, layer=1), "hidden layer index"),
        (lambda n, X, y: activation_use(n, X, low=0.9, high=0.1), "low < high"),
        (lambda n, X, y: smallest_breaking_set(n, X, y, 0, threshold=1.5), "threshold"),
        (lambda n, X, y: smallest_breaking_set(n, X[:4], y[:4], 1), "no samples of digit 1"),
        (lambda n, X, y: top_vs_random_knockout(n, X, y, 2, rng=np.random.default_rng(0)),
         "digit"),
        (lambda n, X, y: negative_drive(n, X, y[:3]), "labels"),
        (lambda n, X, y: knockout_drops(n, X[:, :2], y), "shape"),
    ],
)
def test_bad_input_is_refused(call, message):
    """Bad neurons, layers, thresholds, digits or data raise a ValueError naming the fix."""
    net, X, y = _copy_net()
    with pytest.raises(ValueError, match=message):
        call(net, X, y)


def test_rng_must_be_a_generator():
    """A seed where a Generator is expected is a TypeError that shows the fix."""
    net, X, y = _copy_net()
    with pytest.raises(TypeError, match="default_rng"):
        top_vs_random_knockout(net, X, y, 0, rng=0)


def test_output_use_counts_the_bricks_that_carry_a_digits_drive():
    """By hand on the copy net: class 0's images have a = (1, 0, 1), so its terms a_j w_j0 are
    (4, 0, 0): one brick carries all of it. Class 1's a = (0, 1, 1): terms (0, 4, 1), total 5,
    so 75% needs one brick, 85% needs two; the largest brick's share is 0.8 (activations are
    1 and 0 only to 5e-5, hence fractions clear of 0.8)."""
    from nnlego.brick_use import output_use

    net, X, y = _copy_net()
    use = output_use(net, X, y, fraction=0.75)
    np.testing.assert_allclose(use.contributions[:, 1], [0, 4, 1], atol=1e-3)
    np.testing.assert_array_equal(use.n_for_fraction, [1, 1])
    np.testing.assert_allclose(use.top_share, [1.0, 0.8], atol=1e-3)
    np.testing.assert_array_equal(output_use(net, X, y, fraction=0.85).n_for_fraction, [1, 2])
    with pytest.raises(ValueError, match="fraction must be a number in"):
        output_use(net, X, y, fraction=1.5)


def test_output_use_grows_with_the_fraction_and_is_signed():
    """Property on a random net: more drive needs no fewer bricks; contributions keep the sign
    of the output weight (sigmoid activations are positive)."""
    from nnlego.brick_use import output_use

    rng = np.random.default_rng(3)
    net = _net(rng.standard_normal((6, 8)), rng.standard_normal(8),
               rng.standard_normal((8, 3)), np.zeros(3))
    X, y = rng.random((60, 6)), rng.integers(0, 3, 60)
    counts = [output_use(net, X, y, fraction=f).n_for_fraction for f in (0.3, 0.6, 0.9, 1.0)]
    assert all(np.all(a <= b) for a, b in itertools.pairwise(counts))
    use = output_use(net, X, y)
    assert np.all(np.sign(use.contributions) == np.sign(net.weights[1]))
