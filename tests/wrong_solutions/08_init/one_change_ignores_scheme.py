"""one_change_run keeps nnlego's default init (N(0, 1/n_in)) instead of the scheme it is given.

loses: test_one_change_run
"""
# ruff: noqa: F821


# %% replaces: one_change_run
def one_change_run(scheme, X, y, *, l2, n_hidden=30, n_epochs=5, lr=0.5, batch_size=10, rng):
    net = nnlego.Network([X.shape[1], n_hidden, 10], activations="sigmoid", cost="cross_entropy",
                         rng=rng, dtype=np.float64)
    curve = [blank_weight(net.weights[0], X)]
    nnlego.train(net, X, y, n_epochs=n_epochs, batch_size=batch_size, lr=lr, l2=l2,
                 callback=lambda epoch, history: curve.append(blank_weight(net.weights[0], X)),
                 rng=rng)
    return net, np.array(curve)
