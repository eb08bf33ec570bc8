"""Knock-outs: silence hidden neurons and watch each digit's recall.

"Only in combination": if the hidden neurons were Lego bricks, removing a digit's top bricks would
break it, and one brick would matter to few digits. :func:`knockout_drops` removes one neuron at
a time, :func:`top_vs_random_knockout` a digit's top-k blue bricks against k random neurons,
:func:`smallest_breaking_set` greedily as few as it takes to break a digit.

Conventions
-----------
- ``net`` is an :class:`nnlego.Network`; ``layer`` picks its hidden layer (0 = the first, whose
  activations are ``forward_all(X)[1][1]``). Top bricks read ``net.weights[1]`` and need a single
  hidden layer (784-30-10).
- *Knocking out* neuron j zeroes its outgoing weights ``W[j, :]``: it contributes exactly 0 to
  the next layer, as if its activation were always 0. Zero is a choice: a sigmoid neuron's mean
  is not 0 (mean ablation would add ``mean(a_j) * W[j, :]`` to the next biases instead).
- A digit's *recall* is the share of its images classified correctly; drops are
  ``recall(intact) - recall(knocked out)``, in [-1, 1] (positive = worse).

Book: chapter 6, "Are they Lego bricks?".
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from ._validation import check_features, check_labels, check_positive_int, check_rng
from .activations import ACTIVATIONS
from .bricks import top_bricks


class KnockoutComparison(NamedTuple):
    """A digit's recall drop with its top-k blue bricks ``top_neurons (k,)`` out, and with k
    random neurons out, ``random_drops (n_random,)`` (their mean and standard deviation)."""

    top_drop: float
    top_neurons: np.ndarray
    random_drops: np.ndarray
    random_mean: float
    random_std: float


class BreakingSet(NamedTuple):
    """Greedy knock-outs: ``neurons (m,)`` in the order removed, the digit's ``recalls (m,)``
    after each removal, ``intact_recall`` before any, and whether it ended below the threshold."""

    neurons: np.ndarray
    recalls: np.ndarray
    intact_recall: float
    broken: bool


def hidden_activations(net, X, layer: int = 0) -> np.ndarray:
    """The activations of hidden layer ``layer``: ``(n_samples, n_hidden)``."""
    layer = _check_layer(net, layer)
    X = check_features("X", X, net.sizes[0]).astype(net.dtype, copy=False)
    return net.forward_all(X)[1][layer + 1]


def knock_out(net, neurons, *, layer: int = 0):
    """A copy of ``net`` whose hidden neurons ``neurons`` (indices) are silenced.

    Their outgoing weights ``net.weights[layer + 1][neurons, :]`` become 0 (see the module
    docstring for why zero). ``net`` itself is unchanged.
    """
    layer = _check_layer(net, layer)
    neurons = _check_neurons(neurons, net.sizes[layer + 1])
    silenced = net.copy()
    silenced.weights[layer + 1][neurons, :] = 0
    return silenced


def class_recall(net, X, y) -> np.ndarray:
    """Per class, the share of its samples classified correctly: ``(n_classes,)`` (NaN if a
    class has no samples)."""
    return _recall(net.predict(X), _check_labels(net, X, y), net.sizes[-1])


def knockout_drops(net, X, y, *, layer: int = 0) -> np.ndarray:
    """Each digit's recall drop when each hidden neuron alone is knocked out.

    Returns ``(n_hidden, n_classes)``: ``drops[j, d] = recall_d(net) - recall_d(net without j)``.
    """
    layer = _check_layer(net, layer)
    y = _check_labels(net, X, y)
    A = hidden_activations(net, X, layer)
    n_classes = net.sizes[-1]
    intact = _recall(_predict_from(net, layer, A), y, n_classes)
    drops = np.empty((A.shape[1], n_classes))
    for j in range(A.shape[1]):
        drops[j] = intact - _recall(_predict_from(net, layer, A, [j]), y, n_classes)
    return drops


def top_vs_random_knockout(net, X, y, digit: int, k: int = 3, *, rng, n_random: int = 200):
    """Knock out ``digit``'s top-k blue bricks, then k random neurons ``n_random`` times.

    Random sets are k distinct neurons drawn uniformly from the whole hidden layer (they may
    include top bricks). If bricks were Lego, the top three would matter far more than any
    three. Needs a single hidden layer. Returns a :class:`KnockoutComparison`.
    """
    rng = check_rng(rng)
    _check_single_hidden(net, "top_vs_random_knockout")
    n_random = check_positive_int("n_random", n_random)
    X_d, y_d, digit = _digit_images(net, X, y, digit)
    top = top_bricks(net.weights[1], digit, k).blue_idx
    A = hidden_activations(net, X_d)
    intact = np.mean(_predict_from(net, 0, A) == y_d)

    def drop(neurons):
        return intact - np.mean(_predict_from(net, 0, A, neurons) == y_d)

    random_drops = np.array([drop(rng.choice(net.sizes[1], size=k, replace=False))
                             for _ in range(n_random)])
    return KnockoutComparison(float(drop(top)), top, random_drops, float(random_drops.mean()),
                              float(random_drops.std()))


def smallest_breaking_set(net, X, y, digit: int, *, threshold: float = 0.5, layer: int = 0):
    """A small set of hidden neurons whose removal drops ``digit``'s recall below ``threshold``.

    Greedy: knock out, one at a time, the neuron that lowers the recall most given those already
    out (ties: lowest index), until the recall is below ``threshold``. The exact smallest set
    needs a search over all subsets (2^30 for 30 neurons); greedy finds an upper bound on its size
    (on random 6-neuron nets it found 5 where 3 suffice; see the tests). ``broken`` is False if
    even removing every neuron keeps the recall >= threshold (the output biases may favour the
    digit).
    """
    if not _is_number(threshold) or not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a recall in (0, 1], got {threshold!r}; e.g. 0.5")
    layer = _check_layer(net, layer)
    X_d, y_d, digit = _digit_images(net, X, y, digit)
    A = hidden_activations(net, X_d, layer)
    recall = intact = float(np.mean(_predict_from(net, layer, A) == y_d))
    removed, recalls = [], []
    while recall >= threshold and len(removed) < A.shape[1]:
        candidates = [j for j in range(A.shape[1]) if j not in removed]
        scores = [np.mean(_predict_from(net, layer, A, removed + [j]) == y_d) for j in candidates]
        best = int(np.argmin(scores))
        removed.append(candidates[best])
        recalls.append(recall := float(scores[best]))
    return BreakingSet(np.array(removed, dtype=np.int64), np.array(recalls), intact,
                       recall < threshold)


# -- helpers ------------------------------------------------------------------------------------
def _predict_from(net, layer, A, silenced=()):
    """Predictions from hidden layer ``layer``'s activations ``A``, columns ``silenced`` zeroed."""
    if len(silenced):
        A = A.copy()
        A[:, list(silenced)] = 0
    for l in range(layer + 1, len(net.weights)):
        A = ACTIVATIONS[net.activations[l]].f(A @ net.weights[l] + net.biases[l])
    return np.argmax(A, axis=1)


def _recall(predicted, y, n_classes):
    counts = np.bincount(y, minlength=n_classes)
    correct = np.bincount(y[predicted == y], minlength=n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, correct / np.maximum(counts, 1), np.nan)


def _digit_images(net, X, y, digit):
    y = _check_labels(net, X, y)
    digit = _check_index("digit", digit, net.sizes[-1], "a class")
    chosen = y == digit
    if not chosen.any():
        raise ValueError(f"y has no samples of digit {digit}; pass a set that contains it")
    return np.asarray(X)[chosen], y[chosen], digit


def _check_labels(net, X, y):
    X = check_features("X", X, net.sizes[0])
    return check_labels("y", y, len(X), net.sizes[-1])


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_index(name, value, n, what):
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value < n:
        raise ValueError(f"{name} must be {what} from 0 to {n - 1}, got {value!r}")
    return int(value)


def _check_layer(net, layer):
    return _check_index("layer", layer, len(net.weights) - 1,
                        f"a hidden layer index (the network has sizes {net.sizes})")


def _check_single_hidden(net, what):
    if len(net.weights) != 2:
        raise ValueError(f"{what} reads net.weights[1] as bricks, so it needs a single hidden "
                         f"layer (like 784-30-10), got sizes {net.sizes}")


def _check_neurons(neurons, n_hidden):
    neurons = np.atleast_1d(np.asarray(neurons))
    if neurons.size and (neurons.dtype.kind not in "iu" or neurons.ndim != 1
                         or neurons.min() < 0 or neurons.max() >= n_hidden):
        raise ValueError(f"neurons must be hidden-neuron indices from 0 to {n_hidden - 1}, got "
                         f"{neurons.tolist()!r}; e.g. neurons=[3, 6, 26]")
    return neurons.astype(np.int64)
