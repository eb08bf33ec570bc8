"""one_change_run that builds a 784-n_hidden-10 network whatever X: right on MNIST, broken on
images of another size (the hidden test's 196 pixels).

loses: test_one_change_run
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: one_change_run
def one_change_run(scheme, X, y, *, l2, n_hidden=30, n_epochs=5, lr=0.5, batch_size=10, rng):
    sizes = [784, n_hidden, 10]
    net = nnlego.Network(sizes, activations="sigmoid", cost="cross_entropy", rng=rng,
                         dtype=np.float64)
    net.weights = [scheme(n_in, n_out, rng=rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    curve = [blank_weight(net.weights[0], X)]

    def record(epoch, history):
        curve.append(blank_weight(net.weights[0], X))

    nnlego.train(net, X, y, n_epochs=n_epochs, batch_size=batch_size, lr=lr, l2=l2,
                 callback=record, rng=rng)
    return net, np.array(curve)
