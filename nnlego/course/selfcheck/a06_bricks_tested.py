"""Self-check of assignment 6, "Are they Lego bricks?": knock-outs, partial use, matching.

Each piece runs the learner's function on fresh random networks and weights of sizes the
notebook never uses and compares it with nnlego's own implementation (:mod:`nnlego.knockout`,
:mod:`nnlego.brick_use`, :mod:`nnlego.matching`), which must not run inside the learner's code.
"""

from __future__ import annotations

import numpy as np

from nnlego import brick_use, knockout, matching
from nnlego.course.selfcheck.base import Failed, Piece
from nnlego.course.selfcheck.tools import running
from nnlego.network import Network

ASSIGNMENT = "06_bricks_tested"


def _net(rng, n_in=None, n_hidden=None, n_out=None):
    sizes = [n_in or int(rng.integers(5, 25)), n_hidden or int(rng.integers(3, 14)),
             n_out or int(rng.integers(3, 7))]
    return Network(sizes, init="large", rng=rng)


def _data(rng, net, n=250, missing=True):
    X = rng.normal(size=(n, net.sizes[0])).astype(np.float32)
    classes = np.arange(net.sizes[-1])
    if missing:
        classes = np.delete(classes, rng.integers(len(classes)))
    return X, rng.choice(classes, size=n)


def _params(net):
    return [p.copy() for p in net.weights + net.biases]


def _same(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a, b))


def check_knock_out(ns, rng):
    kind = "a fresh random network, random sets of neurons"
    net = _net(rng)
    before = _params(net)
    X = rng.normal(size=(30, net.sizes[0])).astype(np.float32)
    for size in (0, 1, 2, net.sizes[1]):
        neurons = rng.choice(net.sizes[1], size=size, replace=False)
        with running(kind, knockout.knock_out):
            mine = ns["knock_out"](net, list(neurons))
        if mine is net or not _same(before, _params(net)):
            raise Failed(kind, "knock_out changed the network it was given: silence the neurons "
                               "in net.copy() and return the copy")
        expected = knockout.knock_out(net, neurons)
        if not _same(_params(mine), _params(expected)):
            raise Failed(kind, f"knocking out {sorted(neurons.tolist())} must zero those rows of "
                               "W2 (the neurons' outgoing weights) and change nothing else")
        if not np.allclose(mine.forward(X), expected.forward(X), rtol=0, atol=1e-6):
            raise Failed(kind, "the knocked-out copy computes other outputs than nnlego's")


def check_class_recall(ns, rng):
    kind = "a fresh random network, labels with one class missing"
    net = _net(rng)
    X, y = _data(rng, net)
    with running(kind, knockout.class_recall):
        mine = np.asarray(ns["class_recall"](net, X, y), dtype=float)
    expected = knockout.class_recall(net, X, y)
    if mine.shape != expected.shape:
        raise Failed(kind, f"expected one recall per class, shape {expected.shape}, got "
                           f"{mine.shape}")
    if not np.allclose(mine, expected, rtol=0, atol=1e-12, equal_nan=True):
        raise Failed(kind, "recall of d = share of the images labelled d that are predicted d; "
                           "NaN for a class without images")


def check_activation_use(ns, rng):
    kind = "a fresh random network, random thresholds"
    net = _net(rng)
    X = rng.normal(size=(300, net.sizes[0])).astype(np.float32)
    low = float(rng.uniform(0.05, 0.45))
    high = float(rng.uniform(0.55, 0.95))
    with running(kind, brick_use.activation_use):
        mine = [np.asarray(part, dtype=float) for part in ns["activation_use"](net, X, low, high)]
    expected = brick_use.activation_use(net, X, low, high)
    names = ("near_zero", "between", "near_one")
    for name, part in zip(names, mine):
        if part.shape != (net.sizes[1],) or not np.allclose(part, getattr(expected, name),
                                                             rtol=0, atol=1e-12):
            raise Failed(kind, f"{name} differs from nnlego's: per hidden neuron (As[1]), the "
                               "share of the images below low / in between / above high")


def check_digit_use(ns, rng):
    kind = "a fresh random network, a digit without images, a random threshold"
    net = _net(rng)
    X, y = _data(rng, net)
    threshold = float(rng.uniform(0.2, 0.8))
    with running(kind, brick_use.digit_use):
        mine = np.asarray(ns["digit_use"](net, X, y, threshold=threshold), dtype=float)
    expected = brick_use.digit_use(net, X, y, threshold)
    if mine.shape != expected.shape or not np.allclose(mine, expected, rtol=0, atol=1e-12,
                                                       equal_nan=True):
        raise Failed(kind, "entry [j, d] is the share of digit d's images on which neuron j's "
                           "activation is above threshold, NaN for a digit without images")


def check_top_vs_random(ns, rng):
    kind = "a fresh random network whose strongest weights are red, and fresh seeds"
    net = _net(rng, n_hidden=int(rng.integers(6, 14)))
    W2 = net.weights[1]
    W2[W2 < 0] *= 3                       # the largest |w| are negative: not the blue bricks
    X, y = _data(rng, net, missing=False)
    before = _params(net)
    forbidden = (knockout.top_vs_random_knockout, knockout.knock_out, knockout.class_recall)
    for digit in range(net.sizes[-1]):
        k, seed = int(rng.integers(1, 4)), int(rng.integers(2**31))
        with running(kind, *forbidden):
            top_drop, random_drops = ns["top_vs_random"](
                net, X, y, digit, k=k, rng=np.random.default_rng(seed), n_random=12)
        if not _same(before, _params(net)):
            raise Failed(kind, "top_vs_random changed the network: knock neurons out in copies")
        expected = knockout.top_vs_random_knockout(net, X, y, digit, k,
                                                   rng=np.random.default_rng(seed), n_random=12)
        if not np.isclose(float(top_drop), expected.top_drop, rtol=0, atol=1e-9):
            raise Failed(kind, "top_drop: knock out the k largest weights of W2[:, digit] (not "
                               "the largest |w|) and take recall before minus recall after")
        if not np.allclose(np.asarray(random_drops, dtype=float), expected.random_drops,
                           rtol=0, atol=1e-9):
            raise Failed(kind, "random_drops: one set per call rng.choice(n_hidden, size=k, "
                               "replace=False), drawn from rng, in order")


def check_match_neurons(ns, rng):
    kind = "fresh random weights (a noisy, shuffled copy and an unrelated pair)"
    n_pixels, n_hidden = int(rng.integers(30, 90)), int(rng.integers(6, 12))
    W_a = rng.normal(size=(n_pixels, n_hidden))
    shuffled = 2 * W_a[:, rng.permutation(n_hidden)] + 0.7 * rng.normal(size=W_a.shape) + 1
    mask = rng.random(n_pixels) < 0.7
    forbidden = (matching.match_neurons, matching._standardize_columns)
    unrelated = [rng.normal(size=W_a.shape) for _ in range(4)]
    for W_b in (shuffled, *unrelated):
        for m in (None, mask):
            with running(kind, *forbidden):
                perm, correlations, corr = ns["match_neurons"](W_a, W_b, mask=m)
            expected = matching.match_neurons(W_a, W_b, mask=m)
            if not np.allclose(np.asarray(corr, dtype=float), expected.corr, rtol=0, atol=1e-6):
                raise Failed(kind, "corr[k, m] is the Pearson r of a's column k and b's column m "
                                   "over the mask's pixels (centred, divided by both stds)")
            if not np.array_equal(np.asarray(perm), expected.perm):
                raise Failed(kind, "perm is not the pairing with the largest total correlation "
                                   "(linear_sum_assignment(corr, maximize=True)); a's neuron k "
                                   "goes with b's neuron perm[k]")
            if not np.allclose(np.asarray(correlations, dtype=float), expected.correlations,
                               rtol=0, atol=1e-6):
                raise Failed(kind, "correlations[k] must be corr[k, perm[k]]")


PIECES = (
    Piece("knock_out", covers=("test_knock_out",), needs=("knock_out",), check=check_knock_out),
    Piece("class_recall", covers=("test_class_recall",), needs=("class_recall",),
          check=check_class_recall),
    Piece("activation_use", covers=("test_activation_use",), needs=("activation_use",),
          check=check_activation_use),
    Piece("digit_use", covers=("test_digit_use",), needs=("digit_use",), check=check_digit_use),
    Piece("top_vs_random", covers=("test_top_vs_random",),
          needs=("top_vs_random", "knock_out", "class_recall"), check=check_top_vs_random),
    Piece("match_neurons", covers=("test_match_neurons",), needs=("match_neurons",),
          check=check_match_neurons),
)
