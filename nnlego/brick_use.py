"""Are they Lego bricks? How a trained network uses its hidden neurons.

The first article's verdict: the hidden neurons are not Lego bricks, because they are used
partially (activations between 0 and 1, not on/off) and make sense only in combination. Each
function here tests one half of that sentence:

- :func:`activation_use`: how often each hidden neuron is near 0, near 1 or in between;
- :func:`knock_out`, :func:`knockout_drops`, :func:`top_vs_random_knockout`,
  :func:`smallest_breaking_set`: silence neurons and watch each digit's recall;
- :func:`negative_drive`: how much of an output neuron's drive comes from bricks it dislikes
  ("8 is recognised mostly through red bricks").

Conventions
-----------
- ``net`` is an :class:`nnlego.Network`; ``layer`` picks its hidden layer (0 = the first, whose
  activations are ``forward_all(X)[1][1]``). Brick-based functions (top bricks, negative drive)
  read ``net.weights[1]`` and need a single hidden layer (784-30-10).
- *Knocking out* neuron j sets its outgoing weights ``W[j, :]`` to zero: its activation then
  contributes exactly 0 to the next layer, as if it were always 0 ("silenced"). Its own weights
  and bias are untouched. Zero is a choice: for a sigmoid neuron "always 0" is not its average
  (mean ablation would add ``mean(a_j) * W[j, :]`` to the next layer's biases instead).
- A digit's *recall* is the share of its images classified correctly; drops are
  ``recall(intact) - recall(knocked out)``, in [-1, 1] (positive = worse).

Book: chapter 6, "Are they Lego bricks?".
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from ._validation import check_features, check_labels, check_rng
from .activations import ACTIVATIONS
from .bricks import top_bricks


class ActivationUse(NamedTuple):
    """Per hidden neuron ``(n_hidden,)``: the shares of inputs with activation ``< low``
    (``near_zero``), ``> high`` (``near_one``) and in between; ``activations (n, n_hidden)``;
    the thresholds ``low`` and ``high``."""

    near_zero: np.ndarray
    between: np.ndarray
    near_one: np.ndarray
    activations: np.ndarray
    low: float
    high: float


class KnockoutComparison(NamedTuple):
    """One digit's recall drop with its top-k blue bricks knocked out (``top_drop``,
    ``top_neurons (k,)``) against ``random_drops (n_random,)`` for k random neurons."""

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


class NegativeDrive(NamedTuple):
    """Per digit ``(n_classes,)``: the share of negative hidden-to-output weights, and the share
    of the output's drive ``sum_j |a_j w_jd|`` on the digit's images from negative terms."""

    negative_weight_share: np.ndarray
    negative_drive_share: np.ndarray


def hidden_activations(net, X, layer: int = 0) -> np.ndarray:
    """The activations of hidden layer ``layer``: ``(n_samples, n_hidden)``."""
    layer = _check_layer(net, layer)
    X = check_features("X", X, net.sizes[0]).astype(net.dtype, copy=False)
    return net.forward_all(X)[1][layer + 1]


def activation_use(net, X, low: float = 0.1, high: float = 0.9, *, layer: int = 0):
    """How often each hidden neuron is near 0 (``a < low``), near 1 (``a > high``), in between.

    The thresholds suit sigmoid neurons, whose activations lie in (0, 1). A Lego brick would be
    on or off: ``between`` near 0. Returns an :class:`ActivationUse`.
    """
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in (low, high)) \
            or not low < high:
        raise ValueError(f"low and high must be numbers with low < high, got low={low!r}, "
                         f"high={high!r}; e.g. low=0.1, high=0.9")
    A = hidden_activations(net, X, layer)
    near_zero, near_one = np.mean(A < low, axis=0), np.mean(A > high, axis=0)
    return ActivationUse(near_zero, 1.0 - near_zero - near_one, near_one, A, float(low),
                         float(high))


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
    if isinstance(n_random, bool) or not isinstance(n_random, Integral) or n_random < 1:
        raise ValueError(f"n_random must be an integer >= 1, got {n_random!r}")
    X_d, y_d, digit = _digit_images(net, X, y, digit)
    top = top_bricks(net.weights[1], digit, k).blue_idx
    A = hidden_activations(net, X_d)
    intact = np.mean(_predict_from(net, 0, A) == y_d)

    def drop(neurons):
        return intact - np.mean(_predict_from(net, 0, A, neurons) == y_d)

    n_hidden = net.sizes[1]
    random_drops = np.array([drop(rng.choice(n_hidden, size=k, replace=False))
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
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or not 0 < threshold <= 1:
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
        recall = float(scores[best])
        recalls.append(recall)
    return BreakingSet(np.array(removed, dtype=np.int64), np.array(recalls), intact,
                       recall < threshold)


def negative_drive(net, X, y) -> NegativeDrive:
    """Per digit d: the share of negative weights ``W2[:, d] < 0``, and the share of the drive
    ``sum_i sum_j |a_ij W2[j, d]|`` over d's images i that comes from terms ``a_ij W2[j, d] < 0``.

    The drive share is a ratio of sums over all of d's images (heavy images weigh more). With
    sigmoid hidden neurons (``a > 0``) the negative terms are exactly the red bricks. Needs a
    single hidden layer; NaN for a digit without images.
    """
    if len(net.weights) != 2:
        raise ValueError(f"negative_drive needs a single hidden layer (like 784-30-10), got "
                         f"sizes {net.sizes}")
    y = _check_labels(net, X, y)
    W2 = np.asarray(net.weights[1], dtype=np.float64)
    A = hidden_activations(net, X).astype(np.float64)
    n_classes = net.sizes[-1]
    shares = np.full(n_classes, np.nan)
    for d in range(n_classes):
        terms = A[y == d] * W2[:, d]                     # (n_d, n_hidden): a_ij * w_jd
        total = np.abs(terms).sum()
        if total > 0:
            shares[d] = -terms[terms < 0].sum() / total
    return NegativeDrive(np.mean(W2 < 0, axis=0), shares)


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
    n_classes = net.sizes[-1]
    if isinstance(digit, bool) or not isinstance(digit, Integral) or not 0 <= digit < n_classes:
        raise ValueError(f"digit must be a class from 0 to {n_classes - 1}, got {digit!r}")
    chosen = y == digit
    if not chosen.any():
        raise ValueError(f"y has no samples of digit {digit}; pass a set that contains it")
    return np.asarray(X)[chosen], y[chosen], int(digit)


def _check_labels(net, X, y):
    X = check_features("X", X, net.sizes[0])
    return check_labels("y", y, len(X), net.sizes[-1])


def _check_layer(net, layer):
    n_hidden_layers = len(net.weights) - 1
    if isinstance(layer, bool) or not isinstance(layer, Integral) \
            or not 0 <= layer < n_hidden_layers:
        raise ValueError(f"layer must be a hidden layer index from 0 to {n_hidden_layers - 1} "
                         f"(the network has sizes {net.sizes}), got {layer!r}")
    return int(layer)


def _check_neurons(neurons, n_hidden):
    neurons = np.atleast_1d(np.asarray(neurons))
    if neurons.size == 0:
        return neurons.astype(np.int64)
    if neurons.dtype.kind not in "iu" or neurons.ndim != 1 \
            or neurons.min() < 0 or neurons.max() >= n_hidden:
        raise ValueError(f"neurons must be hidden-neuron indices from 0 to {n_hidden - 1}, got "
                         f"{neurons.tolist()!r}; e.g. neurons=[3, 6, 26]")
    return neurons
