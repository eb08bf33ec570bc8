"""Save and load networks as ``.npz`` files that load without pickle.

The file holds the arrays ``W0, b0, W1, b1, ...`` and the settings as plain string and int arrays
(``sizes``, ``activations``, ``cost``, ``init``), so ``np.load(..., allow_pickle=False)`` reads it
and no code can hide in it. Saving writes a temporary file and renames it, so an interrupted save
never leaves half a file where a good one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from .network import Network

_SETTINGS = ("sizes", "activations", "cost", "init")


def save_network(net, path):
    """Write ``net`` to ``path`` (``.npz`` is appended if missing); return the path written."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {"sizes": np.array(net.sizes), "activations": np.array(net.activations),
              "cost": np.array(net.cost), "init": np.array(net.init)}
    for name, p in zip(net.parameter_names(), net.parameters):
        arrays[name] = p
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def load_network(path):
    """Read a network written by :func:`save_network`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved network at {str(path)!r}; save one with save_network")
    with np.load(path, allow_pickle=False) as data:
        missing = [k for k in _SETTINGS if k not in data.files]
        if missing:
            raise ValueError(f"{str(path)!r} is not a saved nnlego network: it lacks {missing}")
        sizes = [int(n) for n in data["sizes"]]
        net = Network(sizes, [str(a) for a in data["activations"]], str(data["cost"]),
                      str(data["init"]), rng=np.random.default_rng(0),
                      dtype=data["W0"].dtype)
        for l in range(len(sizes) - 1):
            W, b = data[f"W{l}"], data[f"b{l}"]
            if W.shape != net.weights[l].shape or b.shape != net.biases[l].shape:
                raise ValueError(f"{str(path)!r} is corrupt: W{l} has shape {W.shape}, "
                                 f"expected {net.weights[l].shape}")
            net.weights[l], net.biases[l] = W, b
    return net
