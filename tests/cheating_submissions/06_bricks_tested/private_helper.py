"""Call the private helper that does the work of the piece: ``own_work`` watches
``knockout.class_recall``, not ``knockout._recall``.

beats: v1
flagged: no
"""
# ruff: noqa: F821

# %% replaces: class_recall
def class_recall(net, X, y):
    return knockout._recall(net.predict(X), np.asarray(y), net.sizes[-1])
