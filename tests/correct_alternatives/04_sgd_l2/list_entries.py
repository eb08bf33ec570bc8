"""sgd_step replaces the list entries (the notebook allows it); the cost with np.square and a
generator; the training loop with a while loop over the batches."""
# ruff: noqa: F821
import numpy as np


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    for l in range(len(weights)):
        weights[l] = (1 - lr * l2) * weights[l] - lr * grads_W[l]
        biases[l] = biases[l] - lr * grads_b[l]


# %% replaces: regularised_cost
def regularised_cost(weights, biases, X, Y, *, l2):
    A = X
    for W, b in zip(weights, biases):
        A = 1.0 / (1.0 + np.exp(-(A @ W + b)))
    return float(np.mean(np.sum(np.square(A - Y), axis=1)) / 2
                 + l2 / 2 * sum(float(np.square(W).sum()) for W in weights))


# %% replaces: train_sgd
def train_sgd(weights, biases, X, y, *, n_epochs, batch_size, lr, l2, rng):
    Y = np.eye(weights[-1].shape[1])[y]
    epoch = 0
    while epoch < n_epochs:
        order, start = rng.permutation(len(X)), 0
        while start < len(X):
            rows = order[start:start + batch_size]
            grads_W, grads_b = gradients(weights, biases, X[rows], Y[rows])
            sgd_step(weights, biases, grads_W, grads_b, lr=lr, l2=l2)
            start += batch_size
        epoch += 1
