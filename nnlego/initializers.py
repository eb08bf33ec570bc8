"""Weight initialisation schemes, chosen by name; all share ``scheme(n_in, n_out, *, rng)``.

Each returns a weight matrix ``(n_in, n_out)``. Biases follow the scheme's source: Nielsen's
network.py and network2 draw them from N(0, 1); Keras and He et al. start them at zero.

- ``large``: N(0, 1) (network.py). With 784 inputs, z has variance ~ the number of lit pixels,
  so sigmoid neurons start saturated and learn slowly.
- ``scaled``: N(0, 1/n_in) (network2's default): z starts with variance ~ 1.
- ``glorot_uniform``: U(-l, l), l = sqrt(6 / (n_in + n_out)), variance 2 / (n_in + n_out) (Keras).
- ``he_normal``: N(0, 2/n_in), made for relu layers (He et al. 2015).

Book: chapter 8, "Initialisation and regularisation".
"""

from __future__ import annotations

import numpy as np

from ._validation import check_choice, check_positive_int, check_rng


def large(n_in, n_out, *, rng):
    """N(0, 1) weights: Nielsen's network.py. Returns (n_in, n_out)."""
    n_in, n_out = _check_layer(n_in, n_out, rng)
    return rng.standard_normal((n_in, n_out))


def scaled(n_in, n_out, *, rng):
    """N(0, 1/n_in) weights: Nielsen's network2 default. Returns (n_in, n_out)."""
    n_in, n_out = _check_layer(n_in, n_out, rng)
    return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)


def glorot_uniform(n_in, n_out, *, rng):
    """U(-l, l) with l = sqrt(6 / (n_in + n_out)): Keras' default. Returns (n_in, n_out)."""
    n_in, n_out = _check_layer(n_in, n_out, rng)
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he_normal(n_in, n_out, *, rng):
    """N(0, 2/n_in) weights, for relu layers. Returns (n_in, n_out)."""
    n_in, n_out = _check_layer(n_in, n_out, rng)
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)


def _check_layer(n_in, n_out, rng):
    """``(n_in, n_out)`` as ints >= 1, and ``rng`` a Generator."""
    check_rng(rng)
    return check_positive_int("n_in", n_in), check_positive_int("n_out", n_out)


INITIALIZERS = {
    "large": large,
    "scaled": scaled,
    "glorot_uniform": glorot_uniform,
    "he_normal": he_normal,
}

# Schemes whose biases are drawn from N(0, 1) as well (Nielsen's); the others start at 0.
RANDOM_BIAS = {"large", "scaled"}


def get_initializer(name: str):
    """The scheme called ``name``; an unknown name lists the valid ones."""
    return INITIALIZERS[check_choice("init", name, INITIALIZERS)]


def init_biases(name: str, n_out: int, *, rng):
    """Biases ``(n_out,)`` for scheme ``name``: N(0, 1) for Nielsen's schemes, zeros otherwise."""
    check_choice("init", name, INITIALIZERS)
    check_rng(rng)
    n_out = check_positive_int("n_out", n_out)
    if name in RANDOM_BIAS:
        return rng.standard_normal(n_out)
    return np.zeros(n_out)
