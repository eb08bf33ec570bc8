"""Self-check of assignment 8's part 5 (one change at a time): ``blank_weight`` and
``one_change_run``.

Only the pieces added by the difficulty-curve rework; the init schemes, ``z_std`` and
``saturated_fraction`` are checked by the module of the same name on the self-check branch (the
lead merges the two ``PIECES`` tuples). The checks use made-up images with blank columns, not
MNIST, and the exact law of weight decay: a weight whose input is always 0 has a zero gradient,
so it is multiplied by (1 - lr * l2) at every step and by nothing else.
"""

from __future__ import annotations

import numpy as np

from nnlego.initializers import he_normal
from nnlego.runtime import single_thread
from nnlego.selfcheck.base import Failed, Piece

ASSIGNMENT = "08_init"


def _images(n, n_pixels, rng, blank=0.4):
    """Images (n, n_pixels) in [0, 1] whose pixels are blank in every image with prob. blank,
    and blank in some images otherwise."""
    X = rng.random((n, n_pixels)) * (rng.random((n, n_pixels)) < 0.6)
    X[:, rng.random(n_pixels) < blank] = 0.0
    return X


def check_blank_weight(ns, rng):
    """Fresh images with pixels blank in every image and pixels blank in only some."""
    X = _images(int(rng.integers(5, 30)), int(rng.integers(50, 200)), rng)
    W = rng.normal(size=(X.shape[1], int(rng.integers(3, 20))))
    expected = float(np.abs(W[~np.any(X > 0, axis=0)]).mean())
    got = ns["blank_weight"](W.copy(), X.copy())
    if np.ndim(got) != 0:
        raise Failed("random images and weights", f"return one number, got shape {np.shape(got)}")
    if not np.isclose(float(got), expected, rtol=1e-10):
        raise Failed("random images, some pixels blank in only some images",
                     f"expected {expected:.6f}, got {float(got):.6f}: average |W1[p, j]| over "
                     "the pixels p that are 0 in every image (np.max(X, axis=0) == 0)")


def _run(ns, X, y, l2, lr, batch_size, seed):
    with single_thread():
        return ns["one_change_run"](he_normal, X, y, l2=l2, n_hidden=8, n_epochs=2, lr=lr,
                                    batch_size=batch_size, rng=np.random.default_rng(seed))


def check_one_change_run(ns, rng):
    """Made-up 784-pixel images, he_normal weights: no decay without L2, the exact decay with."""
    X = _images(int(rng.integers(60, 120)), 784, rng)
    y = rng.integers(0, 10, len(X))
    seed = int(rng.integers(2**31))
    net, curve = _run(ns, X, y, 0.0, 0.5, 10, seed)
    kind = "he_normal weights, no L2"
    if list(net.sizes) != [784, 8, 10] or net.cost != "cross_entropy":
        raise Failed(kind, f"expected a 784-8-10 cross-entropy network, got {list(net.sizes)}, "
                           f"{net.cost!r}")
    curve = np.asarray(curve)
    if curve.shape != (3,):
        raise Failed(kind, f"2 epochs give a curve of 3 values, got shape {curve.shape}")
    start = np.sqrt(2 / 784) * np.sqrt(2 / np.pi)        # E|w| of N(0, 2/784)
    if abs(curve[0] / start - 1) > 0.15:
        raise Failed(kind, f"the never-inked weights should start near {start:.4f}, got "
                           f"{curve[0]:.4f}: draw the weights with the scheme you are given")
    if not np.allclose(curve, curve[0], rtol=1e-12, atol=0):
        raise Failed(kind, f"without L2 nothing moves these weights, yet your curve is {curve}")
    lr, l2, batch_size = 0.4, 2e-3, int(rng.integers(3, 12))
    _, curve = _run(ns, X, y, l2, lr, batch_size, seed)
    factor = (1 - lr * l2) ** -(-len(X) // batch_size)
    ratios = np.asarray(curve)[1:] / np.asarray(curve)[:-1]
    if not np.allclose(ratios, factor, rtol=1e-6):
        raise Failed(f"L2 with batches of {batch_size}", f"each epoch should multiply them by "
                     f"(1 - lr l2) ** steps = {factor:.6f}, yours by {ratios}: pass lr, l2 and "
                     "batch_size to train and record after every epoch")


PIECES = (Piece("blank_weight", covers=("test_blank_weight",), needs=("blank_weight",),
                check=check_blank_weight),
          Piece("one_change_run", covers=("test_one_change_run",),
                needs=("one_change_run", "blank_weight"), check=check_one_change_run))
