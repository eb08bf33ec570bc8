"""The solution with another choice of the menu: 7 x 7 tiles instead of the 16 hidden neurons
(and a run_capstone that draws the training images to derange by index, not by mask). The
experiment's numbers are compared with nnlego's run of the same choice, within its own bands.
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    rng = np.random.default_rng(seed)
    picked = np.flatnonzero(rng.random(len(X)) < p)         # the indices of the images to derange
    X_train = np.array(X, copy=True)
    if picked.size:
        X_train[picked] = derange_images(X[picked], grid, rng=rng)[0]
    X_test_shuffled = derange_images(X_test, grid, rng=rng)[0]
    recipe = savant.ORIGINAL
    with single_thread():
        net = nnlego.Network([X.shape[1], n_hidden, 10], list(recipe.activations), recipe.cost,
                             recipe.init, rng=rng)
        nnlego.train(net, X_train, y, n_epochs=n_epochs, batch_size=recipe.batch_size,
                     lr=recipe.lr, optimizer=recipe.optimizer, rng=rng)
    return {"accuracy_original": net.accuracy(X_test, y_test),
            "accuracy_shuffled": net.accuracy(X_test_shuffled, y_test),
            "grid_score": grid_score(net.weights[0], grid), "net": net}


# %% replaces: experiment_choice
EXPERIMENT = {"grid": 7}
