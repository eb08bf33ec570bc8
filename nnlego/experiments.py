"""Experiments: settings, the random streams of a run, and one function that trains or recalls it.

A :class:`Settings` says everything that decides a trained network except the seed: the data, the
architecture, the training recipe and, for the second article, how the training images are
tile-shuffled (``derange``). :func:`run` trains it with one :func:`nnlego.train` call (inside
:func:`nnlego.single_thread`, so the same settings and seed give the same bits) or loads it from
the results cache, where the book, the command line and the tests find it again. The articles'
named settings live in :mod:`nnlego.articles`, which registers them here (:func:`register`), so
:func:`run` also takes a name such as ``"savant_once"``.

**Data.** :mod:`nnlego.experiment_data` (re-exported here): :func:`load_dataset` gives the data
set a run trains on; :func:`use_data` swaps the loader for a block (tests use tiny stand-ins).

**Seeds.** A run's ``seed`` becomes one ``np.random.SeedSequence``, which spawns the named
streams of :data:`STREAMS`: the initial weights, the mini-batch order, the training images'
derangements and a fixed permutation. Whatever a run drew that others need (its fixed
permutation) is stored with it (``Result.drawn``). The shuffled *test* set is the same for every
seed (:data:`TEST_SHUFFLE_SEED`), so all networks are tested on the same images.

Book: chapters 5 to 10. Command line: ``nnlego reproduce``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import epoch_data
from ._validation import check_choice, check_positive_int, check_seed
from .experiment_data import (  # noqa: F401  (the data of a run: part of this module's API)
    DATASETS,
    TEST_SHUFFLE_SEED,
    load_dataset,
    shuffled_test_set,
    use_data,
)
from .network import Network
from .results_cache import ResultsCache, data_fingerprint
from .runtime import single_thread
from .tiles import random_derangement, shuffle_tiles
from .training import History, train

STREAMS = ("init", "batches", "derangements", "fixed_permutation")
QUICK_N_TRAIN = {"mnist": 3_000, "fashion-mnist": 6_000}
QUICK_N_EPOCHS = 2


def _hook_fixed(settings, streams, drawn):
    perm = random_derangement(settings.grid ** 2, rng=streams["fixed_permutation"])
    drawn["fixed_permutation"] = perm.tolist()
    return epoch_data.permute_fixed(perm, settings.grid)


# How the training images are shuffled: ``derange`` name -> maker of the epoch_data hook.
DERANGE = {
    "none": lambda s, streams, drawn: None,
    "once": lambda s, streams, drawn: epoch_data.derange_once(
        s.grid, rng=streams["derangements"]),
    "each_epoch": lambda s, streams, drawn: epoch_data.reshuffle_each_epoch(
        s.grid, rng=streams["derangements"]),
    "mixed": lambda s, streams, drawn: epoch_data.reshuffle_each_epoch(
        s.grid, rng=streams["derangements"], p=0.5),
    "permutations": lambda s, streams, drawn: epoch_data.reshuffle_each_epoch(
        s.grid, rng=streams["derangements"], fixed_points=True),
    "fixed": _hook_fixed,
}


@dataclass(frozen=True)
class Settings:
    """Everything that decides a trained network except the seed.

    ``derange`` (Fashion-MNIST only), how the training images are tile-shuffled: ``none``
    (original images), ``once`` (each image deranged once before training), ``each_epoch`` (a
    fresh derangement per image every epoch), ``mixed`` (every epoch each image deranged with
    probability 1/2), ``permutations`` (a fresh uniform permutation per image every epoch: tiles
    may stay in place) or ``fixed`` (one derangement for every image, training and test alike).
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
    derange: str = "none"
    grid: int = 4
    n_train: int | None = None

    def __post_init__(self):
        check_choice("dataset", self.dataset, DATASETS)
        check_choice("derange", self.derange, DERANGE)
        if self.derange != "none" and self.dataset != "fashion-mnist":
            raise ValueError(f"derange={self.derange!r} is for fashion-mnist only, "
                             f"got dataset={self.dataset!r}")

    @property
    def n_hidden(self):
        return self.sizes[1]


def with_hidden(settings: Settings, n_hidden: int) -> Settings:
    """``settings`` with ``n_hidden`` hidden neurons (the hidden-size sweep)."""
    sizes = (settings.sizes[0], check_positive_int("n_hidden", n_hidden), *settings.sizes[2:])
    return dataclasses.replace(settings, sizes=sizes)


def quick(settings: Settings) -> Settings:
    """The small version of ``settings`` that ``--quick`` runs: a few thousand images, 2 epochs."""
    return dataclasses.replace(settings, n_train=QUICK_N_TRAIN[settings.dataset],
                               n_epochs=QUICK_N_EPOCHS)


NAMED: dict[str, Settings] = {}   # every named Settings; the articles register theirs


def register(*settings: Settings) -> None:
    """Make each of ``settings`` known by its name to :func:`get_settings` (and so :func:`run`)."""
    for one in settings:
        if not isinstance(one, Settings):
            raise TypeError(f"settings must be Settings, got {type(one).__name__}: {one!r}")
        known = NAMED.get(one.name)
        if known is not None and known != one:
            raise ValueError(f"the name {one.name!r} is already registered for other settings; "
                             "give these settings another name (Settings(name=...))")
        NAMED[one.name] = one


def get_settings(settings) -> Settings:
    """A :class:`Settings`, or the one registered under that name (:data:`NAMED`)."""
    if isinstance(settings, Settings):
        return settings
    if isinstance(settings, str) and settings in NAMED:
        return NAMED[settings]
    raise ValueError(f"settings must be a Settings or one of the registered names "
                     f"{sorted(NAMED)}, got {settings!r}; the articles' names are registered "
                     "when nnlego.articles is imported")


def run_streams(seed: int) -> dict:
    """``{name: Generator}`` for every name of :data:`STREAMS`, spawned from ``seed``."""
    children = np.random.SeedSequence(check_seed(seed)).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


class Setup(NamedTuple):
    """What :func:`run` trains on: the base training set, the hook, the eval sets, the streams."""

    X: np.ndarray
    y: np.ndarray
    epoch_data: object          # the epoch_data hook for train(), or None
    eval_sets: dict
    streams: dict               # run_streams(seed), partly consumed by the hook's maker
    drawn: dict                 # what the run drew once, e.g. {"fixed_permutation": [...]}


def training_setup(settings, seed: int = 0) -> Setup:
    """The :class:`Setup` of ``settings`` and ``seed``, exactly as :func:`run` uses it.

    Eval sets: ``"test"``; for Fashion-MNIST also ``"test_shuffled"`` (each test image deranged,
    grid ``settings.grid``); for ``derange="fixed"`` also ``"test_fixed"`` (the test images under
    the run's fixed permutation).
    """
    settings = get_settings(settings)
    data = load_dataset(settings.dataset)
    X, y = data.train
    if settings.n_train is not None:
        X, y = X[:settings.n_train], y[:settings.n_train]
    streams, drawn = run_streams(seed), {}
    hook = DERANGE[settings.derange](settings, streams, drawn)
    eval_sets = {"test": tuple(data.test)}
    if settings.dataset == "fashion-mnist":
        X_shuffled, y_test, _ = shuffled_test_set(settings.grid, settings.dataset)
        eval_sets["test_shuffled"] = (X_shuffled, y_test)
    if "fixed_permutation" in drawn:
        perm = np.array(drawn["fixed_permutation"])
        eval_sets["test_fixed"] = (shuffle_tiles(data.test.X, perm, settings.grid), data.test.y)
    return Setup(X, y, hook, eval_sets, streams, drawn)


def _fingerprint(settings):
    data = load_dataset(settings.dataset)
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
    drawn: dict = {}        # what the run drew once, e.g. {"fixed_permutation": [...]}


def run(settings, *, seed: int, cache=None, progress=None) -> Result:
    """Train ``settings`` with ``seed``, or load the result from the cache.

    ``cache``: None -> the default :class:`ResultsCache`; a ResultsCache or a path -> that one;
    False -> neither read nor write a cache. ``progress(epoch, history)`` is :func:`train`'s
    callback, called after every epoch of a training run (not when the result comes from the
    cache). Two processes that run the same entry at once train it once: the second waits for
    the first and loads its result.
    """
    settings, seed = get_settings(settings), check_seed(seed)
    store = _as_cache(cache)
    if not store:
        return _train(settings, seed, progress)
    key = store.key(settings, seed, _fingerprint(settings))
    result = _from_cache(store, key, settings, seed)   # reading takes no lock: a read-only
    if result is not None:                             # cache serves what it holds
        return result
    with store.lock(key):
        result = _from_cache(store, key, settings, seed)   # saved meanwhile by another process?
        if result is None:
            result = _train(settings, seed, progress)
            record = {"settings": dataclasses.asdict(settings), "seed": seed,
                      "history": result.history.to_dict(), "metrics": result.metrics,
                      "drawn": result.drawn}
            store.save(key, result.net, record)
    return result


def cached_result(settings, seed: int, cache=None):
    """The :class:`Result` of ``settings`` and ``seed`` from the cache, or None: never trains."""
    settings, seed = get_settings(settings), check_seed(seed)
    store = _as_cache(cache)
    if not store:
        return None
    return _from_cache(store, store.key(settings, seed, _fingerprint(settings)), settings, seed)


def _from_cache(store, key, settings, seed):
    entry = store.load(key)
    if entry is None:
        return None
    net, record = entry
    return Result(settings, seed, net, History.from_dict(record["history"]), record["metrics"],
                  cached=True, drawn=record.get("drawn", {}))


def _as_cache(cache):
    if cache is False:
        return None
    if cache is None:
        return ResultsCache()
    return cache if isinstance(cache, ResultsCache) else ResultsCache(cache)


def _train(settings, seed, progress, on_step=None) -> Result:
    """A freshly trained :class:`Result`: one :func:`train` call with the run's hook.

    ``on_step(step, net)`` (for :mod:`nnlego.snapshots`) sees the initial network as step 0,
    then :func:`train` calls it after every optimizer step; it must not change ``net``.
    """
    setup = training_setup(settings, seed)
    start = time.perf_counter()
    with single_thread():
        net = Network(list(settings.sizes), list(settings.activations), settings.cost,
                      settings.init, rng=setup.streams["init"])
        if on_step is not None:
            on_step(0, net)
        history = train(net, setup.X, setup.y, n_epochs=settings.n_epochs,
                        batch_size=settings.batch_size, lr=settings.lr,
                        optimizer=settings.optimizer, l2=settings.l2,
                        eval_sets=setup.eval_sets, epoch_data=setup.epoch_data,
                        callback=progress, on_step=on_step, rng=setup.streams["batches"])
    metrics = history.last_eval_accuracy()
    metrics.update(train=history.train_accuracy[-1],
                   seconds=round(time.perf_counter() - start, 3))
    return Result(settings, seed, net, history, metrics, cached=False, drawn=setup.drawn)
