"""Self-check of assignment 8: four init schemes, the spread of z, the saturated fraction.

The schemes are checked as samplers, by a Kolmogorov-Smirnov test of their fresh draws against
the distribution they should follow, at a false-alarm rate of one in a million per test (a
right answer fails about once in a million runs; rerun with another seed if ever). Also: the
shape, the limit of the uniform, and the use of ``rng`` (same seed, same weights; two seeds
differ; np.random's global generator untouched). ``z_std`` and ``saturated_fraction`` are
compared with their formulas on fresh random inputs. Part 5 (one change at a time):
``blank_weight`` on made-up images with blank pixels, and ``one_change_run`` by the exact law of
weight decay (a weight whose input is always 0 is multiplied by 1 - lr * l2 at every step).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

import nnlego
from nnlego import initializers, runtime
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece
from nnlego.initializers import he_normal

ASSIGNMENT = "08_init"
ALPHA = 1e-6                      # false-alarm rate of each distribution test
PRIME = nnlego.sigmoid_prime


def _scheme(ns, rng, name, own, distribution, what):
    """Draw from the learner's scheme `name` and test it against `distribution(n_in, n_out)`."""
    fn = tools.function(ns, name)
    n_in, n_out = int(rng.integers(50, 800)), int(rng.integers(50, 400))
    kind = f"{name}({n_in}, {n_out}, rng=...)"
    seed, other = tools.seeds(rng)
    state = tools.global_state()
    W = tools.call(fn, n_in, n_out, rng=np.random.default_rng(seed), kind=kind, forbid=own)
    again = tools.call(fn, n_in, n_out, rng=np.random.default_rng(seed), kind=kind, forbid=own)
    moved = tools.call(fn, n_in, n_out, rng=np.random.default_rng(other), kind=kind, forbid=own)
    tools.same_global_state(state, kind, name)
    W = tools.same_shape(W, (n_in, n_out), kind, f"{name}'s weights")
    if not np.array_equal(W, np.asarray(again)):
        raise Failed(kind, "the same seed gave different weights: draw every number from rng")
    if np.array_equal(W, np.asarray(moved)):
        raise Failed(kind, "two seeds gave the same weights: draw every number from rng")
    law = distribution(n_in, n_out)
    p = stats.kstest(W.ravel(), law.cdf).pvalue
    if p < ALPHA:
        raise Failed(kind, f"the weights do not follow {what(n_in, n_out)} (Kolmogorov-Smirnov "
                     f"p = {p:.2g}; their standard deviation is {W.std():.4g}, expected "
                     f"{law.std():.4g}; a right answer fails this test once in a million runs)")
    return W


def check_large_scaled(ns, rng):
    _scheme(ns, rng, "large", (initializers.large, initializers.scaled),
            lambda n_in, n_out: stats.norm(0, 1), lambda n_in, n_out: "N(0, 1)")
    _scheme(ns, rng, "scaled", (initializers.large, initializers.scaled),
            lambda n_in, n_out: stats.norm(0, 1 / np.sqrt(n_in)),
            lambda n_in, n_out: f"N(0, 1/n_in) = N(0, 1/{n_in}): standard deviation "
                                "1/sqrt(n_in)")


def check_glorot_uniform(ns, rng):
    def law(n_in, n_out):
        limit = np.sqrt(6 / (n_in + n_out))
        return stats.uniform(-limit, 2 * limit)

    W = _scheme(ns, rng, "glorot_uniform", (initializers.glorot_uniform,), law,
                lambda n_in, n_out: f"U(-l, l) with l = sqrt(6 / (n_in + n_out)) = "
                                    f"{np.sqrt(6 / (n_in + n_out)):.4g}")
    limit = np.sqrt(6 / sum(W.shape))
    if np.max(np.abs(W)) > limit:
        raise Failed(f"glorot_uniform{W.shape}", f"a weight reaches {np.max(np.abs(W)):.4g}, "
                     f"beyond l = {limit:.4g}: mind the brackets, 6 / (n_in + n_out)")


def check_he_normal(ns, rng):
    _scheme(ns, rng, "he_normal", (initializers.he_normal,),
            lambda n_in, n_out: stats.norm(0, np.sqrt(2 / n_in)),
            lambda n_in, n_out: f"N(0, 2/n_in): standard deviation sqrt(2/{n_in})")


def check_z_std(ns, rng):
    fn = tools.function(ns, "z_std")
    for n in (int(rng.integers(2, 30)), 1):
        d = int(rng.integers(3, 800))
        X = rng.random((n, d))
        v_w, v_b = float(rng.uniform(0.001, 2.0)), float(rng.uniform(0.0, 2.0))
        kind = f"{n} random images of {d} pixels, weight_var={v_w:.3g}, bias_var={v_b:.3g}"
        before = X.copy()
        s = tools.call(fn, X, v_w, v_b, kind=kind)
        tools.unchanged([before], [X], kind, "z_std")
        tools.close(s, np.sqrt(v_w * np.sum(before ** 2, axis=1) + v_b), kind, "z_std",
                    rtol=1e-9, fix="Var z = weight_var * sum_i x_i**2 + bias_var, one value "
                    "per image (row)")


def check_saturated_fraction(ns, rng):
    fn = tools.function(ns, "saturated_fraction")
    shape = (int(rng.integers(2, 30)), int(rng.integers(2, 30)))
    Z = rng.normal(0, float(rng.uniform(2, 10)), size=shape)
    Z.flat[int(rng.integers(0, Z.size))] = float(rng.choice([-1e4, 1e4]))
    for threshold in (None, float(rng.uniform(0.02, 0.24))):
        kind = f"a random Z {shape} with one |z| of 10,000" + (
            f", threshold={threshold:.3g}" if threshold else "")
        before = Z.copy()
        extra = {} if threshold is None else {"threshold": threshold}
        value = tools.no_overflow(fn, Z, kind=kind, **extra)
        tools.unchanged([before], [Z], kind, "saturated_fraction")
        expected = float(np.mean(PRIME(before) < (threshold or 0.01)))
        if not (np.ndim(value) == 0 and np.isclose(float(value), expected, rtol=0, atol=1e-12)):
            raise Failed(kind, f"saturated_fraction gave {tools.show(value)}, expected "
                         f"{expected:.6g}: the fraction of entries where sigmoid'(z) < "
                         "threshold (use the threshold argument)")


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
    with runtime.single_thread():
        return ns["one_change_run"](he_normal, X, y, l2=l2, n_hidden=8, n_epochs=2, lr=lr,
                                    batch_size=batch_size, rng=np.random.default_rng(seed))


def check_one_change_run(ns, rng):
    """Made-up images of 196 to 400 pixels, he_normal weights: no decay without L2, the exact
    decay with."""
    n_pixels = int(rng.choice([196, 324, 400]))
    X = _images(int(rng.integers(60, 120)), n_pixels, rng)
    y = rng.integers(0, 10, len(X))
    seed = int(rng.integers(2**31))
    net, curve = _run(ns, X, y, 0.0, 0.5, 10, seed)
    kind = f"images of {n_pixels} pixels, he_normal weights, no L2"
    if list(net.sizes) != [n_pixels, 8, 10] or net.cost != "cross_entropy":
        raise Failed(kind, f"expected a {n_pixels}-8-10 cross-entropy network, got "
                           f"{list(net.sizes)}, {net.cost!r}: the input size is X.shape[1]")
    curve = np.asarray(curve)
    if curve.shape != (3,):
        raise Failed(kind, f"2 epochs give a curve of 3 values, got shape {curve.shape}")
    start = np.sqrt(2 / n_pixels) * np.sqrt(2 / np.pi)   # E|w| of N(0, 2/n_pixels)
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


PIECES = (
    Piece("large_scaled", covers=("test_large_scaled",), needs=("large", "scaled"),
          check=check_large_scaled),
    Piece("glorot_uniform", covers=("test_glorot_uniform",), needs=("glorot_uniform",),
          check=check_glorot_uniform),
    Piece("he_normal", covers=("test_he_normal",), needs=("he_normal",), check=check_he_normal),
    Piece("z_std", covers=("test_z_std",), needs=("z_std",), check=check_z_std),
    Piece("saturated_fraction", covers=("test_saturated_fraction",),
          needs=("saturated_fraction",), check=check_saturated_fraction),
    Piece("blank_weight", covers=("test_blank_weight",), needs=("blank_weight",),
          check=check_blank_weight),
    Piece("one_change_run", covers=("test_one_change_run",),
          needs=("one_change_run", "blank_weight"), check=check_one_change_run),
)
