"""Subnormal floats: count them, and flush them to zero.

A float is *subnormal* (denormal) when it is not zero yet smaller in magnitude than the smallest
normal number of its dtype, ``np.finfo(dtype).smallest_normal``: about 1.2e-38 in float32 and
2.2e-308 in float64. Below it the hardware gives up precision bit by bit down to 1.4e-45 (float32).
Many x86 CPUs compute with subnormal inputs or results through a slow path, up to ~20x slower per
operation, and NumPy has no switch to make them zero (TensorFlow sets the CPU's flush-to-zero
mode; NumPy cannot).

Why training meets them: Adam's moments decay geometrically where a weight's gradient is zero
(a pixel that is almost never inked, a ReLU unit that is dead): m <- 0.9 m reaches 1e-38 after a
few hundred steps, and then it gets *stuck*, because 0.9 k ulp rounds back to k ulp for small k.
Thousands of entries of ``m``, ``v`` and the weights then stay subnormal for good and every step
that reads them is slow. The optimizers (:mod:`nnlego.optimizers`) therefore call
:func:`flush_subnormal` on their state and on the parameters every :data:`FLUSH_EVERY` steps.

Book: chapter 9 (the savant's Adam).
"""

from __future__ import annotations

import numpy as np

FLUSH_EVERY = 100   # steps between flushes: at most 1% of a step's element-wise passes


def smallest_normal(dtype) -> float:
    """The smallest positive normal number of a float ``dtype`` (float32: 1.1754944e-38)."""
    return float(np.finfo(dtype).smallest_normal)


def is_subnormal(a) -> np.ndarray:
    """Boolean array, True where ``a`` is subnormal: nonzero with ``|a| < smallest normal``."""
    a = np.asarray(a)
    return (np.abs(a) < np.finfo(a.dtype).smallest_normal) & (a != 0)


def count_subnormal(arrays) -> int:
    """How many entries of the float ``arrays`` (an iterable of arrays) are subnormal."""
    return sum(int(np.count_nonzero(is_subnormal(a))) for a in arrays)


def flush_subnormal(arrays) -> None:
    """Set every subnormal entry of the float ``arrays`` to zero, in place.

    A flushed value keeps its sign (-1e-40 in float32 becomes -0.0). Every other entry (normal
    numbers, zeros, inf, NaN) is left untouched bit for bit. One pass over each array; the
    optimizers call it every :data:`FLUSH_EVERY` steps, not every step.
    """
    for a in arrays:
        tiny = np.finfo(a.dtype).smallest_normal
        np.multiply(a, 0, out=a, where=np.abs(a) < tiny)    # x * 0 keeps the sign of x
