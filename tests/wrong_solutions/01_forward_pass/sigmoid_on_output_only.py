"""feedforward that applies the sigmoid to the output layer only (hidden layers stay linear).

loses: test_feedforward
"""
# ruff: noqa: F821


# %% replaces: feedforward
def feedforward(weights, biases, X):
    A = X
    for W, b in zip(weights, biases):
        A = A @ W + b
    return sigmoid(A)
