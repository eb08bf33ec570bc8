"""knock_out row by row, class_recall with bincount, the shares by counting, the top bricks by
argpartition, and the correlations from np.corrcoef."""
# ruff: noqa: F821
import numpy as np


# %% replaces: knock_out
def knock_out(net, neurons):
    silenced = net.copy()
    for j in neurons:
        silenced.weights[1][int(j)] = 0.0
    return silenced


# %% replaces: class_recall
def class_recall(net, X, y):
    n_classes = net.sizes[-1]
    predicted = net.predict(X)
    counts = np.bincount(y, minlength=n_classes).astype(float)
    correct = np.bincount(y, weights=(predicted == y), minlength=n_classes)
    counts[counts == 0] = np.nan
    return correct / counts


# %% replaces: activation_use
def activation_use(net, X, low=0.1, high=0.9):
    _, activations = net.forward_all(X)
    A = activations[1]
    n = len(A)
    near_zero = (A < low).sum(axis=0) / n
    near_one = (A > high).sum(axis=0) / n
    between = ((A >= low) & (A <= high)).sum(axis=0) / n
    return near_zero, between, near_one


# %% replaces: digit_use
def digit_use(net, X, y, threshold=0.5):
    A = net.forward_all(X)[1][1]
    columns = []
    for d in range(net.sizes[-1]):
        rows = A[y == d]
        columns.append((rows > threshold).mean(axis=0) if len(rows) else
                       np.full(A.shape[1], np.nan))
    return np.stack(columns, axis=1)


# %% replaces: top_vs_random
def top_vs_random(net, X, y, digit, k=3, *, rng, n_random=200):
    before = class_recall(net, X, y)[digit]
    w = net.weights[1][:, digit]
    top = np.argpartition(-w, k - 1)[:k] if k < len(w) else np.arange(len(w))
    top_drop = before - class_recall(knock_out(net, top), X, y)[digit]
    random_drops = np.empty(n_random)
    for i in range(n_random):
        chosen = rng.choice(len(w), size=k, replace=False)
        random_drops[i] = before - class_recall(knock_out(net, chosen), X, y)[digit]
    return top_drop, random_drops


# %% replaces: match_neurons
def match_neurons(W1_a, W1_b, mask=None):
    if mask is not None:
        W1_a, W1_b = W1_a[np.ravel(mask)], W1_b[np.ravel(mask)]
    n = W1_a.shape[1]
    corr = np.corrcoef(W1_a.T, W1_b.T)[:n, n:]
    rows, cols = linear_sum_assignment(-corr)
    perm = cols[np.argsort(rows)]
    return perm, corr[np.arange(n), perm], corr
