"""numerical_gradient with np.nditer; backprop that stores the deltas and builds the gradients
after the backward walk."""
# ruff: noqa: F821
import numpy as np


# %% replaces: numerical_gradient
def numerical_gradient(f, x, eps=1e-6):
    grad = np.empty_like(x, dtype=float)
    for _ in (it := np.nditer(x, flags=["multi_index"])):
        i = it.multi_index
        saved = x[i].copy()
        x[i] = saved + eps
        up = f()
        x[i] = saved - eps
        down = f()
        x[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


# %% replaces: backprop
def backprop(weights, biases, X, Y):
    activations, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(activations[-1] @ W + b)
        activations.append(sigmoid(zs[-1]))
    deltas = [(activations[-1] - Y) * sigmoid_prime(zs[-1]) / X.shape[0]]
    for W, z in zip(weights[:0:-1], zs[-2::-1]):
        deltas.insert(0, (deltas[0] @ W.T) * sigmoid_prime(z))
    grads_W = [A.T @ d for A, d in zip(activations[:-1], deltas)]
    grads_b = [np.sum(d, axis=0) for d in deltas]
    return grads_W, grads_b
