"""forward that applies the sigmoid to the output layer only (hidden layers stay linear).

loses: test_forward
"""
# ruff: noqa: F821


# %% replaces: forward
def forward(weights, biases, X):
    A = X
    for W, b in zip(weights, biases):
        A = A @ W + b
    return sigmoid(A)
