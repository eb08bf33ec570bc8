"""Save and load networks as ``.npz`` files that load without pickle.

The file holds the arrays ``W0, b0, W1, b1, ...`` and the settings as plain string and int arrays
(``sizes``, ``activations``, ``cost``, ``init``), so ``np.load(..., allow_pickle=False)`` reads it
and no code can hide in it. Saving writes a temporary file and renames it, so an interrupted save
never leaves half a file where a good one was.
"""

from __future__ import annotations

import zipfile
import zlib

import numpy as np

from ._validation import WEIGHTS_CAUSE, check_finite, check_path
from .files import writing
from .network import Network

_SETTINGS = ("sizes", "activations", "cost", "init")


def save_network(net, path):
    """Write ``net`` to ``path`` (``.npz`` is appended if missing); return the path written."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nnlego Network, got {type(net).__name__}")
    path = check_path("path", path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {"sizes": np.array(net.sizes), "activations": np.array(net.activations),
              "cost": np.array(net.cost), "init": np.array(net.init)}
    for name, p in zip(net.parameter_names(), net.parameters):
        arrays[name] = p
    path.parent.mkdir(parents=True, exist_ok=True)
    with writing(path) as handle:
        np.savez(handle, **arrays)
    return path


def load_network(path):
    """Read a network written by :func:`save_network`.

    A file that is damaged (truncated, emptied, bit-flipped: the zip's CRC-32 catches it),
    foreign (not an npz, another program's arrays) or tampered with (wrong shapes or dtypes,
    settings that make no network, NaN or inf weights) raises one ``ValueError`` naming the path
    and what is wrong. Nothing is ever unpickled.
    """
    path = check_path("path", path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved network at {str(path)!r}; save one with save_network")
    arrays = _read_arrays(path)
    try:
        return _build(arrays)
    except ValueError as error:
        raise ValueError(f"{str(path)!r} is not a saved nnlego network, or a damaged one: "
                         f"{error}; save the network again with save_network") from None


def _read_arrays(path):
    """Every array in the npz at ``path``, read in full (so a damaged member fails here)."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head != b"PK\x03\x04":
        what = "it is empty" if not head else f"it starts with {head!r}, not a zip header"
        raise ValueError(f"{str(path)!r} is not a saved nnlego network (an .npz archive): {what}")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError,
            OverflowError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{str(path)!r} is damaged (truncated or altered): {error}; "
                         "delete it and save the network again") from None


def _build(arrays):
    """A Network from the arrays of a saved file; ValueError saying what does not fit."""
    missing = [k for k in _SETTINGS if k not in arrays]
    if missing:
        raise ValueError(f"it lacks the settings {missing}")
    _check_settings(arrays)
    sizes = [int(n) for n in arrays["sizes"]]
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for name, shape in [(f"W{l}", (n_in, n_out)), (f"b{l}", (n_out,))]:
            if name not in arrays:
                raise ValueError(f"it lacks the parameter array {name}")
            _check_parameter(name, arrays[name], shape, arrays["W0"].dtype)
    try:
        net = Network(sizes, [str(a) for a in arrays["activations"]], str(arrays["cost"]),
                      str(arrays["init"]), rng=np.random.default_rng(0), dtype=arrays["W0"].dtype)
    except TypeError as error:
        raise ValueError(str(error)) from None
    net.weights = [arrays[f"W{l}"] for l in range(len(sizes) - 1)]
    net.biases = [arrays[f"b{l}"] for l in range(len(sizes) - 1)]
    return net


def _check_settings(arrays):
    sizes = arrays["sizes"]
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) < 2 or sizes.min() < 1:
        raise ValueError(f"sizes must be at least two layer widths >= 1, got {sizes!r}")
    for name, ndim in [("activations", 1), ("cost", 0), ("init", 0)]:
        a = arrays[name]
        if a.dtype.kind != "U" or a.ndim != ndim:
            raise ValueError(f"{name} must be a {ndim}-D string array, got shape {a.shape} "
                             f"and dtype {a.dtype}")


def _check_parameter(name, value, shape, dtype):
    if value.shape != shape:
        raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
    if value.dtype != dtype or dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} has dtype {value.dtype}, expected float32 or float64 like "
                         "every other parameter")
    check_finite(name, value, WEIGHTS_CAUSE)
