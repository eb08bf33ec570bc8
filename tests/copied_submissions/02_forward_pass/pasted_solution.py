"""forward pasted from solutions/, its names changed and its docstring and comment dropped.

flagged: test_forward
"""
# ruff: noqa: F821


# %% replaces: forward
def forward(ws, bs, inputs):
    act = inputs
    for w, bias in zip(ws, bs):
        act = sigmoid(act @ w + bias)
    return act
