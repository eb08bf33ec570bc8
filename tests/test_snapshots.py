"""nnlego.snapshots and nnlego.plots.animation on tiny synthetic data (no real data, seconds)."""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pytest

from nnlego import experiments as ex
from nnlego import plots
from nnlego import reproduce as rp
from nnlego import snapshots as sn
from nnlego.articles import savant, wth
from nnlego.correlation import adjacent_correlation_map
from nnlego.network import Network
from nnlego.results_cache import ResultsCache

SMALL = dataclasses.replace(ex.with_hidden(wth.NETWORK, 6), n_epochs=2)
FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,')


@pytest.fixture
def cache(tiny_data_sets, tmp_path):
    return ResultsCache(tmp_path / "cache")


def test_snapshot_steps_by_hand():
    """0, log-spaced steps inside epoch 1 (1, 3.16, 10, 31.6 rounded), then every epoch's end."""
    assert sn.snapshot_steps(2, 100, 4).tolist() == [0, 1, 3, 10, 32, 100, 200]
    assert sn.snapshot_steps(3, 2, 10).tolist() == [0, 1, 2, 4, 6]     # duplicates merge
    assert sn.snapshot_steps(1, 50, 0).tolist() == [0, 50]


def test_frame_titles():
    assert plots.frame_title(0, 100) == "initial weights"
    assert plots.frame_title(300, 100) == "end of epoch 3 (step 300)"
    assert plots.frame_title(13, 5000) == "step 13 (epoch 0.003)"


def test_recording_is_the_cached_run_bit_for_bit(cache):
    """Step 0 is the init, the last snapshot the cached net's W1, and a second recording equal."""
    cached = ex.run(SMALL, seed=0, cache=cache)
    first, result = sn.record(SMALL, 0)
    second, _ = sn.record(SMALL, 0)
    assert first.steps.tolist() == sn.snapshot_steps(2, 24).tolist()    # 240 images / 10
    assert first.W1.shape == (len(first.steps), 784, 6)
    assert np.array_equal(first.W1[-1], cached.net.weights[0])
    assert np.array_equal(result.net.weights[0], cached.net.weights[0])
    assert np.array_equal(first.W1, second.W1)
    init = Network([784, 6, 10], "sigmoid", "quadratic", "large", rng=ex.run_streams(0)["init"])
    assert np.array_equal(first.W1[0], init.weights[0])
    assert not np.array_equal(first.W1[1], first.W1[0])       # the snapshots do change
    other, _ = sn.record(SMALL, 1)
    assert not np.array_equal(other.W1[-1], first.W1[-1])


def test_load_snapshots_stores_float16_and_never_trains_again(cache, monkeypatch):
    cached = ex.run(SMALL, seed=0, cache=cache)
    stored = sn.load_snapshots(SMALL, 0, cache=cache)
    path = sn.snapshot_path(SMALL, 0, cache=cache)
    assert path.name.endswith(".snapshots.npz") and path.parent == cache.root
    assert stored.W1.dtype == np.float16
    assert np.array_equal(stored.W1[-1], cached.net.weights[0].astype(np.float16))
    monkeypatch.setattr(ex, "_train", lambda *a, **k: pytest.fail("trained again"))
    again = sn.load_snapshots(SMALL, 0, cache=cache)
    assert np.array_equal(again.W1, stored.W1) and np.array_equal(again.steps, stored.steps)
    assert again.epochs[-1] == SMALL.n_epochs


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other_key", "nan"])
def test_a_damaged_snapshot_file_is_recorded_again(cache, damage):
    good = sn.load_snapshots(SMALL, 0, cache=cache)
    path = sn.snapshot_path(SMALL, 0, cache=cache)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"not a zip file")
    elif damage == "other_key":
        sn._write(path, "0" * 24, good)
    else:
        sn._write(path, path.name.split(".")[0], good._replace(W1=good.W1 * np.float16("nan")))
    with pytest.warns(RuntimeWarning, match="snapshots .* are damaged"):
        again = sn.load_snapshots(SMALL, 0, cache=cache)
    assert np.array_equal(again.W1, good.W1)
    assert np.array_equal(sn._read(path, path.name.split(".")[0], SMALL).W1, good.W1)


def test_weight_animation_has_one_frame_per_snapshot_and_needs_no_network(cache):
    snaps = sn.load_snapshots(SMALL, 0, cache=cache)
    html = plots.animation_html(plots.animate_weight_images(snaps))
    frames = FRAME.findall(html)
    assert [int(i) for i in frames] == list(range(len(snaps.steps)))
    assert not re.search(r"https?://", html), "the player must not fetch anything"
    assert 'class="fa' not in html and "<link" not in html
    bodies = re.findall(r'base64,([^"]+)"', html)
    assert len(set(bodies)) == len(bodies)             # every frame differs from the others


def test_correlation_animation_one_frame_per_snapshot(cache):
    settings = dataclasses.replace(savant.ONCE, n_epochs=2)
    snaps = sn.load_snapshots(settings, 0, cache=cache)
    maps = [adjacent_correlation_map(W.astype(np.float32)) for W in snaps.W1]
    html = plots.animation_html(plots.animate_correlation_map(maps, snaps, grid=4))
    assert len(FRAME.findall(html)) == len(snaps.steps)
    assert not re.search(r"https?://", html)
    with pytest.raises(ValueError, match="maps has 2 frames but snapshots has"):
        plots.animate_correlation_map(maps[:2], snaps)


def test_reproduce_records_each_articles_snapshot_runs(cache):
    planned = rp.plans("all", quick=True)
    rp.record_snapshots(planned, quick=True, cache=cache)
    for settings in (*wth.SNAPSHOT_RUNS, *savant.SNAPSHOT_RUNS):
        assert sn.snapshot_path(ex.quick(settings), 0, cache=cache).is_file(), settings.name
    rp.record_snapshots(planned, quick=True, cache=False)       # no cache: nothing to do


def test_a_recording_that_differs_from_the_cached_net_is_refused(cache, monkeypatch):
    """The check that guards bit-for-bit reproduction can fail."""
    cached = ex.run(SMALL, seed=0, cache=cache)
    cached.net.weights[0][0, 0] += 1.0
    monkeypatch.setattr(ex, "cached_result", lambda *a, **k: cached)
    with pytest.raises(RuntimeError, match="did not reproduce the cached network"):
        sn.load_snapshots(SMALL, 0, cache=cache)
    assert not sn.snapshot_path(SMALL, 0, cache=cache).exists()


def test_weight_change_by_hand():
    """Neuron 0 moves by (3, 4) from (3, 4): change 1; neuron 1 does not move: 0."""
    W1 = np.array([[[3.0, 1.0], [4.0, 0.0]], [[6.0, 1.0], [8.0, 0.0]]])   # (2 snapshots, 2, 2)
    snaps = sn.Snapshots(np.array([0, 5]), 5, W1)
    assert np.allclose(sn.weight_change(snaps), [[0.0, 0.0], [1.0, 0.0]])


# -- snapshot files verified whole (issue 25, part 5) ---------------------------------------------
def _fields(path):
    with np.load(path, allow_pickle=False) as f:
        return {name: f[name] for name in f.files}


def _resave(path, change, to=None):
    """Rewrite the snapshot file whole, as np.savez would, with ``change(fields)`` applied;
    ``to``: save it under another path (its seal, if any, copied along)."""
    fields = _fields(path)
    change(fields)
    target = to or path
    np.savez_compressed(target, **fields)
    if to is not None:
        sn.seal_path(to).write_bytes(sn.seal_path(path).read_bytes())


def _one_weight(fields):
    fields["W1"][-1, 100, 2] += np.float16(0.5)


def _one_step(fields):
    fields["steps"][-1] += 1


def _per_epoch(fields):
    fields["steps_per_epoch"] = np.asarray(fields["steps_per_epoch"] + 1)


SNAPSHOT_EDITS = {"one weight changed": _one_weight, "the last step changed": _one_step,
                  "steps_per_epoch changed": _per_epoch}


@pytest.mark.parametrize("kind", sorted(SNAPSHOT_EDITS))
def test_an_edited_snapshot_file_is_warned_once_and_recorded_again(cache, kind):
    """A snapshot file rewritten whole with one thing changed (a valid file, the right key) is
    not served: one warning naming it, then it is recorded again and served without a word."""
    good = sn.load_snapshots(SMALL, 0, cache=cache)
    path = sn.snapshot_path(SMALL, 0, cache=cache)
    _resave(path, SNAPSHOT_EDITS[kind])
    with pytest.warns(RuntimeWarning, match=f"{path}.* are damaged") as caught:
        again = sn.load_snapshots(SMALL, 0, cache=cache)
    assert len([w for w in caught if "snapshots" in str(w.message)]) == 1
    assert np.array_equal(again.W1, good.W1) and np.array_equal(again.steps, good.steps)
    assert again.steps_per_epoch == good.steps_per_epoch
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(sn.load_snapshots(SMALL, 0, cache=cache).W1, good.W1)


def test_snapshots_copied_under_another_key_with_their_key_rewritten_are_not_served(cache):
    """Seed 1's snapshots copied to seed 0's name (with their seal) and their recorded key
    edited to match: recorded again for seed 0, not served as seed 0's."""
    seed0 = sn.record(SMALL, 0)[0].W1.astype(np.float16)
    sn.load_snapshots(SMALL, 1, cache=cache)
    path0, path1 = (sn.snapshot_path(SMALL, seed, cache=cache) for seed in (0, 1))
    key0 = path0.name.split(".")[0]
    _resave(path1, lambda fields: fields.update(key=np.str_(key0)), to=path0)
    with pytest.warns(RuntimeWarning, match="snapshots .* are damaged"):
        again = sn.load_snapshots(SMALL, 0, cache=cache)
    assert np.array_equal(again.W1, seed0)


def test_snapshots_written_before_seals_are_stale_without_a_warning(cache, monkeypatch):
    """A snapshot file with no seal beside it (as written before seals, here with one weight
    changed) is missing, silently: recorded again, once."""
    good = sn.load_snapshots(SMALL, 0, cache=cache)
    path = sn.snapshot_path(SMALL, 0, cache=cache)
    _resave(path, _one_weight)
    sn.seal_path(path).unlink()
    recorded = []
    real_record = sn.record
    monkeypatch.setattr(sn, "record", lambda *a, **k: recorded.append(1) or real_record(*a, **k))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = sn.load_snapshots(SMALL, 0, cache=cache)
        assert np.array_equal(again.W1, good.W1) and recorded == [1]
        sn.load_snapshots(SMALL, 0, cache=cache)
    assert recorded == [1]


def test_the_seal_is_the_files_sha256_and_name(cache):
    """``<key>.snapshots.sha256`` beside the file, in ``sha256sum`` format: the file's bytes
    (which hold its key) and its name."""
    import hashlib
    sn.load_snapshots(SMALL, 0, cache=cache)
    path = sn.snapshot_path(SMALL, 0, cache=cache)
    seal = path.with_name(path.name.removesuffix(".npz") + ".sha256")
    assert sn.seal_path(path) == seal
    assert seal.read_text() == f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
