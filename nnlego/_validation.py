"""Checks shared by the public entry points: each names the argument, what it got, what it expects.

Validation happens once, at the public boundary (``Network``, ``train``, the analysis functions,
the data loaders); the math below it trusts its inputs. Each kind of check is one helper here, so
every entry point words the same mistake the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real
from os import PathLike
from pathlib import Path

import numpy as np

# Why data holds NaN or inf, most often: a feature with a standard deviation of 0 divided by it.
DATA_CAUSE = ("a likely cause: standardising by a standard deviation of 0 (MNIST's border pixels "
              "are constant; divide by np.maximum(std, 1e-8)), or a log or division of 0 "
              "elsewhere in the preprocessing; fix the data before passing it")
# ... and weights: a training run that diverged, or a damaged file.
WEIGHTS_CAUSE = ("a likely cause: a training run that diverged (try a smaller learning rate) or a "
                 "damaged file; pass the weights of a finite network")


# -- names and numbers -----------------------------------------------------------------------------
def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {sorted(choices)}")
    return value


def is_int(value, minimum=None, maximum=None) -> bool:
    """True for an int (or NumPy integer, not a bool) in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        return False
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)


def check_int(name: str, value, *, minimum=None, maximum=None, hint: str = "") -> int:
    """An int in ``[minimum, maximum]`` (bools are refused: ``True`` is not a count)."""
    if not is_int(value, minimum, maximum):
        if maximum is None:
            expected = f"an integer >= {minimum}" if minimum is not None else "an integer"
        else:
            expected = f"an integer from {minimum} to {maximum}"
        raise ValueError(f"{name} must be {expected}, got {value!r}{'; ' + hint if hint else ''}")
    return int(value)


def check_positive_int(name: str, value) -> int:
    """An int >= 1 (bools are refused: ``True`` is not a batch size)."""
    return check_int(name, value, minimum=1)


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


def check_rng(rng, name: str = "rng", hint: str = "") -> np.random.Generator:
    """A ``numpy.random.Generator`` (not a seed, not the legacy ``RandomState``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy Generator, got {type(rng).__name__}; "
                        f"{hint or f'use {name}=np.random.default_rng(seed)'}")
    return rng


def check_callable(name: str, value, signature: str):
    """``None`` or something callable as ``signature``, e.g. ``"callback(epoch, history)"``."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function {signature} or None, "
                        f"got {type(value).__name__}")
    return value


def check_mapping(name: str, value, example: str) -> Mapping:
    """``None`` (as ``{}``) or a mapping such as a dict."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict like {example}, got {type(value).__name__}")
    return value


def check_path(name: str, value) -> Path:
    """A ``str`` or ``os.PathLike`` file path."""
    if not isinstance(value, (str, PathLike)) or not str(value):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), "
                        f"got {type(value).__name__} {value!r}")
    return Path(value)


# -- arrays ----------------------------------------------------------------------------------------
def as_array(name: str, value, expected: str = "an array of numbers") -> np.ndarray:
    """``np.asarray(value)``, or an error naming ``name`` if NumPy cannot make one array of it."""
    if value is None:
        raise TypeError(f"{name} must be {expected}, got None")
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name} must be {expected}, got a {type(value).__name__} that NumPy "
                         f"cannot turn into one array ({error})") from None


def check_real(name: str, A, kinds: str = "fiu") -> np.ndarray:
    """An array whose dtype is real numbers (by default floats or ints, not bools or objects)."""
    A = as_array(name, A)
    if A.dtype.kind not in kinds:
        raise ValueError(f"{name} must hold real numbers, got dtype {A.dtype}")
    return A


def check_finite(name: str, A: np.ndarray, cause: str = DATA_CAUSE, *, rows: str = "rows",
                 columns: str = "columns") -> np.ndarray:
    """``A`` if every entry is finite; else say how many rows and columns hold NaN or inf."""
    if A.dtype.kind not in "fc" or _all_finite(A):
        return A
    bad = ~np.isfinite(A)
    n_bad = int(bad.sum())
    if A.ndim == 0:
        where = "(it is a single number)"
    elif A.ndim == 1:
        where = f"among its {A.size} entries (the first at index {int(np.argmax(bad))})"
    else:
        flat = bad.reshape(len(A), -1)      # (n_rows, everything else)
        first = np.unravel_index(np.argmax(bad), A.shape)
        where = (f"in {int(flat.any(axis=1).sum())} of its {len(A)} {rows} and "
                 f"{int(flat.any(axis=0).sum())} of its {flat.shape[1]} {columns} "
                 f"(the first at index {tuple(int(i) for i in first)})")
    raise ValueError(f"{name} holds {n_bad} non-finite value{'s' * (n_bad != 1)} (NaN or inf) "
                     f"{where}; {cause}")


def _all_finite(A) -> bool:
    """Fast: a finite sum means no entry is NaN or inf (if huge values overflow the sum, every
    entry is checked). One pass, no boolean array the size of ``A``: 7 ms for 60,000 x 784
    float32 images, half the time of ``np.isfinite(A).all()``."""
    with np.errstate(over="ignore", invalid="ignore"):
        if A.dtype.kind == "f" and math.isfinite(np.sum(A)):
            return True
    return bool(np.isfinite(A).all())


def check_features(name: str, X, n_features: int) -> np.ndarray:
    """A finite real 2-D array ``(n_samples, n_features)``."""
    X = check_real(name, X)
    if X.ndim != 2 or X.shape[1] != n_features:
        hint = " ; flatten images with X.reshape(len(X), -1)" if X.ndim > 2 else ""
        raise ValueError(f"{name} must have shape (n_samples, {n_features}) to fit the network's "
                         f"input layer, got shape {X.shape}{hint}")
    if len(X) == 0:
        raise ValueError(f"{name} is empty: expected at least one sample")
    return check_finite(name, X, rows="rows (samples)", columns="columns (features)")


def check_labels(name: str, y, n_samples: int, n_classes: int) -> np.ndarray:
    """Integer class labels ``(n_samples,)`` in ``[0, n_classes)``."""
    y = as_array(name, y, "an array of integer labels")
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(f"{name} must be a 1-D array of {n_samples} integer labels (one per row "
                         f"of X), got shape {y.shape}")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        elif y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            bad = np.flatnonzero(~np.isfinite(y))
            raise ValueError(f"{name} holds {len(bad)} label(s) that are NaN or inf (first at "
                             f"index {bad[0]}: {y[bad[0]]}); class labels are whole numbers: "
                             "drop those samples or fix how the labels were made")
        elif y.dtype.kind == "f":
            bad = np.flatnonzero(y != np.round(y))
            raise ValueError(f"{name} holds {len(bad)} label(s) that are not whole numbers "
                             f"(first at index {bad[0]}: {y[bad[0]]}); pass integer class "
                             "labels (y.argmax(axis=1) turns one-hot rows into labels)")
        else:
            raise ValueError(f"{name} must hold integer class labels, got dtype {y.dtype}; "
                             "pass labels, not one-hot rows")
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}] (the network has "
                         f"{n_classes} outputs), got values from {y.min()} to {y.max()}")
    return y


def check_seed(seed, name: str = "seed") -> int:
    """An int >= 0 (a seed for ``np.random.SeedSequence``)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {seed!r}")
    return int(seed)


def check_pixel_mask(mask, shape) -> np.ndarray:
    """A boolean mask of ``shape`` (None: every pixel) that selects at least 2 pixels; a mask of
    the same size in another shape (flat or 28 x 28) is reshaped."""
    if mask is None:
        return np.ones(shape, dtype=bool)
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.size != int(np.prod(shape)):
        raise ValueError(f"mask must be a boolean array of shape {shape} (True = pixel "
                         f"counted), got shape {mask.shape} and dtype {mask.dtype}; use "
                         "nnlego.smoothness.ink_mask(X_train)")
    if mask.sum() < 2:
        raise ValueError(f"mask selects {mask.sum()} pixel(s); a correlation needs at least 2")
    return mask.reshape(shape)
