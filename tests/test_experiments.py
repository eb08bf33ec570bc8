"""nnlego.experiments on tiny synthetic stand-ins for MNIST and Fashion-MNIST (no real data)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from support.tiny_data import tiny_dataset

from nnlego import experiments as ex
from nnlego.articles import savant, wth
from nnlego.results_cache import ResultsCache
from nnlego.tiles import random_derangements, shuffle_tiles, unshuffle_tiles


@pytest.fixture
def tiny_data(tiny_data_sets):
    return tiny_data_sets


def small(settings, **changes):
    return dataclasses.replace(settings, n_epochs=2, **changes)


def test_named_settings_match_the_articles():
    assert wth.NETWORK.sizes == (784, 30, 10)
    s = wth.NETWORK
    assert (s.cost, s.init, s.lr, s.batch_size, s.n_epochs) == ("quadratic", "large", 3.0, 10, 30)
    assert wth.NETWORK2.l2 == pytest.approx(5.0 / 50_000)
    assert (wth.NETWORK2.cost, wth.NETWORK2.init, wth.NETWORK2.lr) == (
        "cross_entropy", "scaled", 0.5)
    assert wth.THREE_B1B.sizes == (784, 16, 16, 10)
    s = savant.ORIGINAL
    assert (s.sizes, s.activations, s.optimizer, s.lr, s.batch_size, s.n_epochs, s.init) == (
        (784, 128, 10), ("relu", "softmax"), "adam", 1e-3, 32, 5, "glorot_uniform")
    assert {n: savant.NAMED[n].derange for n in ("savant_once", "savant_each_epoch",
                                                 "savant_fixed", "savant_mixed")} == {
        "savant_once": "once", "savant_each_epoch": "each_epoch", "savant_fixed": "fixed",
        "savant_mixed": "mixed"}
    assert ex.with_hidden(wth.NETWORK, 5).sizes == (784, 5, 10)
    assert ex.get_settings("wth_network2") is wth.NETWORK2


def test_one_change_runs_differ_in_exactly_one_setting():
    """Chapter 8 compares pairs that differ in init, L2 or cost alone (lr goes with the cost)."""
    def differences(a, b):
        return {f for f in ("cost", "init", "l2") if getattr(a, f) != getattr(b, f)}
    plan = wth.plan()
    pairs = [("ce_large", "ce_scaled", {"init"}), ("ce_large", "ce_large_l2", {"l2"}),
             ("ce_scaled", "network2 30", {"l2"}), ("ce_large_l2", "network2 30", {"init"}),
             ("network.py 30", "ce_large", {"cost"})]
    for a, b, changed in pairs:
        assert differences(plan[a], plan[b]) == changed, (a, b)


@pytest.mark.parametrize("changes, message", [
    ({"dataset": "cifar"}, "unknown dataset 'cifar'"),
    ({"derange": "sometimes"}, "unknown derange 'sometimes'"),
    ({"derange": "once"}, "fashion-mnist only"),
])
def test_bad_settings_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(wth.NETWORK, **changes)


def test_bad_run_arguments_are_refused(tiny_data):
    with pytest.raises(ValueError, match="settings must be a Settings or one of"):
        ex.run("no_such_experiment", seed=0, cache=False)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        ex.run(wth.NETWORK, seed=-1, cache=False)
    with pytest.raises(ValueError, match="n_hidden must be an integer >= 1"):
        ex.with_hidden(wth.NETWORK, 0)


def test_same_seed_same_bits_other_seed_other_weights(tiny_data):
    settings = small(wth.NETWORK)
    a = ex.run(settings, seed=3, cache=False)
    b = ex.run(settings, seed=3, cache=False)
    c = ex.run(settings, seed=4, cache=False)
    assert all(np.array_equal(p, q) for p, q in zip(a.net.parameters, b.net.parameters))
    assert a.history == b.history
    assert not np.array_equal(a.net.weights[0], c.net.weights[0])
    assert a.metrics["test"] == a.history.eval_accuracy["test"][-1]


def test_the_cache_returns_the_trained_network_and_retrains_nothing(tiny_data, tmp_path):
    cache = ResultsCache(tmp_path)
    settings = small(savant.ORIGINAL)
    epochs = []
    first = ex.run(settings, seed=0, cache=cache, progress=lambda e, h: epochs.append(e))
    again = ex.run(settings, seed=0, cache=cache, progress=lambda e, h: epochs.append(e))
    assert (first.cached, again.cached) == (False, True)
    assert epochs == [1, 2]                    # the second call trained nothing
    assert all(np.array_equal(p, q) for p, q in zip(first.net.parameters, again.net.parameters))
    assert again.history == first.history and again.metrics == first.metrics
    other = ex.run(dataclasses.replace(settings, lr=2e-3), seed=0, cache=cache)
    assert not other.cached                    # other settings: another entry
    assert len(cache.keys()) == 2


def test_shuffled_once_trains_on_deranged_images(tiny_data):
    settings = small(savant.ONCE)
    setup = ex.training_setup(settings, seed=0)
    X, y = setup.epoch_data(1, setup.X, setup.y)
    original = ex.load_dataset("fashion-mnist").train
    tiles = X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(len(X), 16, 49)
    tiles0 = original.X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(len(X), 16, 49)
    assert not np.any(np.all(tiles == tiles0, axis=2))   # no tile stays in place
    assert np.array_equal(np.sort(X, axis=1), np.sort(original.X, axis=1))  # same pixels
    assert np.array_equal(y, original.y)
    assert np.array_equal(setup.epoch_data(2, setup.X, setup.y)[0], X)      # once: every epoch
    assert set(setup.eval_sets) == {"test", "test_shuffled"}
    X_shuffled, y_test, perms = ex.shuffled_test_set(4)
    assert np.array_equal(unshuffle_tiles(X_shuffled, perms, 4),
                          ex.load_dataset("fashion-mnist").test.X)
    assert np.array_equal(setup.eval_sets["test_shuffled"][0], X_shuffled)


def test_the_hook_of_epoch_k_is_what_the_seeds_stream_gives(tiny_data):
    """Each epoch's images are the run's "derangements" stream's k-th draw, nothing else."""
    setup = ex.training_setup(small(savant.EACH_EPOCH), seed=7)
    stream = ex.run_streams(7)["derangements"]
    for epoch in (1, 2, 3):
        expected = shuffle_tiles(setup.X, random_derangements(len(setup.X), 16, rng=stream), 4)
        assert np.array_equal(setup.epoch_data(epoch, setup.X, setup.y)[0], expected)
    other = ex.training_setup(small(savant.EACH_EPOCH), seed=8)
    assert not np.array_equal(other.epoch_data(1, other.X, other.y)[0],
                              ex.training_setup(small(savant.EACH_EPOCH), seed=7).epoch_data(
                                  1, setup.X, setup.y)[0])


def test_the_streams_are_independent_and_repeatable():
    a, b = ex.run_streams(3), ex.run_streams(3)
    assert list(a) == list(ex.STREAMS)
    draws = {name: g.random(4) for name, g in a.items()}
    assert all(np.array_equal(draws[n], b[n].random(4)) for n in ex.STREAMS)
    assert len({tuple(v) for v in draws.values()}) == len(ex.STREAMS)


def test_mixed_training_shuffles_about_half_of_the_images_each_epoch(tiny_data):
    setup = ex.training_setup(small(savant.MIXED), seed=0)
    original = setup.X
    fractions = []
    for epoch in (1, 2, 3):
        X, _ = setup.epoch_data(epoch, setup.X, setup.y)
        fractions.append(np.mean(np.any(X != original, axis=1)))
    # 240 images: the share shuffled is 1/2 +- 3.3 standard errors (0.032 each)
    assert all(abs(f - 0.5) < 0.11 for f in fractions), fractions
    assert len(set(fractions)) > 1                      # a fresh draw every epoch
    again = ex.training_setup(small(savant.MIXED), seed=0)
    assert np.array_equal(again.epoch_data(1, again.X, again.y)[0],
                          ex.training_setup(small(savant.MIXED), seed=0).epoch_data(
                              1, setup.X, setup.y)[0])


def test_uniform_permutations_leave_about_one_tile_in_place(tiny_data):
    """A uniform permutation of 16 tiles has on average 1 fixed point; a derangement none."""
    setup = ex.training_setup(small(savant.PERMUTATIONS), seed=0)
    original = setup.X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(-1, 16, 49)
    in_place = []
    for epoch in range(1, 9):                           # 8 x 240 = 1920 images
        X, _ = setup.epoch_data(epoch, setup.X, setup.y)
        tiles = X.reshape(-1, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4).reshape(-1, 16, 49)
        in_place.append(np.all(tiles == original, axis=2).sum(axis=1))
    in_place = np.concatenate(in_place)
    # fixed points ~ Poisson(1): mean 1, sd 1; over 1920 images the mean is 1 +- 0.023 (1 se)
    assert abs(in_place.mean() - 1) < 0.1
    assert 0.3 < np.mean(in_place == 0) < 0.45         # P(no fixed point) -> 1/e = 0.368


def test_fixed_permutation_is_one_derangement_for_train_and_test_and_stored(tiny_data, tmp_path):
    settings = small(savant.FIXED)
    setup = ex.training_setup(settings, seed=5)
    perm = np.array(setup.drawn["fixed_permutation"])
    data = ex.load_dataset("fashion-mnist")
    assert np.all(perm != np.arange(16))
    X, _ = setup.epoch_data(1, setup.X, setup.y)
    assert np.array_equal(unshuffle_tiles(X, perm, 4), data.train.X)
    assert np.array_equal(unshuffle_tiles(setup.eval_sets["test_fixed"][0], perm, 4), data.test.X)
    trained = ex.run(settings, seed=5, cache=tmp_path)
    again = ex.run(settings, seed=5, cache=tmp_path)
    assert again.cached and again.drawn == trained.drawn == {"fixed_permutation": perm.tolist()}


def test_fresh_derangements_each_epoch_differ_from_shuffling_once(tiny_data):
    once = ex.run(small(savant.ONCE), seed=0, cache=False)
    each = ex.run(small(savant.EACH_EPOCH), seed=0, cache=False)
    assert len(each.history.train_loss) == 2
    assert set(each.history.eval_accuracy) == {"test", "test_shuffled"}
    # Epoch 1 sees the same derangements (the same data stream), epoch 2 fresh ones.
    assert each.history.train_loss[0] == once.history.train_loss[0]
    assert each.history.train_loss[1] != once.history.train_loss[1]


def test_learns_the_tiny_problem(tiny_data):
    settings = dataclasses.replace(wth.NETWORK2, n_epochs=10)
    result = ex.run(settings, seed=0, cache=False)
    assert result.metrics["test"] > 0.9


def test_named_settings_are_registered_by_the_articles():
    from nnlego import articles
    assert set(articles.NAMED) <= set(ex.NAMED)
    assert all(ex.get_settings(name) is settings for name, settings in articles.NAMED.items())


def test_register_refuses_what_is_not_settings_or_a_name_taken():
    with pytest.raises(TypeError, match="settings must be Settings"):
        ex.register("wth_network")
    taken = dataclasses.replace(wth.NETWORK2, n_epochs=1)      # same name, other settings
    with pytest.raises(ValueError, match="'wth_network2' is already registered"):
        ex.register(taken)
    ex.register(wth.NETWORK2)                                   # the same again: no change
    assert ex.get_settings("wth_network2") is wth.NETWORK2


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="registered names .*'savant_once'.*got 'savant'"):
        ex.get_settings("savant")


def test_use_data_swaps_the_data_for_its_block_only(tiny_data_sets):
    stand_in = ex.load_dataset("mnist")
    assert stand_in.train.X.shape[0] == 240                     # tests/support/tiny_data.py
    inner = lambda name: tiny_dataset(name, n_train=120)        # noqa: E731
    with ex.use_data(inner):
        assert ex.load_dataset("mnist").train.X.shape[0] == 120
    assert ex.load_dataset("mnist") is stand_in
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        ex.load_dataset("cifar")
    with pytest.raises(TypeError, match="loader must be a function"):
        with ex.use_data("mnist"):
            pass
