"""Activations: values, derivatives against finite differences, stability (hypothesis)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlego.activations import ACTIVATIONS, get_activation, relu, sigmoid, sigmoid_prime, softmax

finite_z = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite_z))
def test_sigmoid_stays_in_unit_interval_without_warnings(Z):
    """sigmoid is in [0, 1] and silent for |z| up to 1e4, in float64 and float32."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in (np.float64, np.float32):
            A = sigmoid(Z.astype(dtype))
            assert A.dtype == dtype
            assert np.all((A >= 0) & (A <= 1))


def test_sigmoid_matches_the_textbook_formula_where_that_is_safe():
    """0.5 (1 + tanh(z/2)) is exactly 1 / (1 + e^-z)."""
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-15)
    assert sigmoid(np.array([-1e4]))[0] == 0.0 and sigmoid(np.array([1e4]))[0] == 1.0


def test_sigmoid_prime_matches_finite_differences_and_peaks_at_a_quarter():
    """sigma'(z) by central differences; its maximum is 1/4 at z = 0."""
    z = np.linspace(-8, 8, 161)
    numeric = (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(sigmoid_prime(z), numeric, atol=1e-9)
    assert sigmoid_prime(np.array([0.0]))[0] == 0.25


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)), elements=finite_z))
def test_softmax_rows_are_probability_distributions(Z):
    """softmax rows are >= 0 and sum to 1, even for logits of 1e4."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = softmax(Z)
    assert np.all(A >= 0)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-12)


def test_softmax_is_shift_invariant_and_row_wise():
    """Adding a constant to a row changes nothing; rows do not mix."""
    Z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(softmax(Z + 100), softmax(Z))
    np.testing.assert_allclose(softmax(Z)[1], [1 / 3] * 3)


def test_relu_and_its_derivative():
    """relu clips negatives; its derivative is the indicator of z > 0."""
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(relu(z), [[0, 0, 3]])
    dZ = get_activation("relu").backward(z, relu(z), np.ones_like(z))
    np.testing.assert_array_equal(dZ, [[0, 0, 1]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_is_the_vector_jacobian_product(name):
    """backward(Z, A, dA) equals finite differences of sum(dA * f(Z)) for every activation."""
    rng = np.random.default_rng(1)
    act = get_activation(name)
    Z = rng.standard_normal((4, 5)) + 0.05   # keep relu away from its kink at 0
    dA = rng.standard_normal((4, 5))
    numeric = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[idx] += 1e-6
        Zm[idx] -= 1e-6
        numeric[idx] = (np.sum(dA * act.f(Zp)) - np.sum(dA * act.f(Zm))) / 2e-6
    np.testing.assert_allclose(act.backward(Z, act.f(Z), dA), numeric, atol=1e-7)


def test_unknown_activation_lists_the_valid_names():
    """A typo names the valid choices."""
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'.*'sigmoid'"):
        get_activation("sigmod")
