"""forward hard-wired for two layers: passes the visible tests, fails the hidden 3-layer net.

loses: test_forward
"""
# ruff: noqa: F821


# %% replaces: forward
def forward(weights, biases, X):
    hidden = sigmoid(X @ weights[0] + biases[0])
    return sigmoid(hidden @ weights[1] + biases[1])
