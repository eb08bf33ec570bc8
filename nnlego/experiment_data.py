"""The data an experiment sees: the data sets, loaded once per process, and the shuffled test set.

:func:`load_dataset` gives the data set a run trains and tests on; :func:`use_data` swaps the
loader for a block (tests train on tiny stand-ins that way, through the ``tiny_data_sets``
fixture). :func:`shuffled_test_set` is the same tile-deranged test set for every run and seed
(:data:`TEST_SHUFFLE_SEED`), so all networks of the second article are tested on the same
images. :mod:`nnlego.experiments` re-exports all of these.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from ._validation import check_choice
from .tiles import derange_tiles

TEST_SHUFFLE_SEED = 20_240_101
DATASETS = ("mnist", "fashion-mnist")

_LOADERS: list = []   # the loaders use_data put in place, innermost last; none: the real data


def _real_dataset(name):
    from . import datasets
    return datasets.load_mnist() if name == "mnist" else datasets.load_fashion_mnist()


@functools.lru_cache(maxsize=4)
def _load(loader, name):
    return loader(name)


def load_dataset(name: str):
    """The :class:`nnlego.datasets.Dataset` called ``name`` (one of :data:`DATASETS`), loaded
    once per process: the real one, or the stand-in of the innermost :func:`use_data`."""
    check_choice("dataset", name, DATASETS)
    return _load(_LOADERS[-1] if _LOADERS else _real_dataset, name)


@contextlib.contextmanager
def use_data(loader):
    """Within the block, every run trains and tests on ``loader(name)`` instead of the real data
    set ``name``: ``with use_data(lambda name: tiny_dataset(name)): run(...)``. The results
    cache tells the two apart (its keys hold a fingerprint of the data)."""
    if not callable(loader):
        raise TypeError(f"loader must be a function name -> Dataset, got {loader!r}")
    _LOADERS.append(loader)
    try:
        yield loader
    finally:
        _LOADERS.remove(loader)


def shuffled_test_set(grid: int = 4, dataset: str = "fashion-mnist"):
    """``(X, y, perms)``: the test images, each tile-deranged with :data:`TEST_SHUFFLE_SEED`."""
    X, y = load_dataset(dataset).test
    X_shuffled, perms = derange_tiles(X, grid, rng=np.random.default_rng(TEST_SHUFFLE_SEED))
    return X_shuffled, y, perms
