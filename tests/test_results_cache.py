"""The results cache: keys that change with what produced a result, atomic and safe entries."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from nnlego import Network, results_cache
from nnlego.articles.wth import NETWORK as WTH_NETWORK
from nnlego.results_cache import ResultsCache, data_fingerprint


def a_net(seed=0):
    return Network([4, 3, 2], rng=np.random.default_rng(seed))


def test_the_key_changes_with_settings_seed_data_and_format(monkeypatch, tmp_path):
    cache = ResultsCache(tmp_path)
    key = cache.key(WTH_NETWORK, 0, "abc")
    assert key == cache.key(WTH_NETWORK, 0, "abc")
    others = {cache.key(dataclasses.replace(WTH_NETWORK, lr=2.0), 0, "abc"),
              cache.key(WTH_NETWORK, 1, "abc"), cache.key(WTH_NETWORK, 0, "abd")}
    monkeypatch.setattr(results_cache, "FORMAT_VERSION", results_cache.FORMAT_VERSION + 1)
    others.add(cache.key(WTH_NETWORK, 0, "abc"))
    assert key not in others and len(others) == 4


def test_the_fingerprint_tells_data_apart():
    X = np.random.default_rng(0).random((2000, 784), dtype=np.float32)
    Y = X.copy()
    Y[-1, -1] += 1                                   # the last row is always hashed
    assert data_fingerprint(X) == data_fingerprint(X.copy())
    assert data_fingerprint(X) != data_fingerprint(Y)
    assert data_fingerprint(X) != data_fingerprint(X[:1000])


def test_save_then_load_round_trip(tmp_path):
    cache = ResultsCache(tmp_path / "deep" / "er")
    net = a_net()
    cache.save("k1", net, {"metrics": {"test": 0.5}})
    loaded, record = cache.load("k1")
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters, loaded.parameters))
    assert record["metrics"] == {"test": 0.5} and record["key"] == "k1"
    assert cache.keys() == ["k1"]
    assert cache.load("missing") is None
    assert cache.clear() == 1 and cache.keys() == []


def test_a_half_or_corrupt_entry_is_not_used(tmp_path):
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), {"metrics": {}})
    (tmp_path / "k.npz").write_bytes(b"garbage")
    assert cache.load("k") is None
    cache.save("k", a_net(), {"metrics": {}})
    (tmp_path / "k.json").unlink()                   # an interrupted write: npz without json
    assert cache.load("k") is None and cache.keys() == []
    cache.save("k", a_net(), {"metrics": {}})
    record = json.loads((tmp_path / "k.json").read_text())
    (tmp_path / "k.json").write_text(json.dumps({**record, "format": -1}))
    assert cache.load("k") is None                   # another format version: retrain


def test_the_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "r"))
    assert ResultsCache().root == tmp_path / "r"


def test_an_unwritable_location_names_the_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PermissionError, match="NNLEGO_RESULTS"):
        ResultsCache(blocker / "sub").save("k", a_net(), {})
