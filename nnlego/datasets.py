"""MNIST and Fashion-MNIST, loaded from a verified local cache.

Conventions: images are rows, ``X`` of shape ``(n, 784)`` float32 in [0, 1] (``as_images`` gives
``(n, 28, 28)``); labels ``y`` of shape ``(n,)`` int64. ``load_mnist`` keeps Nielsen's split
(50,000 train / 10,000 validation / 10,000 test) and his pixel values exactly (k / 256, float32);
``load_fashion_mnist`` gives Zalando's 60,000 / 10,000 with pixels k / 255.

The cache: one ``<name>.npz`` per data set in the data home (``$NNLEGO_DATA``, else the user cache
directory, which is also where pooch keeps the official downloads), holding the raw uint8 pixels
``<split>_images`` (n, 784) and labels ``<split>_labels`` (n,), plus a JSON record of where it
came from. Every load hashes the arrays against a sha256 pinned here (about 0.05 s), so every
machine trains on the same bytes and a damaged cache is never used. The npz loads with
``allow_pickle=False``; it is written to a temporary file, verified, then renamed, so a good cache
is never replaced by a bad one. Getting the data lives in :mod:`nnlego.data_sources`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pooch

from .files import write_text, writing

ENV_VAR = "NNLEGO_DATA"
N_PIXELS = 28 * 28
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


class Split(NamedTuple):
    """One split: ``X`` (n, 784) float32 in [0, 1] and ``y`` (n,) int64. Unpacks as ``X, y``."""

    X: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Dataset:
    """A data set's splits (``validation`` is None when it has none) and its class names."""

    name: str
    train: Split
    test: Split
    validation: Split | None
    class_names: tuple[str, ...]


@dataclass(frozen=True)
class CacheSpec:
    """What a verified cache holds: its splits, pixel scale, class names, the pinned hash."""

    splits: tuple[str, ...]  # each has <split>_images (n, 784) and <split>_labels (n,), uint8
    pixel_scale: float  # stored uint8 k  ->  float32 k / pixel_scale
    class_names: tuple[str, ...]
    content_sha256: str  # of the arrays, see content_sha256()
    import_hint: str


SPECS = {
    "mnist": CacheSpec(
        ("train", "validation", "test"), 256.0, tuple("0123456789"),
        "f6b3e5f58fa554d137763a32427fc9a319f0308cc0996d257e3ba10995f9634c",
        "Nielsen's mnist.pkl.gz"),
    "fashion-mnist": CacheSpec(
        ("train", "test"), 255.0, FASHION_CLASSES,
        "91afc1953d730fd512b3ec5d8ebbe7baa21b58917afa435aac89d737b9e9400c",
        "the four Fashion-MNIST IDX files (train/t10k-images-idx3-ubyte.gz, "
        "train/t10k-labels-idx1-ubyte.gz) or the folder holding them"),
}


class DataNotFoundError(FileNotFoundError):
    """No cached copy of a data set; the message lists the ways to get one."""


class CacheError(ValueError):
    """A cache file that is unreadable or fails verification; it is not used."""


class CacheStatus(NamedTuple):
    """What :func:`cache_status` found: ``state`` is "verified", "missing" or "corrupt"."""

    name: str
    path: Path
    state: str
    detail: str
    provenance: dict


def data_home(path=None) -> Path:
    """The data folder: ``path`` if given, else ``$NNLEGO_DATA``, else the user cache dir."""
    return Path(path or os.environ.get(ENV_VAR) or pooch.os_cache("nnlego")).expanduser()


_home = data_home  # the functions' argument data_home= hides the function


def get_spec(name: str) -> CacheSpec:
    """The :class:`CacheSpec` of ``name``; an unknown name lists the valid ones."""
    try:
        return SPECS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(SPECS)}") from None


def cache_path(name: str, *, data_home=None) -> Path:
    """Where the cache of ``name`` lives: ``<data home>/<name>.npz``."""
    get_spec(name)
    return _home(data_home) / f"{name}.npz"


def content_sha256(arrays: dict) -> str:
    """sha256 over the arrays in key order: name, dtype, shape, then the C-order bytes."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.data)
    return digest.hexdigest()


def check_arrays(name: str, arrays: dict, *, where: str) -> None:
    """Raise :class:`CacheError` unless ``arrays`` are exactly the pinned data set ``name``.

    The hash covers every array's name, dtype and shape, so one check catches them all.
    """
    spec, digest = get_spec(name), content_sha256(arrays)
    if digest != spec.content_sha256:
        held = ", ".join(f"{key} {a.dtype} {a.shape}" for key, a in sorted(arrays.items()))
        raise CacheError(
            f"{where}: content sha256 is {digest}, expected {spec.content_sha256} (the pinned "
            f"{name}); it holds {held or 'no arrays'}: damaged, or not {name}; delete it and run "
            f"`nnlego data fetch {name}` or `nnlego data import PATH` with {spec.import_hint}")


def read_cache(name: str, *, data_home=None) -> dict:
    """The verified raw arrays of ``name`` (uint8), or DataNotFoundError / CacheError."""
    path = cache_path(name, data_home=data_home)
    if not path.is_file():
        raise DataNotFoundError(_not_found_message(name, path))
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as npz:  # f: closed on error
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CacheError(f"{path}: cannot read it as .npz ({error}); delete it and run "
                         f"`nnlego data fetch {name}`") from None
    check_arrays(name, arrays, where=str(path))
    return arrays


def write_cache(name: str, arrays: dict, *, data_home=None, provenance=None) -> Path:
    """Verify ``arrays``, write them to a temporary file, verify it again, then rename it."""
    check_arrays(name, arrays, where=f"the converted {name} data")
    path = cache_path(name, data_home=data_home)
    record = {"dataset": name, "format": 1, "content_sha256": get_spec(name).content_sha256,
              **(provenance or {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    with writing(path) as handle:              # the .npz whole, or not at all
        np.savez(handle, **arrays)
        handle.flush()
        with np.load(handle.name, allow_pickle=False) as npz:   # verified again as written
            check_arrays(name, {key: npz[key] for key in npz.files}, where=str(path))
    write_text(path.with_suffix(".json"), json.dumps(record, indent=2) + "\n")
    return path


def cache_status(name: str, *, data_home=None) -> CacheStatus:
    """Check the cache of ``name`` (reads and hashes it) without raising."""
    path = cache_path(name, data_home=data_home)
    try:
        provenance = json.loads(path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        provenance = {}
    try:
        arrays = read_cache(name, data_home=data_home)
    except DataNotFoundError:
        return CacheStatus(name, path, "missing", "not there", provenance)
    except CacheError as error:
        return CacheStatus(name, path, "corrupt", str(error), provenance)
    sizes = ", ".join(f"{split} {len(arrays[f'{split}_labels']):,}"
                      for split in get_spec(name).splits)
    return CacheStatus(name, path, "verified", sizes, provenance)


def load_mnist(*, data_home=None) -> Dataset:
    """MNIST as Nielsen split it: train 50,000, validation 10,000, test 10,000."""
    return _load("mnist", data_home)


def load_fashion_mnist(*, data_home=None) -> Dataset:
    """Fashion-MNIST: train 60,000, test 10,000 (``validation`` is None), with class names."""
    return _load("fashion-mnist", data_home)


def as_images(X) -> np.ndarray:
    """Rows of 784 pixels ``(n, 784)`` as images ``(n, 28, 28)`` (a view); ``(784,)`` -> 28x28."""
    X = np.asarray(X)
    if X.shape[-1:] != (N_PIXELS,) or X.ndim not in (1, 2):
        raise ValueError(f"X must have shape (n, {N_PIXELS}) or ({N_PIXELS},), got {X.shape}; "
                         "pass image rows such as mnist.train.X")
    return X.reshape(X.shape[:-1] + (28, 28))


def as_vectors(images) -> np.ndarray:
    """Images ``(n, 28, 28)`` as rows ``(n, 784)`` (a view when contiguous); 28x28 -> (784,)."""
    images = np.asarray(images)
    if images.shape[-2:] != (28, 28) or images.ndim not in (2, 3):
        raise ValueError(f"images must have shape (n, 28, 28) or (28, 28), got {images.shape}; "
                         "use as_images(X) to go the other way")
    return images.reshape(images.shape[:-2] + (N_PIXELS,))


def _load(name: str, home) -> Dataset:
    spec, arrays = get_spec(name), read_cache(name, data_home=home)
    scale = np.float32(spec.pixel_scale)
    splits = {split: Split(arrays[f"{split}_images"].astype(np.float32) / scale,  # (n, 784)
                           arrays[f"{split}_labels"].astype(np.int64))
              for split in spec.splits}
    return Dataset(name, splits["train"], splits["test"], splits.get("validation"),
                   spec.class_names)


def check_folder(path: Path) -> None:
    """Fail at once, before any work, if ``path`` or a parent of it is a file, not a folder."""
    for folder in (path, *path.parents):
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder; choose another "
                                         "data home (--data-home or $NNLEGO_DATA)", str(folder))
            return


def where() -> str:
    """Where this code runs: ``"colab"``, ``"binder"`` or ``"local"`` (a clone, a laptop, CI)."""
    import sys

    if "google.colab" in sys.modules or os.environ.get("COLAB_RELEASE_TAG"):
        return "colab"
    if os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("BINDER_REQUEST"):
        return "binder"
    return "local"


def _not_found_message(name: str, path: Path) -> str:
    place = where()
    if place == "local":
        offline = ("  bash scripts/get_offline_data.sh   the registry copies (no web needed; in a "
                   "clone of nnlego)\n")
    else:
        offline = (f"  (in a notebook cell on {place.capitalize()}, start each command with `!`; "
                   f"to import, first upload the files with the file browser)\n")
    return (
        f"no {name} data: {path} does not exist. Get it one of these ways:\n"
        f"  nnlego data fetch {name}      download from the official source and verify it\n"
        f"  nnlego data import PATH    from {get_spec(name).import_hint} you already have\n"
        f"{offline}"
        f"  or set {ENV_VAR} to a folder that already holds a verified {name}.npz")
