"""Checks shared by the public entry points: each names the argument, what it got, what it expects.

Validation happens once, at the public boundary (``Network``, ``train``, the data loaders); the
math below it trusts its inputs.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {sorted(choices)}")
    return value


def check_positive_int(name: str, value) -> int:
    """An int >= 1 (bools are refused: ``True`` is not a batch size)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def check_finite_number(name: str, value, *, minimum: float | None = None,
                        strictly_positive: bool = False) -> float:
    """A finite real number, optionally >= ``minimum`` or > 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if strictly_positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return float(value)


def check_features(name: str, X, n_features: int) -> np.ndarray:
    """A finite real 2-D array ``(n_samples, n_features)``."""
    X = np.asarray(X)
    if X.dtype.kind not in "fiu":
        raise ValueError(f"{name} must hold real numbers, got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] != n_features:
        hint = " ; flatten images with X.reshape(len(X), -1)" if X.ndim > 2 else ""
        raise ValueError(f"{name} must have shape (n_samples, {n_features}) to fit the network's "
                         f"input layer, got shape {X.shape}{hint}")
    if len(X) == 0:
        raise ValueError(f"{name} is empty: expected at least one sample")
    return X


def check_labels(name: str, y, n_samples: int, n_classes: int) -> np.ndarray:
    """Integer class labels ``(n_samples,)`` in ``[0, n_classes)``."""
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(f"{name} must be a 1-D array of {n_samples} integer labels (one per row "
                         f"of X), got shape {y.shape}")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        else:
            raise ValueError(f"{name} must hold integer class labels, got dtype {y.dtype}; "
                             "pass labels, not one-hot rows")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}] (the network has "
                         f"{n_classes} outputs), got values from {y.min()} to {y.max()}")
    return y


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` (not a seed, not the legacy ``RandomState``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy Generator, got {type(rng).__name__}; "
                        f"use {name}=np.random.default_rng(seed)")
    return rng


def check_seed(seed, name: str = "seed") -> int:
    """An int >= 0 (a seed for ``np.random.SeedSequence``)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {seed!r}")
    return int(seed)
