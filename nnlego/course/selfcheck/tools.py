"""What the assignments' checks share: call the learner's function, compare arrays, say the fix.

Every helper raises :class:`~nnlego.course.selfcheck.base.Failed` with the kind of input and what to
do, so a check reads as a list of properties. ``call`` runs the learner's function inside
:func:`nnlego.course.grading.own_work` (nnlego's own version of the piece must not run) and turns
whatever it raises into a ``Failed`` naming the cell and line; ``NotImplementedError`` passes
through (the runner reports the piece as not attempted).
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager

import numpy as np

from nnlego.course.grading.guard import own_work
from nnlego.course.selfcheck.base import Failed

CELL_FILE = "<cell {}>"           # the file name the runner compiles cell N under


def function(ns, name):
    """The learner's ``name`` from the notebook namespace; NotImplementedError if absent."""
    value = ns.get(name)
    if value is None:
        raise NotImplementedError(f"{name} is not defined in the notebook")
    if not callable(value):
        raise Failed("your notebook", f"{name} is a {type(value).__name__}, not a function: "
                     f"define it with def {name}(...)")
    return value


def call(fn, *args, kind, forbid=(), **kwargs):
    """``fn(*args, **kwargs)`` with nnlego's ``forbid`` functions watched; Failed on any error."""
    name = getattr(fn, "__name__", "your function")
    try:
        if not forbid:
            return fn(*args, **kwargs)
        with own_work(*forbid):
            return fn(*args, **kwargs)
    except (NotImplementedError, Failed):
        raise
    except AssertionError as error:
        if "nnlego's own" in str(error) or "sys.setprofile" in str(error):
            raise Failed(kind, f"{error}") from None
        raise Failed(kind, f"{name} raised AssertionError{where(error)}: {error}") from None
    except Exception as error:  # the learner's bug, reported as the kind of input it met
        raise Failed(kind, f"{name} raised {type(error).__name__}{where(error)}: {error}") from None


@contextmanager
def running(kind, *forbid):
    """``with running(kind, *forbid):`` around the learner's code (several calls at once): a
    call of nnlego's ``forbid`` pieces, an assertion or any exception becomes Failed(kind)."""
    try:
        with own_work(*forbid):
            yield
    except Failed:
        raise
    except AssertionError as error:
        raise Failed(kind, str(error)) from None
    except Exception as error:  # noqa: BLE001  (the learner's code may raise anything)
        raise Failed(kind, f"raised {type(error).__name__}: {error}") from None


def where(error: BaseException) -> str:
    """' (cell 5, line 3)': the learner's last line the error went through, if any."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith("<cell ")]
    if not frames:
        return ""
    last = frames[-1]
    return f" ({last.filename.strip('<>')}, line {last.lineno})"


def array(value, kind, what):
    """value as a NumPy array, or Failed saying what came back instead."""
    if value is None:
        raise Failed(kind, f"{what} is None: the function must return its result")
    try:
        out = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise Failed(kind, f"{what} is a {type(value).__name__} that is not an array") from None
    if out.dtype == object:
        raise Failed(kind, f"{what} is not an array of numbers (got {type(value).__name__})")
    return out


def same_shape(value, shape, kind, what):
    out = array(value, kind, what)
    if out.shape != tuple(shape):
        raise Failed(kind, f"{what} has shape {out.shape}, expected {tuple(shape)}")
    return out


def close(value, expected, kind, what, *, rtol=1e-9, atol=1e-12, fix=""):
    """value has expected's shape and values (NaN where expected is NaN)."""
    expected = np.asarray(expected)
    out = same_shape(value, expected.shape, kind, what)
    if not np.issubdtype(out.dtype, np.number) and out.dtype != bool:
        raise Failed(kind, f"{what} holds {out.dtype} values, expected numbers")
    if not np.allclose(out, expected, rtol=rtol, atol=atol, equal_nan=True):
        bad = ~np.isclose(out, expected, rtol=rtol, atol=atol, equal_nan=True)
        index = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0]) if out.ndim else ()
        got, want = np.atleast_1d(out)[index], np.atleast_1d(expected)[index]
        at = f" at index {index}" if out.ndim else ""
        shown_got, shown_want = show_apart(got, want)
        raise Failed(kind, f"{what} is wrong in {int(np.sum(bad))} of {bad.size} entries, e.g."
                     f"{at}: {shown_got} where it should be {shown_want}{relative(got, want)}"
                     + (f"; {fix}" if fix else ""))
    return out


def show(value) -> str:
    """A number as a learner reads it: 0.123457, True, nan (no np.float64(...))."""
    value = np.asarray(value).item() if np.ndim(value) == 0 else value
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def show_apart(got, want) -> tuple:
    """got and want as show() writes them, with as many digits as it takes to tell them apart
    (4.39531 and 4.39531 become 4.3953125 and 4.3953118)."""
    got, want = (np.asarray(v).item() if np.ndim(v) == 0 else v for v in (got, want))
    if not (isinstance(got, float) and isinstance(want, float)):
        return show(got), show(want)
    for digits in range(6, 18):
        if f"{got:.{digits}g}" != f"{want:.{digits}g}":
            break
    return f"{got:.{digits}g}", f"{want:.{digits}g}"


def relative(got, want) -> str:
    """' (relative error 1.6e-07)' for two finite floats, '' otherwise."""
    got, want = (np.asarray(v).item() if np.ndim(v) == 0 else v for v in (got, want))
    if not (isinstance(got, float) and isinstance(want, float)) or want == 0 \
            or not np.isfinite(got) or not np.isfinite(want):
        return ""
    return f" (relative error {abs(got - want) / abs(want):.2g})"


def unchanged(before, after, kind, what):
    """Inputs must come back as they went in (copies taken before the call)."""
    for old, new in zip(before, after):
        if np.shape(old) != np.shape(new) or not np.array_equal(old, new, equal_nan=True):
            raise Failed(kind, f"{what} changed an input array in place: compute new arrays "
                         "(e.g. out = f(z), not z *= ...)")


def no_overflow(fn, *args, kind, forbid=(), **kwargs):
    """call() with floating-point overflow, invalid and divide errors raised, not warned."""
    with np.errstate(all="raise", under="ignore"):
        try:
            return call(fn, *args, kind=kind, forbid=forbid, **kwargs)
        except Failed as failure:
            if "FloatingPointError" in failure.detail:
                raise Failed(kind, f"{failure.detail}: some step computes a number too large "
                             "for a float (e.g. exp of a large positive number); rewrite it so "
                             "every intermediate value stays finite") from None
            raise


def global_state():
    """A copy of np.random's global state, to show an answer did not draw from it."""
    return np.random.get_state()[1].copy()


def same_global_state(before, kind, what):
    if not np.array_equal(before, np.random.get_state()[1]):
        raise Failed(kind, f"{what} drew from np.random's global generator (np.random.randn, "
                     "np.random.seed, ...): draw every number from the rng argument")


def seeds(rng, n=2):
    """n different fresh seeds for np.random.default_rng."""
    return [int(s) for s in rng.choice(2**31, size=n, replace=False)]


__all__ = ["array", "call", "close", "function", "global_state", "no_overflow",
           "same_global_state", "same_shape", "seeds", "show", "unchanged", "where", "Failed"]
