"""top_vs_random that takes the digit's k strongest bricks by |w| (red ones too) instead of its
k largest (blue) weights.

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

    top = np.argsort(-np.abs(net.weights[1][:, digit]))[:k]
    n_hidden = net.weights[1].shape[0]
    return drop(top), np.array([drop(rng.choice(n_hidden, size=k, replace=False))
                                for _ in range(n_random)])
