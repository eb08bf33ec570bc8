"""run_capstone that never shuffles the training images (p is ignored): it trains the article's
network on original images and tests it on shuffled ones, the article's first row, not the savant.

loses: test_numbers
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    rng = np.random.default_rng(seed)
    X_test_shuffled = derange_images(X_test, grid, rng=rng)[0]
    recipe = savant.ORIGINAL
    with single_thread():
        net = nnlego.Network([784, n_hidden, 10], list(recipe.activations), recipe.cost,
                             recipe.init, rng=rng)
        nnlego.train(net, X, y, n_epochs=n_epochs, batch_size=recipe.batch_size, lr=recipe.lr,
                     optimizer=recipe.optimizer, rng=rng)
    return {"accuracy_original": net.accuracy(X_test, y_test),
            "accuracy_shuffled": net.accuracy(X_test_shuffled, y_test),
            "grid_score": grid_score(net.weights[0], grid), "net": net}
