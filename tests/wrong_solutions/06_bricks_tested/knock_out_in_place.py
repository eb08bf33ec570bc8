"""knock_out that zeroes the rows of W2 in the network it was given (no copy): every later
knock-out of that network starts from the earlier ones.

loses: test_knock_out
"""
import numpy as np


# %% replaces: knock_out
def knock_out(net, neurons):
    net.weights[1][np.asarray(neurons, dtype=int), :] = 0
    return net
