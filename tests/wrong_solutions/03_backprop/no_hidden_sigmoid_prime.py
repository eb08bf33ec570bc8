"""backprop whose hidden-layer delta forgets the activation's derivative sigma'(Z_l).

loses: test_backprop_gradcheck test_backprop_mean
"""
# ruff: noqa: F821


# %% replaces: backprop
def backprop(weights, biases, X, Y):
    Zs, As = [], [X]
    for W, b in zip(weights, biases):
        Zs.append(As[-1] @ W + b)
        As.append(sigmoid(Zs[-1]))
    delta = (As[-1] - Y) * sigmoid_prime(Zs[-1]) / len(X)
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads_W[l] = As[l].T @ delta
        grads_b[l] = delta.sum(axis=0)
        if l > 0:
            delta = delta @ weights[l].T
    return grads_W, grads_b
