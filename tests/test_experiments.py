"""nnlego.experiments on tiny synthetic stand-ins for MNIST and Fashion-MNIST (no real data)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnlego import experiments as ex
from nnlego.datasets import Dataset, Split
from nnlego.results_cache import ResultsCache
from nnlego.tiles import unshuffle_tiles


def tiny_dataset(name, n_train=240, n_test=60, seed=0):
    """Ten classes, each a bright 7x7 block at its own place plus noise: learnable, tiny."""
    rng = np.random.default_rng(seed)

    def split(n):
        y = rng.integers(0, 10, n)
        X = rng.random((n, 28, 28), dtype=np.float32) * 0.2
        for i, label in enumerate(y):
            r, c = divmod(int(label), 4)
            X[i, 7 * r:7 * r + 7, 7 * c:7 * c + 7] += 0.8
        return Split(X.reshape(n, 784), y.astype(np.int64))

    return Dataset(name, split(n_train), split(n_test), None, tuple(map(str, range(10))))


@pytest.fixture
def tiny_data(monkeypatch):
    monkeypatch.setattr(ex, "_load_dataset", lambda name: tiny_dataset(name))
    ex._dataset.cache_clear()
    yield
    ex._dataset.cache_clear()


def small(settings, **changes):
    return dataclasses.replace(settings, n_epochs=2, **changes)


def test_named_settings_match_the_articles():
    assert ex.WTH_NETWORK.sizes == (784, 30, 10)
    s = ex.WTH_NETWORK
    assert (s.cost, s.init, s.lr) == ("quadratic", "large", 3.0)
    assert (ex.WTH_NETWORK.batch_size, ex.WTH_NETWORK.n_epochs) == (10, 30)
    assert ex.WTH_NETWORK2.l2 == pytest.approx(5.0 / 50_000)
    assert (ex.WTH_NETWORK2.cost, ex.WTH_NETWORK2.init, ex.WTH_NETWORK2.lr) == (
        "cross_entropy", "scaled", 0.5)
    s = ex.SAVANT_ORIGINAL
    assert (s.sizes, s.activations, s.optimizer, s.lr, s.batch_size, s.n_epochs, s.init) == (
        (784, 128, 10), ("relu", "softmax"), "adam", 1e-3, 32, 5, "glorot_uniform")
    assert {n: ex.NAMED[n].shuffle for n in ("savant_once", "savant_each_epoch", "savant_fixed")
            } == {"savant_once": "once", "savant_each_epoch": "each_epoch", "savant_fixed": "fixed"}
    assert ex.with_hidden(ex.WTH_NETWORK, 5).sizes == (784, 5, 10)


@pytest.mark.parametrize("changes, message", [
    ({"dataset": "cifar"}, "dataset must be one of"),
    ({"shuffle": "sometimes"}, "shuffle must be one of"),
    ({"shuffle": "once"}, "fashion-mnist only"),
])
def test_bad_settings_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(ex.WTH_NETWORK, **changes)


def test_bad_run_arguments_are_refused(tiny_data):
    with pytest.raises(ValueError, match="settings must be a Settings or one of"):
        ex.run("no_such_experiment", seed=0, cache=False)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        ex.run(ex.WTH_NETWORK, seed=-1, cache=False)
    with pytest.raises(ValueError, match="n_hidden must be an integer >= 1"):
        ex.with_hidden(ex.WTH_NETWORK, 0)


def test_same_seed_same_bits_other_seed_other_weights(tiny_data):
    settings = small(ex.WTH_NETWORK)
    a = ex.run(settings, seed=3, cache=False)
    b = ex.run(settings, seed=3, cache=False)
    c = ex.run(settings, seed=4, cache=False)
    assert all(np.array_equal(p, q) for p, q in zip(a.net.parameters, b.net.parameters))
    assert a.history == b.history
    assert not np.array_equal(a.net.weights[0], c.net.weights[0])
    assert a.metrics["test"] == a.history.eval_accuracy["test"][-1]


def test_the_cache_returns_the_trained_network_and_retrains_nothing(tiny_data, tmp_path):
    cache = ResultsCache(tmp_path)
    settings = small(ex.SAVANT_ORIGINAL)
    epochs = []
    first = ex.run(settings, seed=0, cache=cache, progress=lambda e, n, h: epochs.append(e))
    again = ex.run(settings, seed=0, cache=cache, progress=lambda e, n, h: epochs.append(e))
    assert (first.cached, again.cached) == (False, True)
    assert epochs == [1, 2]                    # the second call trained nothing
    assert all(np.array_equal(p, q) for p, q in zip(first.net.parameters, again.net.parameters))
    assert again.history == first.history and again.metrics == first.metrics
    other = ex.run(dataclasses.replace(settings, lr=2e-3), seed=0, cache=cache)
    assert not other.cached                    # other settings: another entry
    assert len(cache.keys()) == 2


def test_shuffled_once_trains_on_deranged_images(tiny_data):
    settings = small(ex.SAVANT_ONCE)
    X, y, evals = ex.load_split(settings, seed=0)
    original = ex._dataset("fashion-mnist").train
    tiles = X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(len(X), 16, 49)
    tiles0 = original.X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(len(X), 16, 49)
    assert not np.any(np.all(tiles == tiles0, axis=2))   # no tile stays in place
    assert np.array_equal(np.sort(X, axis=1), np.sort(original.X, axis=1))  # same pixels
    assert np.array_equal(y, original.y)
    assert set(evals) == {"test", "test_shuffled"}
    X_shuffled, y_test, perms = ex.shuffled_test_set(4)
    assert np.array_equal(unshuffle_tiles(X_shuffled, perms, 4),
                          ex._dataset("fashion-mnist").test.X)
    assert np.array_equal(evals["test_shuffled"][0], X_shuffled)


def test_fixed_permutation_is_one_derangement_for_train_and_test(tiny_data):
    settings = small(ex.SAVANT_FIXED)
    X, _, evals = ex.load_split(settings, seed=5)
    perm = ex.fixed_permutation(settings, 5)
    data = ex._dataset("fashion-mnist")
    assert np.all(perm != np.arange(16))
    assert np.array_equal(unshuffle_tiles(X, perm, 4), data.train.X)
    assert np.array_equal(unshuffle_tiles(evals["test_fixed"][0], perm, 4), data.test.X)


def test_fresh_derangements_each_epoch_differ_from_shuffling_once(tiny_data):
    once = ex.run(small(ex.SAVANT_ONCE), seed=0, cache=False)
    each = ex.run(small(ex.SAVANT_EACH_EPOCH), seed=0, cache=False)
    assert len(each.history.train_loss) == 2
    assert set(each.history.eval_accuracy) == {"test", "test_shuffled"}
    # Epoch 1 sees the same derangements (the same data stream), epoch 2 fresh ones.
    assert each.history.train_loss[0] == once.history.train_loss[0]
    assert each.history.train_loss[1] != once.history.train_loss[1]


def test_learns_the_tiny_problem(tiny_data):
    settings = dataclasses.replace(ex.WTH_NETWORK2, n_epochs=10)
    result = ex.run(settings, seed=0, cache=False)
    assert result.metrics["test"] > 0.9
