"""one_change_run trains with the quadratic cost (Network's default), not the cross-entropy.

loses: test_one_change_run
"""
# ruff: noqa: F821


# %% replaces: one_change_run
def one_change_run(scheme, X, y, *, l2, n_hidden=30, n_epochs=5, lr=0.5, batch_size=10, rng):
    sizes = [X.shape[1], n_hidden, 10]
    net = nnlego.Network(sizes, rng=rng, dtype=np.float64)
    net.weights = [scheme(n_in, n_out, rng=rng) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    curve = [blank_weight(net.weights[0], X)]
    nnlego.train(net, X, y, n_epochs=n_epochs, batch_size=batch_size, lr=lr, l2=l2,
                 callback=lambda epoch, history: curve.append(blank_weight(net.weights[0], X)),
                 rng=rng)
    return net, np.array(curve)
