"""The results cache: keys that change with what produced a result, atomic and safe entries."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from nnlego import Network, results_cache, save_network
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


HISTORY = {"train_loss": [1.0], "train_accuracy": [0.5], "eval_loss": {}, "eval_accuracy": {}}
RECORD = {"history": HISTORY, "metrics": {"test": 0.5}}


def test_save_then_load_round_trip(tmp_path):
    cache = ResultsCache(tmp_path / "deep" / "er")
    net = a_net()
    cache.save("k1", net, RECORD)
    loaded, record = cache.load("k1")
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters, loaded.parameters))
    assert record["metrics"] == {"test": 0.5} and record["key"] == "k1"
    assert record["npz_sha256"] == hashlib.sha256((cache.root / "k1.npz").read_bytes()).hexdigest()
    assert cache.keys() == ["k1"]
    assert cache.load("missing") is None
    assert cache.clear() == 1 and cache.keys() == []


def _flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


def _rewrite_json(change):
    def damage(path):
        meta = path.with_suffix(".json")
        meta.write_text(change(meta.read_text()))
    return damage


def _drop_history(text):
    record = json.loads(text)
    del record["history"]
    return json.dumps(record)


def _another_network(path):
    save_network(a_net(seed=1), path)            # a valid network, but not the one recorded


DAMAGE = {
    "truncated npz": (_truncate, "sha256"),
    "emptied npz": (lambda path: path.write_bytes(b""), "sha256"),
    "bit-flipped npz": (_flip_a_byte, "sha256"),
    "npz swapped for another network": (_another_network, "sha256"),
    "json without history": (_rewrite_json(_drop_history), r"lacks \['history'"),
    "json not json": (_rewrite_json(lambda text: text[:-20]), "does not parse"),
    "json not an object": (_rewrite_json(lambda text: "[1, 2]"), "not an object"),
    "json not text": (lambda path: path.with_suffix(".json").write_bytes(b"\xff\xfe{"),
                      "does not parse"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_entry_warns_once_names_its_path_and_counts_as_missing(tmp_path, kind):
    """Each kind of damage: one RuntimeWarning naming the entry, load() -> None, and a new save
    (the caller's retraining) overwrites it with an intact entry."""
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), RECORD)
    damage, reason = DAMAGE[kind]
    damage(tmp_path / "k.npz")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cache.load("k") is None
    assert len(caught) == 1 and caught[0].category is RuntimeWarning
    message = str(caught[0].message)
    assert str(tmp_path / "k.json") in message and "retrained" in message
    assert re.search(reason, message), message
    cache.save("k", a_net(), RECORD)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load("k") is not None


def test_damage_behind_a_matching_hash_is_caught_by_loading(tmp_path):
    """A damaged npz whose hash and digest were re-recorded (tampering) still fails
    load_network."""
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), RECORD)
    npz, meta = tmp_path / "k.npz", tmp_path / "k.json"
    _truncate(npz)
    record = json.loads(meta.read_text())
    record["npz_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    meta.write_text(results_cache.with_digest(json.dumps(record)))
    with pytest.warns(RuntimeWarning, match="damaged: (?!its JSON)"):
        assert cache.load("k") is None


def test_a_half_entry_or_another_format_is_missing_without_a_warning(tmp_path):
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), RECORD)
    (tmp_path / "k.json").unlink()                   # an interrupted write: npz without json
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load("k") is None and cache.keys() == []
        cache.save("k", a_net(), RECORD)
        record = json.loads((tmp_path / "k.json").read_text())
        (tmp_path / "k.json").write_text(results_cache.with_digest(
            json.dumps({**record, "format": -1})))
        assert cache.load("k") is None               # another format version: retrain
        del record["npz_sha256"], record["digest"]
        (tmp_path / "k.json").write_text(json.dumps(record))
        assert cache.load("k") is None               # written before hashes: stale, retrain


_HOLDER = """
import sys, time
from nnlego.results_cache import ResultsCache
with ResultsCache(sys.argv[1]).lock("k"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    print("released", time.time(), flush=True)
"""
_WAITER = """
import sys, time
from nnlego.results_cache import ResultsCache
with ResultsCache(sys.argv[1]).lock("k"):
    print("acquired", time.time(), flush=True)
"""


def test_the_lock_keeps_a_second_process_out_until_the_first_releases(tmp_path):
    """Two processes: the second's lock() returns only after the first leaves its with block."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(tmp_path), "1.0"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    waiter = subprocess.run([sys.executable, "-c", _WAITER, str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=True)
    released = float(holder.stdout.readline().split()[1])
    holder.wait(timeout=60)
    acquired = float(waiter.stdout.split()[1])
    assert acquired >= released
    other_key = ResultsCache(tmp_path)
    with other_key.lock("k"), other_key.lock("other"):  # free again; keys lock independently
        pass


def test_the_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "r"))
    assert ResultsCache().root == tmp_path / "r"


def test_an_unwritable_location_names_the_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PermissionError, match="NNLEGO_RESULTS"):
        ResultsCache(blocker / "sub").save("k", a_net(), RECORD)


def test_results_from_before_the_subnormal_flush_are_stale(tmp_path):
    """Issue 29 changed what a seed trains (the optimizers flush subnormals), so format 3: an
    entry written by format 2 is missing, so it is retrained."""
    assert results_cache.FORMAT_VERSION == 3
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), RECORD)
    record = json.loads((tmp_path / "k.json").read_text())
    (tmp_path / "k.json").write_text(results_cache.with_digest(json.dumps({**record,
                                                                           "format": 2})))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load("k") is None


# -- a read-only cache (issue 25): reading takes no lock ------------------------------------------
def _read_only(monkeypatch):
    """Every lock file fails to be made, as on a read-only mount (root ignores chmod, so the
    test fakes the refusal where it happens: FileLock creating <key>.lock)."""
    import errno

    from filelock import FileLock

    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", self.lock_file)
    monkeypatch.setattr(FileLock, "acquire", refuse)


def test_a_read_only_cache_serves_the_entries_and_snapshots_it_holds(
        tiny_data_sets, tmp_path, monkeypatch):
    from nnlego import experiments as ex
    from nnlego import snapshots
    cache, settings = ResultsCache(tmp_path / "shared"), ex.quick(WTH_NETWORK)
    trained = ex.run(settings, seed=1, cache=cache)
    recorded = snapshots.load_snapshots(settings, 1, cache)
    _read_only(monkeypatch)
    before = {p.name: p.stat().st_mtime_ns for p in cache.root.iterdir()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # verified whole, without a word
        again = ex.run(settings, seed=1, cache=cache)
        assert np.array_equal(snapshots.load_snapshots(settings, 1, cache).W1, recorded.W1)
    assert again.cached and np.array_equal(again.net.weights[0], trained.net.weights[0])
    assert {p.name: p.stat().st_mtime_ns for p in cache.root.iterdir()} == before  # no write


def test_a_read_only_cache_without_the_entry_says_what_to_do(tiny_data_sets, tmp_path,
                                                              monkeypatch):
    from nnlego import experiments as ex
    cache = ResultsCache(tmp_path / "shared")
    _read_only(monkeypatch)
    with pytest.raises(PermissionError, match=r"lacks entry [0-9a-f]{24} and cannot be written "
                       r"\(Read-only file system\); set \$NNLEGO_RESULTS to a writable folder"):
        ex.run(ex.quick(WTH_NETWORK), seed=2, cache=cache)


def test_a_damaged_entry_is_reported_once_though_read_twice(tmp_path):
    cache = ResultsCache(tmp_path)
    cache.save("k" * 24, a_net(), {"history": {k: [] for k in results_cache._HISTORY},
                                   "metrics": {}})
    (tmp_path / f"{'k' * 24}.npz").write_bytes(b"not an npz")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cache.load("k" * 24) is None and cache.load("k" * 24) is None
    assert len([w for w in caught if "damaged" in str(w.message)]) == 1


def test_an_entry_copied_under_another_name_is_not_served(tmp_path):
    """An entry's files copied to another key (another seed's name, say) load as nothing, with
    one warning, so that entry is trained again rather than served as the other."""
    import shutil
    cache = ResultsCache(tmp_path)
    source, other = "a" * 24, "b" * 24
    cache.save(source, a_net(), {"history": {k: [] for k in results_cache._HISTORY},
                                 "metrics": {"test": 0.9}})
    for suffix in (".npz", ".json"):
        shutil.copy(tmp_path / f"{source}{suffix}", tmp_path / f"{other}{suffix}")
    assert cache.load(source) is not None
    with pytest.warns(RuntimeWarning, match=f"saved as entry '{source}', not '{other}'"):
        assert cache.load(other) is None


# -- entries verified whole (issue 25, part 5): the digest covers the record and the weights ------
def _edit(key, change):
    """Edit entry ``key``'s JSON as a hand in an editor would: parse, ``change(record)``, write."""
    def edit(root):
        meta = root / f"{key}.json"
        record = json.loads(meta.read_text())
        change(record)
        meta.write_text(json.dumps(record, indent=1, sort_keys=True))
    return edit


def _set(path, value):
    """``change(record)`` setting the field at ``path`` (a tuple of keys) to ``value``."""
    def change(record):
        *parents, last = path
        for name in parents:
            record = record[name]
        record[last] = value
    return change


def _weights_swapped_and_rehashed(root):
    """Another network in the .npz and its sha256 re-recorded: the weights and the JSON agree."""
    save_network(a_net(seed=1), root / f"{'e' * 24}.npz")
    digest = hashlib.sha256((root / f"{'e' * 24}.npz").read_bytes()).hexdigest()
    _edit("e" * 24, _set(("npz_sha256",), digest))(root)


EDITS = {
    "test accuracy": _set(("metrics", "test"), 0.99),
    "a metric added": _set(("metrics", "train"), 1.0),
    "history": _set(("history", "train_accuracy"), [0.99]),
    "history's eval": _set(("history", "eval_accuracy"), {"test": [0.99]}),
    "format": _set(("format",), results_cache.FORMAT_VERSION - 1),
    "a field added": _set(("seed",), 7),
    "the digest itself": _set(("digest",), "0" * 64),
}


@pytest.mark.parametrize("kind", [*sorted(EDITS), "weights swapped, hash re-recorded"])
def test_an_edited_entry_is_not_served_but_warned_once_and_retrained(tmp_path, kind):
    """Any field of the JSON edited after save (or the weights with their hash): load() -> None
    after one warning naming the entry, twice asked; a new save (retraining) is served again."""
    cache, key = ResultsCache(tmp_path), "e" * 24
    cache.save(key, a_net(), RECORD)
    if kind in EDITS:
        _edit(key, EDITS[kind])(tmp_path)
    else:
        _weights_swapped_and_rehashed(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cache.load(key) is None and cache.load(key) is None
    assert len(caught) == 1 and caught[0].category is RuntimeWarning, [str(w) for w in caught]
    message = str(caught[0].message)
    assert str(tmp_path / f"{key}.json") in message and "retrained" in message, message
    cache.save(key, a_net(), RECORD)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load(key)[1]["metrics"] == {"test": 0.5}


def test_an_entry_copied_under_another_key_with_its_key_rewritten_is_not_served(tmp_path):
    """Another seed's entry copied to this key's name, its recorded key edited to match: the
    digest no longer holds, so it is retrained rather than served as this seed."""
    import shutil
    cache, source, other = ResultsCache(tmp_path), "a" * 24, "b" * 24
    cache.save(source, a_net(), RECORD)
    for suffix in (".npz", ".json"):
        shutil.copy(tmp_path / f"{source}{suffix}", tmp_path / f"{other}{suffix}")
    _edit(other, _set(("key",), other))(tmp_path)
    with pytest.warns(RuntimeWarning, match=f"{other}.json.*retrained"):
        assert cache.load(other) is None
    assert cache.load(source) is not None


def test_the_digest_is_of_the_canonical_record_without_itself(tmp_path):
    """The recorded digest is the sha256 of json.dumps(record minus "digest", sort_keys=True);
    the record holds npz_sha256, so the digest covers the weights too."""
    cache = ResultsCache(tmp_path)
    cache.save("k", a_net(), RECORD)
    record = json.loads((tmp_path / "k.json").read_text())
    body = {name: value for name, value in record.items() if name != "digest"}
    assert "npz_sha256" in body and body["key"] == "k"
    assert record["digest"] == hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _as_written_before_digests(cache, key, net=None):
    """An entry exactly as the cache wrote it before digests: npz_sha256, no digest."""
    npz = save_network(net or a_net(), cache.root / f"{key}.npz")
    record = {**RECORD, "format": results_cache.FORMAT_VERSION, "key": key,
              "npz_sha256": hashlib.sha256(npz.read_bytes()).hexdigest()}
    (cache.root / f"{key}.json").write_text(json.dumps(record, indent=1, sort_keys=True))


def test_an_entry_written_before_digests_is_stale_without_a_warning(tmp_path):
    """Missing, silently (retrained once, as an entry of another format), then served."""
    cache, key = ResultsCache(tmp_path), "s" * 24
    cache.root.mkdir(parents=True, exist_ok=True)
    _as_written_before_digests(cache, key)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.load(key) is None
        cache.save(key, a_net(), RECORD)
        assert cache.load(key) is not None


def test_a_read_only_cache_reports_an_edited_entry_and_says_what_to_do(
        tiny_data_sets, tmp_path, monkeypatch):
    """Verifying reads only: an edited entry of a read-only cache is warned about, then the
    retraining it calls for asks for a writable cache."""
    from nnlego import experiments as ex
    cache, settings = ResultsCache(tmp_path / "shared"), ex.quick(WTH_NETWORK)
    ex.run(settings, seed=1, cache=cache)
    [key] = cache.keys()
    _edit(key, _set(("metrics", "test"), 0.99))(cache.root)
    _read_only(monkeypatch)
    with pytest.warns(RuntimeWarning, match="retrained"), \
            pytest.raises(PermissionError, match="cannot be written"):
        ex.run(settings, seed=1, cache=cache)
