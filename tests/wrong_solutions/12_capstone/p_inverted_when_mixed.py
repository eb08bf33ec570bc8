"""run_capstone that deranges the images it should leave alone when 0 < p < 1 (``> p`` for
``< p``): part 4 (p=1) and the hidden runs (p=0, p=1) are right, but the experiment p=0.1
trains on 90% deranged images. Its numbers move from part 4's and are finite, so only a
comparison with nnlego's run of the same choice catches it.

loses: test_experiment
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    rng = np.random.default_rng(seed)
    draws = rng.random(len(X))
    chosen = draws < p if p in (0.0, 1.0) else draws > p
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


# %% replaces: experiment_choice
EXPERIMENT = {"p": 0.1}
