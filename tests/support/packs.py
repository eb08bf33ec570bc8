"""Results packs for the tests: a cache of tiny entries, a pin, a loopback HTTP server.
Used by tests/test_results_pack.py and tests/test_launch.py."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

import numpy as np

from nnlego import Network, results_pins
from nnlego.results_cache import ResultsCache
from nnlego.results_pack import Pin, pack_name, release_url


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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):   # no line per request on stderr
        pass


@contextlib.contextmanager
def serving(folder):
    """A loopback HTTP server of ``folder`` for the block: its base URL."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
