"""train_sgd that draws the batch order from a generator of its own (seed 0), not from rng:
the same seed repeats, but every seed gives the same training.

loses: test_train_sgd
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: train_sgd
def train_sgd(weights, biases, X, y, *, n_epochs, batch_size, lr, l2, rng):
    own = np.random.default_rng(0)
    Y = one_hot(y, weights[-1].shape[1])
    for _ in range(n_epochs):
        order = own.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            grads_W, grads_b = gradients(weights, biases, X[rows], Y[rows])
            sgd_step(weights, biases, grads_W, grads_b, lr=lr, l2=l2)
