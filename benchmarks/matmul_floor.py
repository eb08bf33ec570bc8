"""The floor: one epoch's matrix products alone, with the same BLAS, dtype and shapes as nnlego.

Per mini-batch of ``n`` rows, nnlego's backprop multiplies (samples as rows, ``W_l (n_in, n_out)``)

    forward, every layer l:          A_l @ W_l                 (n, n_in) @ (n_in, n_out)
    backward, every layer l:         A_l.T @ delta_l           (n_in, n) @ (n, n_out)
    backward, every layer but the first:   delta_l @ W_l.T     (n, n_out) @ (n_out, n_in)

This times exactly those products, on the same memory layouts (``.T`` views), for one epoch's
number of mini-batches, with nothing else: no bias, no activation, no optimizer, no indexing.
No implementation of the same network in the same precision can beat it on this BLAS.

Run alone: ``python benchmarks/matmul_floor.py``.
"""

from __future__ import annotations

import numpy as np
from setups import SETUPS, timed_slices

from nnlego import single_thread


def matmul_operands(setup, dtype=np.float32, seed=0):
    """Random ``As``, ``deltas`` and ``Ws`` with the shapes of one mini-batch's products."""
    rng = np.random.default_rng(seed)
    n, sizes = setup.batch_size, setup.sizes
    As = [rng.random((n, n_in), dtype=dtype) for n_in in sizes[:-1]]
    deltas = [rng.random((n, n_out), dtype=dtype) for n_out in sizes[1:]]
    Ws = [rng.random((n_in, n_out), dtype=dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return As, deltas, Ws


def matmul_steps(As, deltas, Ws, n_steps):
    """``n_steps`` mini-batches' worth of nnlego's matrix products (results thrown away)."""
    n_layers = len(Ws)
    for _ in range(n_steps):
        for l in range(n_layers):
            As[l] @ Ws[l]                       # forward
        for l in range(n_layers - 1, -1, -1):
            As[l].T @ deltas[l]                 # grad_W
            if l > 0:
                deltas[l] @ Ws[l].T             # delta one layer back


def floor_slices(setup, **kwargs):
    """Seconds of one epoch's matrix products, per slice (see ``setups.timed_slices``).

    Call inside a BLAS thread limit.
    """
    operands = matmul_operands(setup, **kwargs)
    return timed_slices(setup.n_steps, lambda first, stop: matmul_steps(*operands, stop - first))


def main():
    for setup in SETUPS.values():
        with single_thread():
            best = min(sum(floor_slices(setup)) for _ in range(3))
        print(f"setup {setup.key}: matrix-product floor {best:.3f} s per epoch "
              f"({best / setup.n_steps * 1e6:.1f} us per step, 1 BLAS thread, best of 3)")


if __name__ == "__main__":
    main()
