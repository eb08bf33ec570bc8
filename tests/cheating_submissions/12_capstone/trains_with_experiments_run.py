"""Skip the shuffler altogether: run_capstone hands the whole run to nnlego's experiment runner
(savant.ONCE on the same subset, which deranges with nnlego's own tiles functions) and reads
the numbers off its result; the notebook's other answers stay as released.
"""
# ruff: noqa: F821

# %% replaces: run_capstone
import dataclasses

from nnlego import experiments


def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    settings = dataclasses.replace(savant.ONCE, n_train=len(X), n_epochs=n_epochs, grid=grid,
                                   derange="once" if p > 0 else "none",
                                   sizes=(784, n_hidden, 10))
    result = experiments.run(settings, seed=seed, cache=False)
    return {"accuracy_original": result.metrics["test"],
            "accuracy_shuffled": result.metrics["test_shuffled"],
            "grid_score": correlation.grid_score(result.net.weights[0], grid).score,
            "net": result.net}
