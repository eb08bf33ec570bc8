"""The results cache: trained networks and their metrics, keyed by what produced them.

An entry is two files named by its key: ``<key>.npz`` (the network, written by
:func:`nnlego.save_network`, loaded with ``allow_pickle=False``) and ``<key>.json`` (the history and
metrics). The key is the sha256 of a canonical JSON of

    the experiment's settings  +  the seed  +  a fingerprint of the data  +  FORMAT_VERSION,

so a change to any of them is a different entry and a stale result is never reused. Bump
``FORMAT_VERSION`` when the training code changes what a seed produces.

Writes are atomic (a temporary file, then a rename), and the JSON is written last: an entry counts
only once both files exist, so an interrupted run leaves no half entry behind.

An entry is verified whole. The JSON records the sha256 of the ``.npz`` bytes
(``"npz_sha256"``), its own ``"key"``, and a ``"digest"``: :func:`record_digest`, the sha256 of
the canonical JSON (``json.dumps(sort_keys=True)``) of the record without the digest itself.
The record holds the weights' hash, so the digest covers the history, the metrics, the key,
the format and the network at once. :meth:`ResultsCache.load` checks that the JSON parses and
holds a ``"history"`` and ``"metrics"``, that the digest matches, that the recorded key is the
file name's (an entry copied under another seed's name is not that seed's), that the ``.npz``
has the recorded hash and that the network loads (:func:`nnlego.load_network`). Any failure
(damage, or a hand-edited accuracy) is reported once with ``warnings.warn`` naming the path and
the entry is treated as missing, so the caller retrains and overwrites it. Verifying only reads:
a read-only cache serves its intact entries. An entry of another ``FORMAT_VERSION``, or one
written before digests were recorded (or before hashes), is stale: missing without a warning,
so it is retrained once (``FORMAT_VERSION`` and the keys did not change with digests).

A results pack (:mod:`nnlego.results_pack`) holds the records without their digest (the pack
has its own hashes): :func:`with_digest` adds it as an entry is imported, :func:`without_digest`
takes it off as one is packed, so packing an imported cache gives the pack's bytes again.

Concurrency: ``with cache.lock(key):`` holds an exclusive lock (``filelock.FileLock`` on
``<key>.lock``, an OS file lock on every platform) across processes, so two runs can agree
that only one of them trains an entry.

Location: ``$NNLEGO_RESULTS`` if set, else ``<user cache dir>/nnlego/results`` (platformdirs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np
import platformdirs
from filelock import FileLock

from .files import write_text
from .storage import load_network, save_network

FORMAT_VERSION = 3   # 2: one SeedSequence per run spawns its streams (experiments.STREAMS)
#                      3: the optimizers flush subnormals to zero every 100 steps (issue 29;
#                         the savant's networks came out bit-identical, but a seed's can change)
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
        """``(net, record)`` for ``key``, or ``None`` if there is no complete, intact entry.

        An entry of another ``FORMAT_VERSION`` is silently missing; a damaged one (see the module
        docstring) is missing too, after one warning that names its files.
        """
        npz, meta = self.root / f"{key}.npz", self.root / f"{key}.json"
        if not (npz.is_file() and meta.is_file()):
            return None
        try:
            return _read_entry(npz, meta, key)
        except _Damaged as damage:
            warn_damaged_once((npz, meta), f"results cache entry {str(meta)!r} (+ .npz) is "
                              f"damaged: {damage}; it is treated as missing, so it is retrained "
                              "and overwritten")
            return None
        except _OtherFormat:
            return None

    @contextlib.contextmanager
    def lock(self, key: str):
        """Hold an exclusive inter-process lock on entry ``key`` (blocks until it is free).

        ``with cache.lock(key): entry = cache.load(key) or train_and_save()``: a second process
        waits, then finds the entry saved. The lock file ``<key>.lock`` stays (it is empty);
        the lock itself ends with the ``with`` block or the process. Only writing needs it:
        reading an entry that is there takes no lock, so a read-only cache serves its entries.
        """
        self._make_root()
        lock = FileLock(self.root / f"{key}.lock")
        try:
            lock.acquire()
        except OSError as error:
            raise PermissionError(
                f"the results cache {str(self.root)!r} lacks entry {key} and cannot be written "
                f"({error.strerror or error}); set ${ENV_VAR} to a writable folder (or pass "
                "cache=False to train without a cache)") from None
        try:
            yield
        finally:
            lock.release()

    def save(self, key: str, net, record: dict) -> Path:
        """Store ``net`` and the JSON-able ``record`` under ``key``; return the JSON's path.

        The JSON records the format, the key, the ``.npz``'s sha256 and the digest of it all.
        """
        self._make_root()
        npz = save_network(net, self.root / f"{key}.npz")
        record = {**record, "format": FORMAT_VERSION, "key": key, "npz_sha256": _sha256(npz)}
        path = self.root / f"{key}.json"
        write_text(path, with_digest(json.dumps(record)))
        return path

    def _make_root(self):
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PermissionError(
                f"cannot create the results cache {str(self.root)!r} ({error.strerror}); set "
                f"${ENV_VAR} to a writable directory") from None

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


DIGEST = "digest"      # the record's field holding record_digest(the rest of the record)


def record_digest(record: dict) -> str:
    """sha256 of ``json.dumps(record, sort_keys=True)``, ``record`` without its ``"digest"``."""
    body = {name: value for name, value in record.items() if name != DIGEST}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def with_digest(text: str) -> str:
    """An entry's JSON text ``text`` as the cache stores it: with its digest (any digest it
    held replaced), ``indent=1``, keys sorted. ValueError if ``text`` is no JSON object."""
    record = _body(text)
    return json.dumps({**record, DIGEST: record_digest(record)}, indent=1, sort_keys=True)


def without_digest(text: str) -> str:
    """An entry's JSON text as a results pack holds it: without its digest, ``indent=1``,
    keys sorted (the text the entry had before :func:`with_digest`)."""
    return json.dumps(_body(text), indent=1, sort_keys=True)


def _body(text: str) -> dict:
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError(f"an entry's JSON holds a {type(record).__name__}, not an object")
    record.pop(DIGEST, None)
    return record


# What a record must hold (what experiments.run reads back), and the History fields in it.
_RECORD = {"history": dict, "metrics": dict, "npz_sha256": str, DIGEST: str}
_HISTORY = ("train_loss", "train_accuracy", "eval_loss", "eval_accuracy")


class _Damaged(Exception):
    """An entry whose files do not hold what :meth:`ResultsCache.save` wrote."""


class _OtherFormat(Exception):
    """An intact entry of another FORMAT_VERSION, or one written before digests."""


def _read_entry(npz: Path, meta: Path, key: str):
    """``(net, record)`` from an entry's files, or :class:`_Damaged` saying what is wrong."""
    try:
        record = json.loads(meta.read_text())
    except (OSError, ValueError) as error:          # UnicodeDecodeError is a ValueError
        raise _Damaged(f"its JSON does not parse ({error})") from None
    if not isinstance(record, dict):
        raise _Damaged(f"its JSON holds a {type(record).__name__}, not an object")
    if DIGEST not in record:
        raise _OtherFormat              # stale: written before digests (or hashes) were recorded
    missing = [k for k, kind in _RECORD.items() if not isinstance(record.get(k), kind)]
    history = record["history"] if isinstance(record.get("history"), dict) else {}
    missing += [f"history.{k}" for k in _HISTORY if k not in history]
    if missing:
        raise _Damaged(f"its JSON lacks {missing}")
    if record_digest(record) != record[DIGEST]:     # before any field is believed, format too
        raise _Damaged("its JSON differs from the digest recorded when it was saved (edited "
                       "since?)")
    if record.get("format") != FORMAT_VERSION:
        raise _OtherFormat
    if record.get("key") != key:      # copied under another entry's name (another seed, say)
        raise _Damaged(f"it was saved as entry {record.get('key')!r}, not {key!r}")
    try:
        if _sha256(npz) != record["npz_sha256"]:
            raise _Damaged("the .npz's sha256 differs from the one recorded when it was saved")
        return load_network(npz), record
    except (OSError, ValueError) as error:
        raise _Damaged(str(error)) from None


_WARNED: set = set()   # the damaged files already reported, by their state


def warn_damaged_once(paths, message: str, stacklevel: int = 3) -> None:
    """``warnings.warn(message)`` the first time this process meets these damaged files in this
    state (size, modification time): a reader that looks twice (before and after taking the
    lock) reports the damage once."""
    state = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    if state not in _WARNED:
        _WARNED.add(state)
        warnings.warn(message, RuntimeWarning, stacklevel=stacklevel + 1)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
