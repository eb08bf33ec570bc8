"""class_recall that gives a class without images a recall of 0 instead of NaN.

loses: test_class_recall
"""
import numpy as np


# %% replaces: class_recall
def class_recall(net, X, y):
    predicted = net.predict(X)
    correct = np.bincount(y[predicted == y], minlength=net.sizes[-1])
    counts = np.bincount(y, minlength=net.sizes[-1])
    return correct / np.maximum(counts, 1)
