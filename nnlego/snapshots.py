"""Weight snapshots: the first layer's weights while a cached network trains (bricks forming).

A snapshot is ``W1`` (``net.weights[0]``, shape ``(n_in, n_hidden)``) after a given optimizer
step. :func:`snapshot_steps` chooses the steps: step 0 (the initial weights), ``n_early``
log-spaced steps inside the first epoch, where most of the change happens, and the end of every
epoch. :func:`record` re-runs exactly the training of :func:`nnlego.experiments.run` (its
``training_setup``, init stream and :func:`nnlego.train` call, through ``experiments._train``)
with an ``on_step`` recorder, so its last snapshot is the cached network's ``W1`` bit for bit.

Storage: beside the results-cache entry, ``<key>.snapshots.npz`` (``steps``,
``steps_per_epoch``, ``W1`` in float16, ``key``; a few MB), read with ``allow_pickle=False``.
float16 keeps about three significant digits, plenty for images and correlation maps.

Verified whole: beside it, its seal ``<key>.snapshots.sha256`` (:func:`seal_path`), the
sha256 of the file's bytes and its name in ``sha256sum`` format, written last (:func:`seal`).
The bytes hold ``key``, which must be the file name's, so the seal covers the weights, the
steps and which run they belong to. :func:`load_snapshots` records and stores the file again
when it is missing, unsealed (written before seals, or interrupted: stale, without a word), of
another format, or when it fails its seal or its checks (a weight changed, a file copied under
another run's name, damage: one warning naming it). Verifying only reads, so a read-only cache
serves its snapshots. The seal is beside the file, not in it, so a results pack's snapshot
members keep their bytes: :func:`nnlego.results_pack.import_pack` seals them as it imports.
``nnlego reproduce`` records the articles' snapshot runs (``SNAPSHOT_RUNS`` of each article
module), so the book never trains.

Book: chapter 5 ("Watch the bricks form") and chapter 10 ("The grid forming").
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import experiments
from ._validation import check_int, check_positive_int, check_seed
from .files import write_text, writing
from .results_cache import warn_damaged_once

N_EARLY = 10            # log-spaced snapshots inside the first epoch
STORE_DTYPE = np.float16
FORMAT = 1
_FIELDS = {"steps", "steps_per_epoch", "W1", "key", "format"}


class Snapshots(NamedTuple):
    """``W1`` after each of ``steps``: ``W1[i]`` is ``(n_in, n_hidden)`` after step ``steps[i]``."""

    steps: np.ndarray           # (n_snapshots,) int64; 0 = the initial weights
    steps_per_epoch: int
    W1: np.ndarray              # (n_snapshots, n_in, n_hidden)

    @property
    def epochs(self) -> np.ndarray:
        """``(n_snapshots,)``: each snapshot's time in epochs, ``steps / steps_per_epoch``."""
        return self.steps / self.steps_per_epoch


def snapshot_steps(n_epochs: int, steps_per_epoch: int, n_early: int = N_EARLY) -> np.ndarray:
    """Steps to snapshot, sorted: 0, ``n_early`` log-spaced steps in epoch 1, every epoch's end.

    E.g. ``snapshot_steps(2, 100, 4)`` -> ``[0, 1, 3, 10, 32, 100, 200]``.
    """
    n_epochs = check_positive_int("n_epochs", n_epochs)
    steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
    n_early = check_int("n_early", n_early, minimum=0)
    early = np.geomspace(1, steps_per_epoch, n_early + 1)[:-1] if n_early else []
    ends = steps_per_epoch * np.arange(1, n_epochs + 1)
    return np.unique(np.concatenate([[0], np.round(early), ends]).astype(np.int64))


def weight_change(snaps: Snapshots) -> np.ndarray:
    """``(n_snapshots, n_hidden)``: how far each hidden neuron's weights are from where they
    started, relative to their starting length, ``|W1[t][:, j] - W1[0][:, j]| / |W1[0][:, j]|``."""
    W1 = np.asarray(snaps.W1, dtype=np.float64)            # (n_snapshots, n_in, n_hidden)
    return np.linalg.norm(W1 - W1[0], axis=1) / np.linalg.norm(W1[0], axis=0)


def steps_per_epoch(settings, seed: int = 0) -> int:
    """Optimizer steps per epoch of ``settings``: ceil(n_train / batch_size)."""
    n = len(experiments.training_setup(settings, seed).X)
    return -(-n // experiments.get_settings(settings).batch_size)


def record(settings, seed: int = 0, n_early: int = N_EARLY, *, progress=None):
    """``(Snapshots, Result)``: train ``settings`` with ``seed`` as :func:`experiments.run` does,
    snapshotting ``W1`` (full precision) at :func:`snapshot_steps`. Trains; never reads a cache.
    ``progress(epoch, history)``: :func:`nnlego.train`'s callback."""
    settings, seed = experiments.get_settings(settings), check_seed(seed)
    per_epoch = steps_per_epoch(settings, seed)
    steps = snapshot_steps(settings.n_epochs, per_epoch, n_early)
    wanted, taken = set(steps.tolist()), []

    def on_step(step, net):
        if step in wanted:
            taken.append(net.weights[0].copy())

    result = experiments._train(settings, seed, progress, on_step=on_step)
    if len(taken) != len(steps):
        raise RuntimeError(f"recorded {len(taken)} snapshots of {settings.name!r} but planned "
                           f"{len(steps)}: the run took other steps than ceil(n / batch_size)")
    return Snapshots(steps, per_epoch, np.stack(taken)), result


def snapshot_path(settings, seed: int = 0, cache=None) -> Path | None:
    """Where the snapshots of ``settings`` and ``seed`` live (None with ``cache=False``)."""
    store = experiments._as_cache(cache)
    if not store:
        return None
    return store.root / f"{_key(store, settings, seed)}.snapshots.npz"


def load_snapshots(settings, seed: int = 0, cache=None, *, progress=None) -> Snapshots:
    """The stored :class:`Snapshots` (``W1`` float16), recorded and stored first if missing.

    ``cache`` as in :func:`experiments.run` (False: record, store nothing). Recording checks
    that the last snapshot equals the cached network's ``W1`` when that entry exists;
    ``progress(epoch, history)`` is :func:`nnlego.train`'s callback while it records.
    """
    settings, seed = experiments.get_settings(settings), check_seed(seed)
    store = experiments._as_cache(cache)
    if not store:
        return _stored_form(record(settings, seed, progress=progress)[0])
    key = _key(store, settings, seed)
    path = store.root / f"{key}.snapshots.npz"
    found = _read(path, key, settings)       # no lock to read: a read-only cache serves it
    if found is not None:
        return found
    with store.lock(key):
        found = _read(path, key, settings)
        if found is None:
            found = _stored_form(_checked_record(settings, seed, store, progress))
            _write(path, key, found)
    return found


def _key(store, settings, seed):
    settings = experiments.get_settings(settings)
    return store.key(settings, check_seed(seed), experiments._fingerprint(settings))


def _checked_record(settings, seed, store, progress=None):
    snaps, _ = record(settings, seed, progress=progress)
    cached = experiments.cached_result(settings, seed, store)
    if cached is not None and not np.array_equal(snaps.W1[-1], cached.net.weights[0]):
        raise RuntimeError(f"re-running {settings.name!r} seed {seed} did not reproduce the "
                           "cached network; the training code changed what a seed produces: "
                           "bump results_cache.FORMAT_VERSION")
    return snaps


def _stored_form(snaps: Snapshots) -> Snapshots:
    return snaps._replace(W1=snaps.W1.astype(STORE_DTYPE))


def seal_path(path) -> Path:
    """The seal of the snapshot file ``path``: ``<key>.snapshots.sha256`` beside
    ``<key>.snapshots.npz``."""
    path = Path(path)
    return path.with_name(path.name.removesuffix(".npz") + ".sha256")


def seal(path) -> Path:
    """Write the seal of the snapshot file at ``path`` (its sha256 and name; ``sha256sum -c``
    checks it) unless it holds already; return the seal's path."""
    path, target = Path(path), seal_path(path)
    line = _seal_line(path.read_bytes(), path.name)
    if not (target.is_file() and target.read_bytes() == line.encode()):
        write_text(target, line)
    return target


def _seal_line(data: bytes, name: str) -> str:
    return f"{hashlib.sha256(data).hexdigest()}  {name}\n"


def _write(path: Path, key: str, snaps: Snapshots):
    with writing(path) as handle:
        np.savez_compressed(handle, steps=snaps.steps, steps_per_epoch=snaps.steps_per_epoch,
                            W1=snaps.W1, key=np.str_(key), format=FORMAT)
    seal(path)                          # last: the file counts once its seal is there


def _read(path: Path, key: str, settings) -> Snapshots | None:
    """The snapshots in ``path``, or None if it is missing or unsealed (stale), or fails its
    seal or its checks (then one warning)."""
    if not (path.is_file() and seal_path(path).is_file()):
        return None
    try:
        data = path.read_bytes()
        if seal_path(path).read_text() != _seal_line(data, path.name):
            raise ValueError(f"its bytes or its name differ from its seal "
                             f"{seal_path(path).name} (edited or copied since it was written?)")
        with np.load(io.BytesIO(data), allow_pickle=False) as f:
            if set(f.files) != _FIELDS or int(f["format"]) != FORMAT:
                raise ValueError(f"it holds {sorted(f.files)}, not {sorted(_FIELDS)} of format "
                                 f"{FORMAT}")
            snaps = Snapshots(f["steps"], int(f["steps_per_epoch"]), f["W1"])
            stored_key = str(f["key"])
        _check(snaps, stored_key, key, settings)
        return snaps
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as damage:
        warn_damaged_once((path, seal_path(path)), f"weight snapshots {str(path)!r} are "
                          f"damaged ({damage}); recording them again")
        return None


def _check(snaps, stored_key, key, settings):
    shape = (len(snaps.steps), settings.sizes[0], settings.sizes[1])
    if stored_key != key:
        raise ValueError(f"it belongs to entry {stored_key!r}, not {key!r}")
    if snaps.W1.shape != shape or snaps.W1.dtype != STORE_DTYPE:
        raise ValueError(f"W1 is {snaps.W1.dtype} {snaps.W1.shape}, expected float16 {shape}")
    if snaps.steps.ndim != 1 or np.any(np.diff(snaps.steps) <= 0) or snaps.steps[0] != 0:
        raise ValueError("its steps are not increasing from 0")
    if not np.all(np.isfinite(snaps.W1)):
        raise ValueError("W1 holds NaN or inf")
