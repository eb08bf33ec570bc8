"""knock_out that silences a neuron's incoming weights and bias (W1 columns, b1) instead of its
outgoing weights: the neuron then outputs sigmoid(0) = 0.5 on every image, not 0.

loses: test_knock_out
"""
import numpy as np


# %% replaces: knock_out
def knock_out(net, neurons):
    silenced = net.copy()
    neurons = np.asarray(neurons, dtype=int)
    silenced.weights[0][:, neurons] = 0
    silenced.biases[0][neurons] = 0
    return silenced
