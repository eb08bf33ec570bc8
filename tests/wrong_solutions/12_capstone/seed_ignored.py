"""run_capstone that ignores its seed and always draws from np.random.default_rng(0): part 4's
run (seed 0) is right, but every other seed gives the same numbers.

loses: test_numbers
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    rng = np.random.default_rng(0)
    chosen = rng.random(len(X)) < p
    X_train = np.array(X, copy=True)
    if chosen.any():
        X_train[chosen] = derange_images(X[chosen], grid, rng=rng)[0]
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
