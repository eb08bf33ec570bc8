"""Unpickle numpy arrays without letting the file run code.

A pickle is a small program: its GLOBAL opcodes name any importable callable (``os.system``,
``builtins.eval``) and REDUCE calls it. :class:`NumpyUnpickler` resolves only the names a
pickled ndarray needs -- ``numpy.core.multiarray._reconstruct`` (or ``numpy._core``),
``numpy.ndarray``, ``numpy.dtype``, and ``_codecs.encode`` restricted to latin1 (how Python 3
writes bytes into a protocol-2 pickle) -- and refuses every other one with
:class:`UnsafePickleError` before anything is called. Object dtypes are refused too (nothing in
MNIST needs them). Protocols 0-4 work; numpy's protocol-5 form is refused.

It is a second wall, not the first: nnlego verifies a file's sha256 against a pinned value
before unpickling it, and converts it once to ``.npz`` (loaded with ``allow_pickle=False``) so it
is never unpickled again.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

_reconstruct = np.ndarray.__reduce__(np.zeros(1))[0]  # numpy's own, without numpy.core warnings


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle names something other than what numpy arrays need; it was not run."""


def _safe_dtype(*args, **kwargs):
    dtype = np.dtype(*args, **kwargs)
    if dtype.hasobject:
        raise UnsafePickleError(f"the pickle asks for the object dtype {dtype}, which can hold "
                                "arbitrary Python objects; only plain numeric arrays are allowed")
    return dtype


def _latin1_encode(text, encoding="latin1"):
    """Python 3 writes bytes into protocol-2 pickles as ``_codecs.encode(text, "latin1")``."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError(f"the pickle calls _codecs.encode with encoding {encoding!r}; "
                                "only latin1 text (bytes written by Python 3) is allowed")
    return text.encode("latin1")


ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): _safe_dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class NumpyUnpickler(pickle.Unpickler):
    """A :class:`pickle.Unpickler` that resolves only the names in :data:`ALLOWED`."""

    def find_class(self, module, name):
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"refused to load {module}.{name} from a pickle: it could run code. Only "
                f"{sorted(f'{m}.{n}' for m, n in ALLOWED)} are allowed. Do not use this file; "
                "get the data with nnlego data fetch") from None

    def persistent_load(self, pid):
        raise UnsafePickleError("refused a persistent id in a pickle: only numpy arrays allowed")


def _check_arrays(obj):
    """Walk the result: containers, plain scalars and numeric ndarrays only."""
    if isinstance(obj, (tuple, list)):
        for item in obj:
            _check_arrays(item)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.hasobject or type(obj) is not np.ndarray:
            raise UnsafePickleError(f"the pickle holds an array of type {type(obj).__name__} "
                                    f"with dtype {obj.dtype}; only numeric ndarrays are allowed")
    elif not isinstance(obj, (int, float, str, bytes, type(None))):
        raise UnsafePickleError(f"the pickle holds a {type(obj).__name__}; only tuples, lists, "
                                "numbers, strings and numeric ndarrays are allowed")


def safe_loads(data: bytes, *, encoding: str = "latin1"):
    """Unpickle numpy arrays (inside tuples and lists) from bytes; anything else is refused.

    ``encoding="latin1"`` reads Python-2 pickles such as Nielsen's ``mnist.pkl.gz``.
    """
    obj = NumpyUnpickler(io.BytesIO(data), encoding=encoding).load()
    _check_arrays(obj)
    return obj
