"""The two benchmark setups, their synthetic data and a stopwatch, shared by every contender.

Setup ``A`` is the first article's network (Nielsen's network.py): 784-30-10, sigmoid, quadratic
cost, N(0, 1) weights, SGD with lr = 3.0, batch 10, 50,000 samples. Setup ``B`` is the second
article's Keras network: 784-128-10 relu/softmax, categorical cross-entropy, Glorot-uniform
weights, Adam with lr = 1e-3, batch 32, 60,000 samples.

The data are seeded random numbers of the right shape: ``X`` float32 in [0, 1) and labels in
0..9. Dense matrix products and element-wise NumPy take the same time whatever the values, so the
timings are those of MNIST / Fashion-MNIST without a download.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from nnlego import Network
from nnlego.articles import savant, wth
from nnlego.experiments import Settings
from nnlego.subnormals import count_subnormal


@dataclass(frozen=True)
class Setup:
    """One network, optimizer and epoch to time: an article's Settings and a sample count."""

    key: str
    title: str
    settings: Settings
    n_samples: int

    def __getattr__(self, name):
        # sizes, activations, cost, init, optimizer, lr, batch_size: the article's own settings
        if name.startswith("__") or name == "settings":
            raise AttributeError(name)
        return getattr(self.settings, name)

    @property
    def n_steps(self):
        """Mini-batches per epoch."""
        return -(-self.n_samples // self.batch_size)


SETUPS = {
    "A": Setup("A", "article 1: 784-30-10 sigmoid, quadratic cost, SGD lr=3, batch 10, "
                    "50,000 samples", wth.NETWORK, 50_000),
    "B": Setup("B", "article 2: 784-128-10 relu/softmax, cross-entropy, Adam, batch 32, "
                    "60,000 samples", savant.ORIGINAL, 60_000),
}


def make_data(setup, seed=0):
    """Seeded random ``X (n_samples, 784)`` float32 in [0, 1) and labels ``y (n_samples,)``."""
    rng = np.random.default_rng(seed)
    X = rng.random((setup.n_samples, setup.sizes[0]), dtype=np.float32)
    y = rng.integers(0, setup.sizes[-1], setup.n_samples)
    return X, y


def make_network(setup, seed=1):
    """A fresh float32 nnlego network for ``setup`` (the other contenders copy its weights)."""
    return Network(list(setup.sizes), list(setup.activations), setup.cost, setup.init,
                   rng=np.random.default_rng(seed))


def epoch_order(setup, seed=2):
    """The shuffled sample order of one epoch, the same for every contender."""
    return np.random.default_rng(seed).permutation(setup.n_samples)


def seconds(fn):
    """Wall-clock seconds of one call of ``fn()``."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed_slices(n_steps, steps, n_slices=10):
    """Run ``steps(first, stop)`` over ``range(n_steps)`` in ``n_slices`` consecutive slices.

    Returns the seconds of each slice. Across repeated runs, the sum over slices of each slice's
    fastest run estimates the epoch on a quiet machine: a burst of load from another user spoils
    one slice of one run, not a whole epoch.
    """
    bounds = np.linspace(0, n_steps, n_slices + 1).round().astype(int)
    return [seconds(lambda a=a, b=b: steps(a, b)) for a, b in zip(bounds[:-1], bounds[1:])]


def subnormal_counts(params, state=None):
    """``{"weights": (n_subnormal, n), "optimizer state": (n_subnormal, n)}`` of the arrays
    ``params`` and ``state`` (Adam's m and v; None: an optimizer without state, e.g. SGD)."""
    counts = {"weights": (count_subnormal(params), sum(p.size for p in params))}
    if state:
        counts["optimizer state"] = (count_subnormal(state), sum(a.size for a in state))
    return counts
