"""top_vs_random whose random sets are drawn with replacement (rng.integers): a set can hold the
same neuron twice, so it knocks out fewer than k neurons.

loses: test_top_vs_random
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: top_vs_random
def top_vs_random(net, X, y, digit, k=3, *, rng, n_random=200):
    X_d, y_d = X[y == digit], y[y == digit]
    intact = class_recall(net, X_d, y_d)[digit]

    def drop(neurons):
        return intact - class_recall(knock_out(net, neurons), X_d, y_d)[digit]

    top = np.argsort(-net.weights[1][:, digit])[:k]
    n_hidden = net.weights[1].shape[0]
    return drop(top), np.array([drop(rng.integers(0, n_hidden, size=k))
                                for _ in range(n_random)])
