"""Training curves (chapter 8): one column per cost function, accuracy in %, bad input refused."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlego import History, plots


def _history(acc, loss, test_loss=None):
    return History(train_loss=list(loss), eval_accuracy={"test": list(acc)},
                   eval_loss={"test": list(test_loss if test_loss is not None else loss)})


@pytest.fixture
def runs():
    """Two quadratic-cost runs and one cross-entropy run with different losses and accuracies."""
    return {"quad a": _history([0.5, 0.9], [0.20, 0.10]),
            "quad b": _history([0.6, 0.8], [0.25, 0.15]),
            "ce": _history([0.7, 0.95], [1.5, 0.5], test_loss=[1.2, 0.4])}


PANELS = {"quad a": "quadratic", "quad b": "quadratic", "ce": "cross-entropy"}


def test_one_column_per_panel_title_each_run_in_its_own_column(runs):
    """2 rows x 2 columns; the quadratic column holds 2 runs, the cross-entropy column 1."""
    fig = plots.plot_training_curves(runs, panels=PANELS)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    loss_quad, loss_ce, acc_quad, acc_ce = fig.axes
    assert [loss_quad.get_title(), loss_ce.get_title()] == ["quadratic", "cross-entropy"]
    assert [line.get_label() for line in loss_quad.lines] == ["quad a", "quad b"]
    assert [line.get_label() for line in acc_ce.lines] == ["ce"]
    np.testing.assert_allclose(loss_ce.lines[0].get_ydata(), [1.5, 0.5])
    assert acc_quad.get_ylabel() == "accuracy (%)"


def test_accuracy_is_drawn_in_percent_on_one_shared_scale(runs):
    """Accuracies 0.5 -> 50; both accuracy panels show the same y range."""
    fig = plots.plot_training_curves(runs, panels=PANELS)
    _, _, acc_quad, acc_ce = fig.axes
    np.testing.assert_allclose(acc_quad.lines[0].get_ydata(), [50, 90])
    np.testing.assert_allclose(acc_ce.lines[0].get_ydata(), [70, 95])
    assert acc_quad.get_ylim() == acc_ce.get_ylim()
    assert acc_quad.get_ylim()[0] <= 50 and acc_quad.get_ylim()[1] >= 95


def test_a_run_keeps_its_colour_across_columns_and_runs_differ(runs):
    """Each run's loss and accuracy lines share a colour; the two quadratic runs differ."""
    fig = plots.plot_training_curves(runs, panels=PANELS)
    loss_quad, loss_ce, acc_quad, acc_ce = fig.axes
    assert loss_quad.lines[0].get_color() == acc_quad.lines[0].get_color()
    assert loss_ce.lines[0].get_color() == acc_ce.lines[0].get_color()
    assert loss_quad.lines[0].get_color() != loss_quad.lines[1].get_color()


def test_loss_can_be_an_evaluation_sets_cost(runs):
    """loss="test" draws eval_loss["test"] (the cost without the L2 penalty)."""
    fig = plots.plot_training_curves(runs, panels=PANELS, loss="test")
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), [1.2, 0.4])
    assert fig.axes[1].get_ylabel() == "test loss"


def test_without_panels_every_run_shares_one_column(runs):
    """panels=None: one loss and one accuracy panel holding all three runs; dicts work too."""
    fig = plots.plot_training_curves({**runs, "as dict": runs["ce"].to_dict()})
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 4 and len(acc_ax.lines) == 4


@pytest.mark.parametrize("kwargs, message", [
    ({"panels": {"quad a": "quadratic"}}, "no column for the runs ['quad b', 'ce']"),
    ({"loss": "validation"}, "choose 'train' or one of ['test']"),
])
def test_bad_panels_or_loss_are_refused_with_the_fix(runs, kwargs, message):
    """A run without a column, or a loss no run has, raises ValueError saying what to pass."""
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        plots.plot_training_curves(runs, **kwargs)
