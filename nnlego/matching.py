"""Hidden neurons have no order: permute them, and match two networks' neurons one to one.

Permuting a hidden layer's neurons, moving their incoming weights (columns of ``W1``), biases and
outgoing weights (rows of ``W2``) together, gives the same function: a brick's index means nothing
across training runs, so the article's top-3 indices cannot be compared with ours. To ask whether
two runs learn the *same* bricks, :func:`match_neurons` pairs their neurons one to one so that the
matched weight images correlate as much as possible (an optimal assignment, scipy's
``linear_sum_assignment``), and reports the matched correlations. Baselines: two untrained
networks, and :func:`shuffle_pixels` (trained weights with their spatial arrangement destroyed).

Conventions
-----------
- A permutation ``perm (n_hidden,)`` says: new neuron k is old neuron ``perm[k]`` (as in
  ``nnlego.tiles``: output tile k shows input tile ``perm[k]``).
- ``W1_a, W1_b (n_inputs, n_hidden)`` are first-layer weight matrices (``net.weights[0]``):
  column j is neuron j's weight image. A ``mask`` (bool, ``(n_inputs,)`` or ``(side, side)``)
  restricts the correlation to some pixels, e.g. ``smoothness.ink_mask``: pixels that never see
  ink keep their random initial weights under plain SGD and would only add noise.
- Matching: a's neuron k is matched with b's neuron ``perm[k]``; ``correlations[k]`` is the
  Pearson r of their weight images.

Book: chapter 6, "Are they Lego bricks?".
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validation import check_pixel_mask, check_rng


class Matching(NamedTuple):
    """``perm (n,)``: b's neuron matched to a's neuron k; ``correlations (n,)``: their r;
    ``corr (n, n)``: every pair's r (NaN where an image is constant on the mask)."""

    perm: np.ndarray
    correlations: np.ndarray
    corr: np.ndarray


def permute_hidden(net, perm, *, layer: int = 0):
    """A copy of ``net`` with hidden layer ``layer``'s neurons reordered: new k = old ``perm[k]``.

    Moves ``weights[layer][:, perm]``, ``biases[layer][perm]`` and ``weights[layer + 1][perm, :]``
    together, so the copy computes exactly the same outputs. ``net`` is unchanged.
    """
    n_layers = len(net.weights)
    if isinstance(layer, bool) or not isinstance(layer, Integral) or not 0 <= layer < n_layers - 1:
        raise ValueError(f"layer must be a hidden layer index from 0 to {n_layers - 2} "
                         f"(sizes {net.sizes}), got {layer!r}")
    perm = _check_permutation(perm, net.sizes[layer + 1])
    permuted = net.copy()
    permuted.weights[layer] = permuted.weights[layer][:, perm]
    permuted.biases[layer] = permuted.biases[layer][perm]
    permuted.weights[layer + 1] = permuted.weights[layer + 1][perm, :]
    return permuted


def match_neurons(W1_a, W1_b, *, mask=None, sign_invariant: bool = False) -> Matching:
    """The one-to-one pairing of a's and b's hidden neurons with the largest total correlation.

    Maximises ``sum_k r(a_k, b_perm[k])`` over all permutations (Hungarian algorithm, exact).
    ``sign_invariant=True`` maximises ``sum_k |r|`` instead: for sigmoid neurons, negating a
    neuron's weights and bias (with its outgoing weights and the next biases adjusted) is another
    symmetry of the same function. ``correlations`` stay signed either way.
    """
    W1_a, W1_b = _check_pair(W1_a, W1_b)
    keep = check_pixel_mask(mask, (W1_a.shape[0],))
    corr = _standardize_columns(W1_a[keep]).T @ _standardize_columns(W1_b[keep]) / keep.sum()
    gain = np.nan_to_num(np.abs(corr) if sign_invariant else corr, nan=0.0)
    rows, perm = linear_sum_assignment(gain, maximize=True)   # rows == arange(n)
    return Matching(perm.astype(np.int64), corr[rows, perm], corr)


def shuffle_pixels(W1, *, rng, mask=None) -> np.ndarray:
    """``W1 (n_inputs, n_hidden)`` with its rows (pixels) permuted at random: the baseline of
    weight images that keep their values but lose their spatial arrangement.

    One permutation for every neuron (as if the network had been trained on pixel-shuffled
    images); with ``mask``, only the masked pixels are shuffled among themselves. Returns a copy.
    """
    rng = check_rng(rng)
    W1 = np.asarray(W1)
    _check_pair(W1, W1)
    keep = np.flatnonzero(check_pixel_mask(mask, (W1.shape[0],)))
    shuffled = W1.copy()
    shuffled[keep] = W1[rng.permutation(keep)]
    return shuffled


# -- helpers ------------------------------------------------------------------------------------
def _standardize_columns(W):
    W = np.asarray(W, dtype=np.float64)
    centred = W - W.mean(axis=0)
    std = centred.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(std > 0, centred / std, np.nan)


def _check_pair(W1_a, W1_b):
    W1_a, W1_b = np.asarray(W1_a), np.asarray(W1_b)
    for name, W in (("W1_a", W1_a), ("W1_b", W1_b)):
        if W.ndim != 2 or 0 in W.shape or W.dtype.kind not in "fiu":
            raise ValueError(f"{name} must be a real (n_inputs, n_hidden) weight matrix, got shape "
                             f"{W.shape} and dtype {W.dtype}; pass net.weights[0]")
    if W1_a.shape != W1_b.shape:
        raise ValueError(f"W1_a {W1_a.shape} and W1_b {W1_b.shape} must have the same shape: "
                         "match networks of the same architecture")
    return W1_a, W1_b


def _check_permutation(perm, n):
    perm = np.asarray(perm)
    if perm.shape != (n,) or perm.dtype.kind not in "iu" \
            or not np.array_equal(np.sort(perm), np.arange(n)):
        raise ValueError(f"perm must be a permutation of 0..{n - 1} (one entry per hidden "
                         f"neuron), got {perm!r}; e.g. rng.permutation({n})")
    return perm
