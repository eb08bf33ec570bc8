"""train_sgd that skips the last, incomplete mini-batch of every epoch.

loses: test_train_sgd
"""
# ruff: noqa: F821


# %% replaces: train_sgd
def train_sgd(weights, biases, X, y, *, n_epochs, batch_size, lr, l2, rng):
    Y = one_hot(y, weights[-1].shape[1])
    for _ in range(n_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X) - batch_size + 1, batch_size):
            rows = order[start:start + batch_size]
            grads_W, grads_b = gradients(weights, biases, X[rows], Y[rows])
            sgd_step(weights, biases, grads_W, grads_b, lr=lr, l2=l2)
