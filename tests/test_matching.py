"""Matching: a permuted network is the same network, and matching finds the permutation back."""

import itertools

import numpy as np
import pytest

from nnlego import Network
from nnlego.matching import match_neurons, permute_hidden, shuffle_pixels


def _net(seed=0, sizes=(784, 30, 10)):
    return Network(list(sizes), init="large", rng=np.random.default_rng(seed), dtype=np.float64)


def test_a_permuted_copy_predicts_identically():
    """Moving W1's columns, b1 and W2's rows together changes no output; the net is untouched."""
    rng = np.random.default_rng(1)
    net = _net()
    X = rng.random((50, 784))
    perm = rng.permutation(30)
    permuted = permute_hidden(net, perm)
    np.testing.assert_allclose(permuted.forward(X), net.forward(X), rtol=1e-12)
    np.testing.assert_array_equal(permuted.weights[0][:, 0], net.weights[0][:, perm[0]])
    assert not np.array_equal(permuted.weights[0], net.weights[0])


def test_permuting_only_the_columns_changes_the_outputs():
    """The checker can fail: W1's columns moved without W2's rows give other outputs."""
    rng = np.random.default_rng(2)
    net = _net()
    X = rng.random((20, 784))
    broken = permute_hidden(net, rng.permutation(30))
    broken.weights[1] = net.weights[1].copy()
    assert not np.allclose(broken.forward(X), net.forward(X))


def test_permuting_a_deeper_hidden_layer():
    """layer=1 of a 784-16-16-10 net: same outputs, second layer's columns moved."""
    net = _net(sizes=(784, 16, 16, 10))
    X = np.random.default_rng(3).random((10, 784))
    perm = np.arange(16)[::-1].copy()
    permuted = permute_hidden(net, perm, layer=1)
    np.testing.assert_allclose(permuted.forward(X), net.forward(X), rtol=1e-12)
    np.testing.assert_array_equal(permuted.weights[1], net.weights[1][:, ::-1])


def test_matching_a_permuted_copy_returns_the_permutation():
    """a's neuron k is b's neuron perm_back[k], with correlation 1 (also with a mask)."""
    rng = np.random.default_rng(4)
    net = _net()
    perm = rng.permutation(30)
    W1_b = permute_hidden(net, perm).weights[0]          # b's neuron k is a's perm[k]
    mask = np.zeros((28, 28), dtype=bool)
    mask[5:23, 5:23] = True
    for m in (None, mask):
        matching = match_neurons(net.weights[0], W1_b, mask=m)
        np.testing.assert_array_equal(perm[matching.perm], np.arange(30))
        np.testing.assert_allclose(matching.correlations, 1.0)


def test_independent_random_matrices_match_poorly():
    """Two independent N(0,1) matrices: the best one-to-one matching stays below r = 0.2."""
    rng = np.random.default_rng(5)
    matching = match_neurons(rng.standard_normal((784, 30)), rng.standard_normal((784, 30)))
    assert np.all(np.abs(matching.correlations) < 0.2)
    assert 0 < matching.correlations.mean() < 0.1


def test_matching_is_optimal_on_a_small_case():
    """4 neurons: the assignment's total r equals the best over all 24 permutations."""
    rng = np.random.default_rng(6)
    A, B = rng.standard_normal((50, 4)), rng.standard_normal((50, 4))
    matching = match_neurons(A, B)
    best = max(sum(matching.corr[k, p[k]] for k in range(4))
               for p in itertools.permutations(range(4)))
    assert matching.correlations.sum() == pytest.approx(best)


def test_sign_invariant_matching_finds_negated_neurons():
    """b = -a: signed matching gets r = -1 at best; sign_invariant pairs each with its negation."""
    W = np.random.default_rng(7).standard_normal((100, 5))
    signed = match_neurons(W, -W)
    blind = match_neurons(W, -W, sign_invariant=True)
    np.testing.assert_array_equal(blind.perm, np.arange(5))
    np.testing.assert_allclose(blind.correlations, -1.0)
    assert signed.correlations.sum() > -5 + 1e-6


def test_shuffle_pixels_keeps_values_and_breaks_correspondence():
    """Rows are permuted (one permutation for all neurons); outside the mask nothing moves."""
    rng = np.random.default_rng(8)
    W = rng.standard_normal((784, 30))
    mask = np.zeros(784, dtype=bool)
    mask[100:600] = True
    shuffled = shuffle_pixels(W, rng=rng, mask=mask)
    np.testing.assert_array_equal(shuffled[~mask], W[~mask])
    np.testing.assert_array_equal(np.sort(shuffled, axis=0), np.sort(W, axis=0))
    assert np.abs(match_neurons(W, shuffled, mask=mask).correlations).max() < 0.25
    again = shuffle_pixels(W, rng=np.random.default_rng(8), mask=mask)
    np.testing.assert_array_equal(shuffle_pixels(W, rng=np.random.default_rng(8), mask=mask),
                                  again)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda n: permute_hidden(n, np.arange(29)), "permutation of 0..29"),
        (lambda n: permute_hidden(n, np.zeros(30, dtype=int)), "permutation"),
        (lambda n: permute_hidden(n, np.arange(30), layer=1), "hidden layer index"),
        (lambda n: match_neurons(n.weights[0], n.weights[0][:, :10]), "same shape"),
        (lambda n: match_neurons(n.weights[0], n.weights[1]), "same shape"),
        (lambda n: match_neurons(n.weights[0][0], n.weights[0][0]), "n_inputs, n_hidden"),
        (lambda n: match_neurons(n.weights[0], n.weights[0], mask=np.ones(10, bool)),
         r"shape \(784,\)"),
        (lambda n: shuffle_pixels(n.weights[0], rng=np.random.default_rng(0),
                                  mask=np.ones((28, 28))), "boolean"),
    ],
)
def test_bad_input_is_refused(call, message):
    """Wrong permutations, layers, shapes and masks raise a ValueError naming the fix."""
    with pytest.raises(ValueError, match=message):
        call(_net())


def test_shuffle_pixels_needs_a_generator():
    """rng=seed is a TypeError that shows the fix."""
    with pytest.raises(TypeError, match="default_rng"):
        shuffle_pixels(np.zeros((784, 3)), rng=1)
