"""Results packs for the tests: a cache of tiny entries, a pin, a loopback HTTP server.
Used by tests/test_results_pack.py and tests/test_launch.py."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nnlego import Network, results_pins
from nnlego.results_cache import ResultsCache
from nnlego.results_pack import Pin, pack_name, release_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from fresh_notebooks import serve  # noqa: E402


def filled_cache(root, n=3):
    """A cache of ``n`` tiny entries (the second with a snapshots file); returns (cache, keys)."""
    cache = ResultsCache(root)
    keys = []
    for seed in range(n):
        key = cache.key({"tiny": True}, seed, "fingerprint")
        net = Network([4, 3, 2], rng=np.random.default_rng(seed))
        history = {k: [0.5] for k in ("train_loss", "train_accuracy")}
        history.update(eval_loss={}, eval_accuracy={})
        cache.save(key, net, {"history": history, "metrics": {"test": 0.5}})
        keys.append(key)
    (cache.root / f"{keys[min(1, n - 1)]}.snapshots.npz").write_bytes(b"not really an npz")
    return cache, keys


def pin(monkeypatch, sha256):
    """Pin ``sha256`` as this version's pack (its URL the release's, as a release pins it)."""
    monkeypatch.setitem(results_pins.PINS, pack_name(), Pin(sha256, release_url(), ""))


def serving(folder):
    """A loopback HTTP server of ``folder`` for a ``with`` block: its base URL (the benchmark's
    server, benchmarks/fresh_notebooks.py: one server for both)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return serve(Path(folder))
