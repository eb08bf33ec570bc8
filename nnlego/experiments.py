"""The experiments of both articles: named settings, and one function that trains or recalls them.

A :class:`Settings` says everything that decides a trained network except the seed: the data, the
architecture, the training recipe and, for the second article, how the training images are
tile-shuffled. :func:`run` trains it (inside :func:`nnlego.single_thread`, so the same settings and
seed give the same bits) or loads it from the results cache, where the book, the command line and
the tests find it again.

Seeds: ``seed`` draws the initial weights and the order of the mini-batches; the training images'
derangements come from a second stream, ``default_rng([seed, 1])``, and a fixed permutation from
``default_rng([seed, 2])``. The shuffled *test* set is the same for every seed
(:data:`TEST_SHUFFLE_SEED`), so all networks are tested on the same images.

Book: chapters 5 to 10. Command line: ``nnlego reproduce``.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .network import Network
from .optimizers import make_optimizer
from .results_cache import ResultsCache, data_fingerprint
from .runtime import single_thread
from .tiles import derange_tiles, random_derangement, shuffle_tiles
from .training import History, train

TEST_SHUFFLE_SEED = 20_240_101
SHUFFLES = ("none", "once", "each_epoch", "fixed")
DATASETS = ("mnist", "fashion-mnist")


@dataclass(frozen=True)
class Settings:
    """Everything that decides a trained network except the seed.

    ``shuffle`` (Fashion-MNIST only): ``none`` (original images), ``once`` (each training image
    tile-deranged once before training), ``each_epoch`` (a fresh derangement per image every
    epoch) or ``fixed`` (one derangement for every image, training and test alike).
    ``n_train``: use only the first ``n_train`` training images (None: all; for quick runs).
    """

    name: str
    dataset: str
    sizes: tuple
    activations: tuple
    cost: str
    init: str
    optimizer: str
    lr: float
    batch_size: int
    n_epochs: int
    l2: float = 0.0
    shuffle: str = "none"
    grid: int = 4
    n_train: int | None = None

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {DATASETS}, got {self.dataset!r}")
        if self.shuffle not in SHUFFLES:
            raise ValueError(f"shuffle must be one of {SHUFFLES}, got {self.shuffle!r}")
        if self.shuffle != "none" and self.dataset != "fashion-mnist":
            raise ValueError(f"shuffle={self.shuffle!r} is for fashion-mnist only, "
                             f"got dataset={self.dataset!r}")

    @property
    def n_hidden(self):
        return self.sizes[1]


# -- the first article: Nielsen's network.py and network2 on MNIST ------------------------------
WTH_NETWORK = Settings(
    name="wth_network", dataset="mnist", sizes=(784, 30, 10), activations=("sigmoid", "sigmoid"),
    cost="quadratic", init="large", optimizer="sgd", lr=3.0, batch_size=10, n_epochs=30)
WTH_NETWORK2 = dataclasses.replace(
    WTH_NETWORK, name="wth_network2", cost="cross_entropy", init="scaled", lr=0.5,
    l2=5.0 / 50_000)                    # Nielsen's lambda = 5.0 over n = 50,000 training images
WTH_CE_LARGE = dataclasses.replace(     # the control: network2's cost, network.py's init, no L2
    WTH_NETWORK2, name="wth_ce_large", init="large", l2=0.0)

# -- the second article: Keras' tutorial network on Fashion-MNIST ------------------------------
SAVANT_ORIGINAL = Settings(
    name="savant_original", dataset="fashion-mnist", sizes=(784, 128, 10),
    activations=("relu", "softmax"), cost="categorical_cross_entropy", init="glorot_uniform",
    optimizer="adam", lr=1e-3, batch_size=32, n_epochs=5)
SAVANT_ONCE = dataclasses.replace(SAVANT_ORIGINAL, name="savant_once", shuffle="once")
SAVANT_EACH_EPOCH = dataclasses.replace(SAVANT_ORIGINAL, name="savant_each_epoch",
                                        shuffle="each_epoch")
SAVANT_FIXED = dataclasses.replace(SAVANT_ORIGINAL, name="savant_fixed", shuffle="fixed")

NAMED = {s.name: s for s in (WTH_NETWORK, WTH_NETWORK2, WTH_CE_LARGE, SAVANT_ORIGINAL,
                             SAVANT_ONCE, SAVANT_EACH_EPOCH, SAVANT_FIXED)}


def with_hidden(settings: Settings, n_hidden: int) -> Settings:
    """``settings`` with ``n_hidden`` hidden neurons (the hidden-size sweep)."""
    if not isinstance(n_hidden, (int, np.integer)) or n_hidden < 1:
        raise ValueError(f"n_hidden must be an integer >= 1, got {n_hidden!r}")
    sizes = (settings.sizes[0], int(n_hidden), *settings.sizes[2:])
    return dataclasses.replace(settings, sizes=sizes)


def get_settings(settings) -> Settings:
    """A :class:`Settings`, or the one named so in :data:`NAMED`."""
    if isinstance(settings, Settings):
        return settings
    if isinstance(settings, str) and settings in NAMED:
        return NAMED[settings]
    raise ValueError(f"settings must be a Settings or one of {sorted(NAMED)}, got {settings!r}")


# -- data ----------------------------------------------------------------------------------------
def _load_dataset(name):
    """The :class:`nnlego.datasets.Dataset` called ``name`` (tests replace this function)."""
    from . import datasets
    return datasets.load_mnist() if name == "mnist" else datasets.load_fashion_mnist()


@functools.lru_cache(maxsize=2)
def _dataset(name):
    return _load_dataset(name)


def shuffled_test_set(grid: int = 4, dataset: str = "fashion-mnist"):
    """``(X, y, perms)``: the test images, each tile-deranged with :data:`TEST_SHUFFLE_SEED`."""
    X, y = _dataset(dataset).test
    X_shuffled, perms = derange_tiles(X, grid, rng=np.random.default_rng(TEST_SHUFFLE_SEED))
    return X_shuffled, y, perms


def fixed_permutation(settings: Settings, seed: int) -> np.ndarray:
    """The one derangement of ``grid**2`` tiles that ``shuffle="fixed"`` applies to every image."""
    return random_derangement(settings.grid ** 2, rng=np.random.default_rng([seed, 2]))


def load_split(settings, seed: int = 0):
    """``(X_train, y_train, eval_sets)`` as :func:`run` sees them before its first epoch.

    For ``shuffle="once"`` and ``"fixed"`` the training images come shuffled; for
    ``"each_epoch"`` they come original (run() deranges them anew every epoch).
    Eval sets: ``"test"``; for Fashion-MNIST also ``"test_shuffled"`` (grid ``settings.grid``);
    for ``shuffle="fixed"`` also ``"test_fixed"`` (the test images under the fixed permutation).
    """
    settings = get_settings(settings)
    data = _dataset(settings.dataset)
    X, y = data.train
    if settings.n_train is not None:
        X, y = X[:settings.n_train], y[:settings.n_train]
    eval_sets = {"test": tuple(data.test)}
    if settings.dataset == "fashion-mnist":
        X_shuffled, y_test, _ = shuffled_test_set(settings.grid, settings.dataset)
        eval_sets["test_shuffled"] = (X_shuffled, y_test)
    if settings.shuffle == "once":
        X, _ = derange_tiles(X, settings.grid, rng=np.random.default_rng([seed, 1]))
    elif settings.shuffle == "fixed":
        perm = fixed_permutation(settings, seed)
        X = shuffle_tiles(X, perm, settings.grid)
        eval_sets["test_fixed"] = (shuffle_tiles(data.test.X, perm, settings.grid), data.test.y)
    return X, y, eval_sets


def _fingerprint(settings):
    data = _dataset(settings.dataset)
    return data_fingerprint(data.train.X, data.train.y, data.test.X, data.test.y)


# -- training --------------------------------------------------------------------------------
class Result(NamedTuple):
    """A trained network of one experiment and seed."""

    settings: Settings
    seed: int
    net: Network
    history: History
    metrics: dict           # final accuracy per eval set, "train", and "seconds" of training
    cached: bool


def run(settings, *, seed: int, cache=None, progress=None) -> Result:
    """Train ``settings`` with ``seed``, or load the result from the cache.

    ``cache``: None -> the default :class:`ResultsCache`; a ResultsCache or a path -> that one;
    False -> neither read nor write a cache. ``progress(epoch, n_epochs, history)`` is called
    after every epoch of a training run (not when the result comes from the cache).
    """
    settings = get_settings(settings)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    seed = int(seed)
    store = _as_cache(cache)
    key = store.key(settings, seed, _fingerprint(settings)) if store else None
    if store:
        result = _from_cache(store, key, settings, seed)
        if result is not None:
            return result
    net, history, seconds = _train(settings, seed, progress)
    metrics = history.last_eval_accuracy()
    metrics.update(train=history.train_accuracy[-1], seconds=round(seconds, 3))
    if store:
        record = {"settings": dataclasses.asdict(settings), "seed": seed,
                  "history": history.to_dict(), "metrics": metrics}
        store.save(key, net, record)
    return Result(settings, seed, net, history, metrics, cached=False)


def cached_result(settings, seed: int, cache=None):
    """The :class:`Result` of ``settings`` and ``seed`` from the cache, or None: never trains."""
    settings = get_settings(settings)
    store = _as_cache(cache)
    if not store:
        return None
    return _from_cache(store, store.key(settings, int(seed), _fingerprint(settings)),
                       settings, int(seed))


def _from_cache(store, key, settings, seed):
    entry = store.load(key)
    if entry is None:
        return None
    net, record = entry
    return Result(settings, seed, net, History.from_dict(record["history"]), record["metrics"],
                  cached=True)


def _as_cache(cache):
    if cache is False:
        return None
    if cache is None:
        return ResultsCache()
    return cache if isinstance(cache, ResultsCache) else ResultsCache(cache)


def _train(settings, seed, progress):
    """A freshly trained network, its history and the seconds it took."""
    X, y, eval_sets = load_split(settings, seed)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with single_thread():
        net = Network(list(settings.sizes), list(settings.activations), settings.cost,
                      settings.init, rng=rng)
        callback = None
        if progress is not None:
            def callback(epoch, history):
                progress(epoch, settings.n_epochs, history)
        fit = dict(batch_size=settings.batch_size, lr=settings.lr, l2=settings.l2,
                   eval_sets=eval_sets, rng=rng)
        if settings.shuffle == "each_epoch":
            history = _train_fresh_derangements(net, X, y, settings, seed, callback, fit)
        else:
            history = train(net, X, y, n_epochs=settings.n_epochs, optimizer=settings.optimizer,
                            callback=callback, **fit)
    return net, history, time.perf_counter() - start


def _train_fresh_derangements(net, X, y, settings, seed, callback, fit):
    """One epoch at a time, each on a fresh derangement of every training image; one optimizer
    (Adam keeps its moments) and one history across the epochs."""
    optimizer = make_optimizer(settings.optimizer, settings.lr)
    data_rng = np.random.default_rng([seed, 1])
    history = History(eval_loss={k: [] for k in fit["eval_sets"]},
                      eval_accuracy={k: [] for k in fit["eval_sets"]})
    for epoch in range(1, settings.n_epochs + 1):
        X_epoch, _ = derange_tiles(X, settings.grid, rng=data_rng)
        one = train(net, X_epoch, y, n_epochs=1, optimizer=optimizer, **fit)
        history.train_loss += one.train_loss
        history.train_accuracy += one.train_accuracy
        for k in history.eval_loss:
            history.eval_loss[k] += one.eval_loss[k]
            history.eval_accuracy[k] += one.eval_accuracy[k]
        if callback is not None:
            callback(epoch, history)
    return history
