"""Self-check of assignment 3's piece ``output_delta`` (the output layer's error, part 2).

Only the piece added by the difficulty-curve rework; the pieces ``numerical_gradient`` and
``backprop`` are checked by the module of the same name on the self-check branch (the lead
merges the two ``PIECES`` tuples). Each check draws fresh batches and compares with nnlego's
own ``costs.output_delta`` for the quadratic cost and sigmoid outputs.
"""

from __future__ import annotations

import numpy as np

from nnlego.activations import get_activation, sigmoid
from nnlego.costs import get_cost, one_hot
from nnlego.costs import output_delta as reference_delta
from nnlego.grading import own_work
from nnlego.selfcheck.base import Failed, Piece

ASSIGNMENT = "03_backprop"


def _batch(n, n_out, rng):
    Z = rng.normal(0.0, 3.0, size=(n, n_out))
    return sigmoid(Z), one_hot(rng.integers(0, n_out, n), n_out), Z


def check_output_delta(ns, rng):
    """delta_L of fresh batches (one sample, then many) against nnlego's, inputs untouched."""
    for n, kind in ((1, "a batch of one sample"), (int(rng.integers(5, 40)), "a random batch")):
        A, Y, Z = _batch(n, int(rng.integers(2, 11)), rng)
        ref = reference_delta(get_cost("quadratic"), get_activation("sigmoid"), Z, A, Y)
        copies = (A.copy(), Y.copy(), Z.copy())
        try:
            with own_work(reference_delta):
                got = np.asarray(ns["output_delta"](A, Y, Z))
        except AssertionError as error:
            if "nnlego's own" not in str(error):
                raise
            raise Failed("your own code", "output_delta calls nnlego's costs.output_delta: "
                         "write (A_L - Y) * sigmoid_prime(Z_L) / n with NumPy") from None
        if not all(np.array_equal(a, b) for a, b in zip((A, Y, Z), copies)):
            raise Failed(kind, "output_delta changed its inputs in place: compute a new array")
        if got.shape != ref.shape:
            raise Failed(kind, f"expected shape {ref.shape} (like A_L), got {got.shape}")
        if np.allclose(got, ref, rtol=1e-9, atol=1e-15):
            continue
        if n > 1 and np.allclose(got, n * ref, rtol=1e-9, atol=1e-15):
            raise Failed(kind, f"{n} times too large: divide by n = len(A_L), the cost is a mean")
        if np.allclose(got, -ref, rtol=1e-9, atol=1e-15):
            raise Failed(kind, "the sign is flipped: use (A_L - Y), the slope of 1/2 (a - y)^2")
        raise Failed(kind, "differs from (A_L - Y) * sigmoid_prime(Z_L) / n: take sigma' at Z_L")


PIECES = (Piece("output_delta", covers=("test_output_delta",), needs=("output_delta",),
                check=check_output_delta),)
