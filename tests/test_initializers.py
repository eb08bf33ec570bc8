"""Init schemes: statistics on large draws, shapes, determinism."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlego.initializers import INITIALIZERS, get_initializer, init_biases

VARIANCE = {
    "large": lambda n_in, n_out: 1.0,
    "scaled": lambda n_in, n_out: 1.0 / n_in,
    "glorot_uniform": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "he_normal": lambda n_in, n_out: 2.0 / n_in,
}


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(sorted(INITIALIZERS)), n_in=st.integers(20, 800),
       n_out=st.integers(20, 200), seed=st.integers(0, 2**32 - 1))
def test_scheme_matches_its_variance_formula(name, n_in, n_out, seed):
    """Sample mean ~ 0 and variance ~ the formula (tolerance: 6 standard errors)."""
    W = get_initializer(name)(n_in, n_out, rng=np.random.default_rng(seed))
    assert W.shape == (n_in, n_out)
    var, n = VARIANCE[name](n_in, n_out), W.size
    # var(s^2) = 2 var^2/(n-1) for a normal; 0.8 var^2/n for a uniform (smaller)
    assert abs(W.var() - var) < 6 * var * np.sqrt(2 / (n - 1))
    assert abs(W.mean()) < 6 * np.sqrt(var / n)


def test_glorot_uniform_respects_its_limit():
    """Glorot-uniform draws lie inside +-sqrt(6 / (n_in + n_out))."""
    W = get_initializer("glorot_uniform")(784, 128, rng=np.random.default_rng(0))
    limit = np.sqrt(6 / (784 + 128))
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit


def test_the_variance_check_catches_a_precedence_slip():
    """A classic bug, N(0,1)/n_in instead of N(0,1)/sqrt(n_in), fails the statistics test."""
    W = np.random.default_rng(0).standard_normal((784, 30)) / 784
    var = VARIANCE["scaled"](784, 30)
    assert not abs(W.var() - var) < 6 * var * np.sqrt(2 / (W.size - 1))


def test_biases_follow_the_source_of_each_scheme():
    """Nielsen's schemes draw N(0,1) biases; Keras' and He's start at zero."""
    rng = np.random.default_rng(0)
    assert init_biases("large", 1000, rng=rng).std() == pytest.approx(1, abs=0.1)
    assert init_biases("scaled", 1000, rng=rng).std() == pytest.approx(1, abs=0.1)
    assert not init_biases("glorot_uniform", 10, rng=rng).any()
    assert not init_biases("he_normal", 10, rng=rng).any()


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_same_seed_same_weights(name):
    """Randomness only through rng."""
    a = get_initializer(name)(5, 3, rng=np.random.default_rng(7))
    b = get_initializer(name)(5, 3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_unknown_init_lists_the_valid_names():
    """A typo names the valid choices."""
    with pytest.raises(ValueError, match="unknown init 'xavier'.*glorot_uniform"):
        get_initializer("xavier")


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
@pytest.mark.parametrize("n_in, n_out, rng, error, message", [
    (0, 3, np.random.default_rng(0), ValueError, "n_in must be an integer >= 1, got 0"),
    (3, 2.5, np.random.default_rng(0), ValueError, "n_out must be an integer >= 1, got 2.5"),
    (3, 2, 0, TypeError, "rng must be a numpy Generator"),
])
def test_schemes_check_their_arguments(name, n_in, n_out, rng, error, message):
    with pytest.raises(error, match=message):
        get_initializer(name)(n_in, n_out, rng=rng)


def test_init_biases_checks_its_arguments():
    with pytest.raises(ValueError, match="unknown init 'xavier'"):
        init_biases("xavier", 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_out must be"):
        init_biases("large", -1, rng=np.random.default_rng(0))
