"""Tiny stand-ins for MNIST and Fashion-MNIST, and the pins that make nnlego accept them.

:func:`tiny_dataset` is a learnable ten-class data set of 28x28 images for the experiments'
tests (nothing real is loaded).

The real files are pinned by sha256, so a test that wants the import / fetch / cache code to run
on a few synthetic images swaps in a small :class:`CacheSpec` and source pins with
``monkeypatch`` (see :func:`pin_tiny_fashion`, :func:`pin_tiny_mnist`); pooch's registry is built
from those pins, so it checks the tiny files too. No network, no real data.
"""

from __future__ import annotations

import gzip
import hashlib
import pickle
from dataclasses import replace

import numpy as np

from nnlego import data_sources, datasets
from nnlego.datasets import Dataset, Split

FASHION_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def idx_bytes(array) -> bytes:
    """``array`` (uint8 or int32) as an IDX file: the inverse of ``parse_idx``, to write tests."""
    array = np.asarray(array)
    codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}
    big = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    if big not in codes:
        raise ValueError(f"array has dtype {array.dtype}, which IDX cannot hold")
    header = bytes([0, 0, codes[big], array.ndim]) + np.array(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=big).tobytes()


def tiny_fashion_arrays(seed: int = 0) -> dict:
    """Raw uint8 arrays as the cache holds them: 6 training and 4 test images."""
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (6, 784), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 6).astype(np.uint8),
        "test_images": rng.integers(0, 256, (4, 784), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 4).astype(np.uint8),
    }


def fashion_idx_contents(arrays: dict) -> dict:
    """{official file name: decompressed IDX bytes} for ``arrays``."""
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = arrays[f"{split}_images"].reshape(-1, 28, 28)
        out[f"{prefix}-images-idx3-ubyte.gz"] = idx_bytes(images)
        out[f"{prefix}-labels-idx1-ubyte.gz"] = idx_bytes(arrays[f"{split}_labels"])
    return out


def write_fashion_folder(folder, arrays: dict):
    """Write the four gzipped IDX files of ``arrays`` into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, content in fashion_idx_contents(arrays).items():
        (folder / filename).write_bytes(gzip.compress(content, mtime=0))
    return folder


def pin_tiny_fashion(monkeypatch, arrays: dict, urls: dict | None = None) -> None:
    """Make nnlego's pins describe ``arrays`` instead of the real Fashion-MNIST."""
    spec = replace(datasets.SPECS["fashion-mnist"], content_sha256=datasets.content_sha256(arrays))
    monkeypatch.setitem(datasets.SPECS, "fashion-mnist", spec)
    for filename, content in fashion_idx_contents(arrays).items():
        old = data_sources.SOURCES[filename]
        monkeypatch.setitem(data_sources.SOURCES, filename, old._replace(
            sha256=sha256(gzip.compress(content, mtime=0)),  # the .gz written / served
            content_sha256=sha256(content),
            urls=(urls or {}).get(filename, old.urls)))


def tiny_mnist_pickle(seed: int = 0) -> tuple[bytes, dict]:
    """A gzipped Python-2-style pickle of three (X, y) splits like Nielsen's, and its arrays."""
    rng = np.random.default_rng(seed)
    arrays, splits = {}, []
    for split, n in (("train", 5), ("validation", 3), ("test", 2)):
        k = rng.integers(0, 256, (n, 784), dtype=np.uint8)
        y = rng.integers(0, 10, n)
        arrays[f"{split}_images"], arrays[f"{split}_labels"] = k, y.astype(np.uint8)
        splits.append((k.astype(np.float32) / np.float32(256), y.astype(np.int64)))
    return gzip.compress(pickle.dumps(tuple(splits), protocol=2), mtime=0), arrays


def pin_tiny_mnist(monkeypatch, pkl_gz: bytes, arrays: dict) -> None:
    """Make nnlego's pins describe a tiny ``mnist.pkl.gz`` instead of Nielsen's."""
    spec = replace(datasets.SPECS["mnist"], content_sha256=datasets.content_sha256(arrays))
    monkeypatch.setitem(datasets.SPECS, "mnist", spec)
    old = data_sources.SOURCES["mnist.pkl.gz"]
    monkeypatch.setitem(data_sources.SOURCES, "mnist.pkl.gz", old._replace(sha256=sha256(pkl_gz)))


def tiny_dataset(name, n_train=240, n_test=60, seed=0):
    """Ten classes, each a bright 7x7 block at its own place plus noise: learnable, tiny."""
    rng = np.random.default_rng(seed)

    def split(n):
        y = rng.integers(0, 10, n)
        X = rng.random((n, 28, 28), dtype=np.float32) * 0.2
        for i, label in enumerate(y):
            r, c = divmod(int(label), 4)
            X[i, 7 * r:7 * r + 7, 7 * c:7 * c + 7] += 0.8
        X[:, [0, -1], :] = X[:, :, [0, -1]] = 0.0      # a blank border, as MNIST has
        return Split(X.reshape(n, 784), y.astype(np.int64))

    return Dataset(name, split(n_train), split(n_test), None, tuple(map(str, range(10))))
