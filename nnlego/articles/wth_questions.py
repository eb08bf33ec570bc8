"""Chapter 5's "look for yourself" questions, answered by measurement.

The article asks of its bricks: does 0's favourite brick sit on a ring with an empty middle?
Does a red brick of 0 put its blue in the centre, where a 0 has no ink? Here:

- :func:`ring_score`: the correlation of a weight image with a ring (an annulus minus its mean),
  inside the inked area; :func:`ring_answer` scores 0's top blue bricks against every other
  hidden neuron, random N(0, 1) images and the mean 0 itself (a real ring).
- :func:`centre_share`: how much of a weight image's blue lies in the centre disc;
  :func:`red_brick_answer` measures it for 0's red bricks, and which digit each fires hardest on
  (the brick explorer's surprise: a red brick of 0 that fires on 0s).

Images are (28, 28); weight images are columns of ``W1`` (784, n_hidden). Book: chapter 5.
"""

from __future__ import annotations

import numpy as np

from ..bricks import top_bricks
from ..knockout import hidden_activations

SIDE = 28
RING_RADII = (6.0, 10.0)       # the annulus of a centred MNIST 0, in pixels from the centre
CENTRE_RADIUS = 4.0
ALWAYS_ON = 0.95               # mean activation on every digit's images: the brick is a constant


def _radius() -> np.ndarray:
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    centre = (SIDE - 1) / 2
    return np.hypot(rows - centre, cols - centre).ravel()        # (784,)


def ring_template(radii=RING_RADII) -> np.ndarray:
    """(784,) 1 on the annulus ``radii[0] <= r <= radii[1]`` around the image centre, else 0."""
    r = _radius()
    return ((r >= radii[0]) & (r <= radii[1])).astype(float)


def ring_score(images, mask=None) -> np.ndarray:
    """Pearson r of each image (rows of ``images``, (n, 784)) with :func:`ring_template`,
    over the pixels of ``mask`` (784,) bool (default: all). Returns (n,)."""
    images = np.atleast_2d(np.asarray(images, dtype=float))
    if images.shape[1] != SIDE * SIDE:
        raise ValueError(f"images must have {SIDE * SIDE} columns (flat 28 x 28), got shape "
                         f"{images.shape}; pass W1.T for weight images")
    keep = np.ones(SIDE * SIDE, bool) if mask is None else np.asarray(mask, bool).ravel()
    ring = ring_template()[keep]
    x = images[:, keep] - images[:, keep].mean(axis=1, keepdims=True)
    t = ring - ring.mean()
    return (x @ t) / (np.linalg.norm(x, axis=1) * np.linalg.norm(t) + 1e-12)


def centre_share(images) -> np.ndarray:
    """Per image (rows, (n, 784)): the share of its positive weight inside the centre disc."""
    images = np.atleast_2d(np.asarray(images, dtype=float))
    blue = np.clip(images, 0, None)
    inside = _radius() <= CENTRE_RADIUS
    return blue[:, inside].sum(axis=1) / (blue.sum(axis=1) + 1e-12)


def ring_answer(net, X, y, mask=None, digit: int = 0, k: int = 3, *, rng) -> dict:
    """0's top-``k`` blue bricks on the ring, against the other neurons, noise and a real 0.

    Returns ``{"top": [score per brick], "top_idx", "others": [score per other neuron],
    "rank": [1 = most ring-like of all hidden neurons, per brick], "random": mean score of 100
    N(0, 1) images, "digit_mean": score of the mean image of ``digit``}``.
    """
    W1, W2 = net.weights
    scores = ring_score(np.asarray(W1).T, mask)                          # (n_hidden,)
    idx = top_bricks(W2, digit, k).blue_idx
    order = np.argsort(-scores)
    noise = ring_score(rng.standard_normal((100, SIDE * SIDE)), mask)
    return {"top_idx": [int(j) for j in idx], "top": [float(scores[j]) for j in idx],
            "others": [float(s) for j, s in enumerate(scores) if j not in set(idx)],
            "rank": [int(np.flatnonzero(order == j)[0]) + 1 for j in idx],
            "random": float(noise.mean()),
            "digit_mean": float(ring_score(X[y == digit].mean(axis=0), mask)[0])}


def red_brick_answer(net, X, y, digit: int = 0, k: int = 3) -> list:
    """For each of ``digit``'s top-``k`` red bricks: its weight to ``digit``, the share of its
    blue in the centre (against the average hidden neuron), its mean activation per digit, the
    digit it fires hardest on, and its largest positive weight (the digit it votes for).

    Returns ``[{"brick", "weight", "centre_share", "centre_share_all", "mean_activation" (10,),
    "fires_most_on", "rank_of_digit", "votes_for", "always_on"}]``; ``always_on``: the brick's
    mean activation is at least :data:`ALWAYS_ON` on every digit (a constant: a bias in
    disguise, whose weight shifts the output whatever the image).
    """
    W1, W2 = (np.asarray(W, dtype=float) for W in net.weights)
    A = hidden_activations(net, X)                                      # (n, n_hidden)
    by_digit = np.stack([A[y == d].mean(axis=0) for d in range(W2.shape[1])], axis=1)
    centre_all = float(centre_share(W1.T).mean())
    out = []
    for j in top_bricks(W2, digit, k).red_idx:
        mean_act = by_digit[j]                                          # (n_classes,)
        out.append({"brick": int(j), "weight": float(W2[j, digit]),
                    "centre_share": float(centre_share(W1[:, j])[0]),
                    "centre_share_all": centre_all,
                    "mean_activation": [float(v) for v in mean_act],
                    "fires_most_on": int(np.argmax(mean_act)),
                    "rank_of_digit": int(np.flatnonzero(np.argsort(-mean_act) == digit)[0]) + 1,
                    "votes_for": int(np.argmax(W2[j])),
                    "always_on": bool(mean_act.min() >= ALWAYS_ON)})
    return out
