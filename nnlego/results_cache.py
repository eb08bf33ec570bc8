"""The results cache: trained networks and their metrics, keyed by what produced them.

An entry is two files named by its key: ``<key>.npz`` (the network, written by
:func:`nnlego.save_network`, loaded with ``allow_pickle=False``) and ``<key>.json`` (the history and
metrics). The key is the sha256 of a canonical JSON of

    the experiment's settings  +  the seed  +  a fingerprint of the data  +  FORMAT_VERSION,

so a change to any of them is a different entry and a stale result is never reused. Bump
``FORMAT_VERSION`` when the training code changes what a seed produces.

Writes are atomic (a temporary file, then a rename), and the JSON is written last: an entry counts
only once both files exist, so an interrupted run leaves no half entry behind.

Location: ``$NNLEGO_RESULTS`` if set, else ``<user cache dir>/nnlego/results`` (platformdirs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import platformdirs

from .storage import load_network, save_network

FORMAT_VERSION = 2   # 2: one SeedSequence per run spawns its streams (experiments.STREAMS)
ENV_VAR = "NNLEGO_RESULTS"


def default_location() -> Path:
    """``$NNLEGO_RESULTS``, else ``<user cache dir>/nnlego/results``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("nnlego")) / "results"


def data_fingerprint(*arrays) -> str:
    """A short sha256 of the arrays' shapes, dtypes and a strided sample of their bytes.

    Cheap (a few MB hashed for MNIST) yet it tells real data from synthetic test data and one
    subset from another, so tests with fake data never poison a real cache.
    """
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype.str}".encode())
        step = max(1, len(a) // 512)
        h.update(np.ascontiguousarray(a[::step]).tobytes())
        h.update(np.ascontiguousarray(a[-1:]).tobytes())
    return h.hexdigest()[:16]


def settings_dict(settings) -> dict:
    """Settings (a dataclass or a dict) as a plain JSON-able dict, tuples as lists."""
    d = dataclasses.asdict(settings) if dataclasses.is_dataclass(settings) else dict(settings)
    return json.loads(json.dumps(d))


class ResultsCache:
    """Trained networks and metrics on disk under ``root`` (see the module docstring)."""

    def __init__(self, root=None):
        self.root = Path(root).expanduser() if root is not None else default_location()

    def __repr__(self):
        return f"ResultsCache({str(self.root)!r})"

    def key(self, settings, seed: int, fingerprint: str) -> str:
        """The entry's name: a sha256 of settings, seed, data fingerprint and format version."""
        blob = json.dumps({"settings": settings_dict(settings), "seed": int(seed),
                           "data": fingerprint, "format": FORMAT_VERSION}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:24]

    def load(self, key: str):
        """``(net, record)`` for ``key``, or ``None`` if there is no complete, readable entry."""
        npz, meta = self.root / f"{key}.npz", self.root / f"{key}.json"
        if not (npz.is_file() and meta.is_file()):
            return None
        try:
            record = json.loads(meta.read_text())
            net = load_network(npz)
        except (OSError, ValueError, KeyError):
            return None                 # a corrupt entry is retrained and overwritten
        if record.get("format") != FORMAT_VERSION:
            return None
        return net, record

    def save(self, key: str, net, record: dict) -> Path:
        """Store ``net`` and the JSON-able ``record`` under ``key``; return the JSON's path."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PermissionError(
                f"cannot create the results cache {str(self.root)!r} ({error.strerror}); set "
                f"${ENV_VAR} to a writable directory") from None
        save_network(net, self.root / f"{key}.npz")
        record = {**record, "format": FORMAT_VERSION, "key": key}
        path = self.root / f"{key}.json"
        _atomic_write_text(path, json.dumps(record, indent=1, sort_keys=True))
        return path

    @contextlib.contextmanager
    def lock(self, key: str):
        """Hold an exclusive inter-process lock on entry ``key`` (``<key>.lock``, fcntl)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def keys(self) -> list:
        """The keys of the complete entries, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.json")
                      if (self.root / f"{p.stem}.npz").is_file())

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        keys = self.keys()
        for key in keys:
            for suffix in (".json", ".npz"):
                (self.root / f"{key}{suffix}").unlink(missing_ok=True)
        return len(keys)


def _atomic_write_text(path: Path, text: str):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
