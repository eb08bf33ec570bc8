"""The schemes from rng.normal and rng.random, z_std with einsum, saturation from |z|'s sigmoid."""
# ruff: noqa: F821
import numpy as np


# %% replaces: schemes_normal
def large(n_in, n_out, *, rng):
    return rng.normal(0.0, 1.0, size=(n_in, n_out))


def scaled(n_in, n_out, *, rng):
    return rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))


# %% replaces: glorot_uniform
def glorot_uniform(n_in, n_out, *, rng):
    limit = (6.0 / (n_in + n_out)) ** 0.5
    return (2.0 * rng.random((n_in, n_out)) - 1.0) * limit


# %% replaces: he_normal
def he_normal(n_in, n_out, *, rng):
    return rng.normal(scale=(2.0 / n_in) ** 0.5, size=(n_in, n_out))


# %% replaces: z_std
def z_std(X, weight_var, bias_var):
    return (weight_var * np.einsum("ij,ij->i", X, X) + bias_var) ** 0.5


# %% replaces: saturated_fraction
def saturated_fraction(Z, threshold=0.01):
    s = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(Z)))
    return float(np.count_nonzero(s * (1 - s) < threshold) / np.size(Z))
