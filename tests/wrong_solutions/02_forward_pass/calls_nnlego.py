"""Every piece handed to nnlego's own implementation.

loses: test_sigmoid test_sigmoid_prime test_forward
"""
import numpy as np

import nnlego

# %% replaces: sigmoid
sigmoid = nnlego.sigmoid


# %% replaces: sigmoid_prime
def sigmoid_prime(z):
    return nnlego.sigmoid_prime(z)


# %% replaces: forward
def forward(weights, biases, X):
    sizes = [W.shape[0] for W in weights] + [weights[-1].shape[1]]
    net = nnlego.Network(sizes, rng=np.random.default_rng(0), dtype=np.float64)
    net.weights, net.biases = list(weights), list(biases)
    return net.forward(X)
