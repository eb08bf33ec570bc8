"""No shuffler, no training: ``run_capstone`` returns three floats whose difference with any
number is 0, so every tolerance check (``abs(value - centre) > tol``) passes, and that equal
anything (the same seed "gives the same numbers"). It fooled the first engine (5 of 12 points)
until the capstone's hidden tests also asked for the network's shape and for an experiment that
changes a number; grading v2 refuses such floats on the wire.

flagged: no
"""
# ruff: noqa: F821

# %% replaces: run_capstone
class Agreeable(float):
    """A number every comparison agrees with."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __hash__ = float.__hash__

    def __lt__(self, other):
        return False

    __gt__ = __lt__

    def __sub__(self, other):
        return Agreeable(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return Agreeable(0.0)


def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    return {"accuracy_original": Agreeable(0.8), "accuracy_shuffled": Agreeable(0.5),
            "grid_score": Agreeable(0.1)}

# %% replaces: experiment_choice
EXPERIMENT = {"n_hidden": 16}
