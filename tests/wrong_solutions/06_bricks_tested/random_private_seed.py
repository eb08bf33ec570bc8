"""top_vs_random that draws its random sets from a generator of its own, seeded with 0, instead
of the rng it is given: every call draws the same sets.

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

    mine = np.random.default_rng(0)
    top = np.argsort(-net.weights[1][:, digit])[:k]
    n_hidden = net.weights[1].shape[0]
    return drop(top), np.array([drop(mine.choice(n_hidden, size=k, replace=False))
                                for _ in range(n_random)])
