"""The closing chapter's one new number: how the first article's bricks are shared and signed.

A Lego brick in the article's picture is a part that a digit either uses or does not. The output
weights say otherwise: the same hidden neuron is among one digit's strongest *blue* (wanted)
bricks and another digit's strongest *red* (ruled-out) bricks. Book: chapter 11.
"""

from __future__ import annotations

import numpy as np

from ..bricks import top_bricks


def signed_bricks(W2, k=3) -> dict:
    """How the top-``k`` bricks of every output neuron overlap, from ``W2 (n_hidden, n_out)``.

    ``both_signs``: hidden neurons among some output's ``k`` strongest blue bricks *and* some
    other output's ``k`` strongest red ones; ``shared_blue``: those among the ``k`` strongest
    blue bricks of two outputs or more; ``used``: those in any output's top ``k`` of either sign.
    """
    W2 = np.asarray(W2)
    if W2.ndim != 2:
        raise ValueError(f"W2 must be the (n_hidden, n_out) output weights, got {W2.shape}; "
                         "pass net.weights[-1]")
    n_hidden, n_out = W2.shape
    blue, red = np.zeros((n_hidden, n_out), bool), np.zeros((n_hidden, n_out), bool)
    for d in range(n_out):
        top = top_bricks(W2, d, k)
        blue[top.blue_idx, d] = True
        red[top.red_idx, d] = True
    both = [j for j in range(n_hidden)
            if any(blue[j, d] and red[j, e] for d in range(n_out) for e in range(n_out) if d != e)]
    return {"both_signs": len(both), "shared_blue": int(np.sum(blue.sum(axis=1) >= 2)),
            "used": int(np.sum(blue.any(axis=1) | red.any(axis=1))), "n_hidden": n_hidden}
