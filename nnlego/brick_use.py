"""Are they Lego bricks? How a trained network uses its hidden neurons (partial use, red bricks).

The first article's verdict: the hidden neurons are not Lego bricks, because they are used
partially (activations between 0 and 1, not on/off: :func:`activation_use`) and make sense only
in combination (the knock-outs of :mod:`nnlego.knockout`, re-exported here).
:func:`negative_drive` puts a number on "8 is recognised mostly through bricks it dislikes".

Conventions: as in :mod:`nnlego.knockout` (``layer`` = hidden layer index; brick-based functions
need a single hidden layer, whose outgoing weights ``net.weights[1]`` are the bricks).

Book: chapter 6, "Are they Lego bricks?".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .knockout import (  # noqa: F401  (re-exported: the chapter's one import)
    BreakingSet,
    KnockoutComparison,
    _check_labels,
    _check_single_hidden,
    _is_number,
    class_recall,
    hidden_activations,
    knock_out,
    knockout_drops,
    smallest_breaking_set,
    top_vs_random_knockout,
)

__all__ = ["ActivationUse", "BreakingSet", "KnockoutComparison", "NegativeDrive",
           "OutputUse", "activation_use", "class_recall", "digit_use", "hidden_activations",
           "knock_out", "output_use",
           "knockout_drops", "negative_drive", "smallest_breaking_set", "top_vs_random_knockout"]


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


class NegativeDrive(NamedTuple):
    """Per digit ``(n_classes,)``: the share of negative hidden-to-output weights, and the share
    of the output's drive ``sum_j |a_j w_jd|`` on the digit's images from negative terms."""

    negative_weight_share: np.ndarray
    negative_drive_share: np.ndarray


class OutputUse(NamedTuple):
    """The article's "used partially", in the output weights. ``contributions (n_hidden,
    n_classes)``: brick j's mean signed term ``a_j w_jd`` over digit d's images;
    ``n_for_fraction (n_classes,)``: how many bricks carry ``fraction`` of d's drive
    ``sum_j |contribution|``; ``top_share (n_classes,)``: the largest brick's share of it."""

    contributions: np.ndarray
    n_for_fraction: np.ndarray
    top_share: np.ndarray
    fraction: float


def output_use(net, X, y, fraction: float = 0.8) -> OutputUse:
    """How many bricks carry ``fraction`` of each digit's drive: graded, signed use of bricks.

    For digit d, brick j contributes ``c_jd = mean over d's images of a_j * W2[j, d]`` (blue
    when > 0, red when < 0). Sorting ``|c_jd|`` in decreasing order, ``n_for_fraction[d]`` is
    the smallest count whose sum reaches ``fraction`` of ``sum_j |c_jd|``. A Lego digit built of
    a few whole bricks would need few; many bricks with graded shares mean partial use. Needs a
    single hidden layer; NaN for a digit without images.
    """
    if not (_is_number(fraction) and 0 < fraction <= 1):
        raise ValueError(f"fraction must be a number in (0, 1], got {fraction!r}; e.g. 0.8")
    _check_single_hidden(net, "output_use")
    y = _check_labels(net, X, y)
    W2 = np.asarray(net.weights[1], dtype=np.float64)
    A = hidden_activations(net, X).astype(np.float64)          # (n, n_hidden)
    n_classes = net.sizes[-1]
    C = np.full((W2.shape[0], n_classes), np.nan)
    counts, top = np.full(n_classes, np.nan), np.full(n_classes, np.nan)
    for d in range(n_classes):
        if np.any(y == d):
            C[:, d] = A[y == d].mean(axis=0) * W2[:, d]
            size = np.sort(np.abs(C[:, d]))[::-1]
            cumulative = np.cumsum(size) / size.sum()
            counts[d] = int(np.searchsorted(cumulative, fraction - 1e-12) + 1)
            top[d] = size[0] / size.sum()
    return OutputUse(C, counts, top, float(fraction))


def activation_use(net, X, low: float = 0.1, high: float = 0.9, *, layer: int = 0):
    """How often each hidden neuron is near 0 (``a < low``), near 1 (``a > high``), in between.

    The thresholds suit sigmoid neurons, whose activations lie in (0, 1). A Lego brick would be
    on or off: ``between`` near 0. Returns an :class:`ActivationUse`.
    """
    if not (_is_number(low) and _is_number(high) and low < high):
        raise ValueError(f"low and high must be numbers with low < high, got low={low!r}, "
                         f"high={high!r}; e.g. low=0.1, high=0.9")
    A = hidden_activations(net, X, layer)
    near_zero, near_one = np.mean(A < low, axis=0), np.mean(A > high, axis=0)
    return ActivationUse(near_zero, 1.0 - near_zero - near_one, near_one, A, float(low),
                         float(high))


def digit_use(net, X, y, threshold: float = 0.5, *, layer: int = 0) -> np.ndarray:
    """Per hidden neuron and digit, the share of the digit's images on which the neuron is on.

    Returns ``(n_hidden, n_classes)``: ``on[j, d] = mean over d's images of (a_j > threshold)``
    (NaN for a digit without images). A Lego brick of digit d would be on for all of d's images
    or for none (0 or 1); a value in between means d uses the brick only on some of its images.
    """
    if not _is_number(threshold):
        raise ValueError(f"threshold must be a number (an activation), got {threshold!r}")
    y = _check_labels(net, X, y)
    on = hidden_activations(net, X, layer) > threshold      # (n, n_hidden)
    n_classes = net.sizes[-1]
    shares = np.full((on.shape[1], n_classes), np.nan)
    for d in range(n_classes):
        if np.any(y == d):
            shares[:, d] = on[y == d].mean(axis=0)
    return shares


def negative_drive(net, X, y) -> NegativeDrive:
    """Per digit d: the share of negative weights ``W2[:, d] < 0``, and the share of the drive
    ``sum_i sum_j |a_ij W2[j, d]|`` over d's images i that comes from terms ``a_ij W2[j, d] < 0``.

    The drive share is a ratio of sums over all of d's images (heavy images weigh more). With
    sigmoid hidden neurons (``a > 0``) the negative terms are exactly the red bricks. Needs a
    single hidden layer; NaN for a digit without images.
    """
    _check_single_hidden(net, "negative_drive")
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
