"""Every piece handed to nnlego's own implementation.

loses: test_sgd_step test_regularised_cost test_train_sgd
"""
import numpy as np

import nnlego


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    grads = [g + l2 * W for g, W in zip(grads_W, weights)] + list(grads_b)
    nnlego.SGD(lr).step(list(weights) + list(biases), grads)


# %% replaces: regularised_cost
def regularised_cost(weights, biases, X, Y, *, l2):
    sizes = [W.shape[0] for W in weights] + [weights[-1].shape[1]]
    net = nnlego.Network(sizes, rng=np.random.default_rng(0), dtype=np.float64)
    net.weights, net.biases = list(weights), list(biases)
    return net.loss(X, Y.argmax(axis=1), l2=l2)


# %% replaces: train_sgd
def train_sgd(weights, biases, X, y, *, n_epochs, batch_size, lr, l2, rng):
    sizes = [W.shape[0] for W in weights] + [weights[-1].shape[1]]
    net = nnlego.Network(sizes, rng=np.random.default_rng(0), dtype=np.float64)
    net.weights, net.biases = weights, biases
    nnlego.train(net, X, y, n_epochs=n_epochs, batch_size=batch_size, lr=lr, l2=l2, rng=rng)
