"""Curves: training histories and the hidden-size sweep (chapters 4, 7, 8)."""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ._style import _field


def plot_training_curves(histories, *, panels=None, loss="train", fig=None) -> Figure:
    """Loss (top row) and accuracy in % (bottom row) per epoch, one column per group of runs.

    ``histories`` maps a run's name to a :class:`nnlego.History` (or its ``to_dict()``).
    ``panels`` maps every run's name to the title of its column, e.g. its cost function, so a
    loss is only drawn beside losses of the same cost (each column's loss has its own scale);
    None puts every run in one column. ``loss`` is ``"train"`` (the training loss, with a
    regularised run's L2 penalty) or an evaluation set's name such as ``"test"`` (the cost
    alone). One colour per run in every panel, one line style per evaluation set; the accuracy
    panels share one scale.
    """
    groups = _panel_groups(histories, panels)
    for name, history in histories.items():
        _loss_curve(name, history, loss)            # refuse a bad ``loss`` before drawing
    fig = fig or Figure(figsize=(0.8 + 3.8 * len(groups), 5.6), layout="constrained")
    axes = fig.subplots(2, len(groups), squeeze=False)
    colors = dict(zip(histories, itertools.cycle(colormaps["tab10"].colors)))
    for (title, names), ax_loss, ax_acc in zip(groups.items(), axes[0], axes[1]):
        for name in names:
            _draw_run(ax_loss, ax_acc, name, histories[name], loss, colors[name])
        ax_loss.set(xlabel="epoch", ylabel=_LOSS_LABEL.get(loss, f"{loss} loss"), title=title)
        ax_acc.set(xlabel="epoch", ylabel="accuracy (%)")
        if ax_acc is not axes[1, 0]:
            ax_acc.sharey(axes[1, 0])
        for ax in (ax_loss, ax_acc):
            ax.grid(alpha=0.3)
        ax_acc.legend(fontsize=8, loc="lower right")
    return fig


_LOSS_LABEL = {"train": "training loss"}
_STYLES = ["-", "--", ":", "-."]


def _panel_groups(histories, panels):
    """``{column title: [run names]}`` in the order the runs come."""
    if panels is None:
        return {"": list(histories)}
    missing = [name for name in histories if name not in panels]
    if missing:
        raise ValueError(f"panels has no column for the runs {missing}; give every run of "
                         f"histories a title, e.g. panels={{{missing[0]!r}: 'cross-entropy'}}, "
                         "or pass panels=None for one column")
    groups = {}
    for name in histories:
        groups.setdefault(panels[name], []).append(name)
    return groups


def _loss_curve(name, history, loss):
    if loss == "train":
        return _field(history, "train_loss")
    eval_loss = _field(history, "eval_loss")
    if loss not in eval_loss:
        raise ValueError(f"loss={loss!r} but run {name!r} has no such evaluation set; choose "
                         f"'train' or one of {sorted(eval_loss)}")
    return eval_loss[loss]


def _draw_run(ax_loss, ax_acc, name, history, loss, color):
    curve = _loss_curve(name, history, loss)
    ax_loss.plot(range(1, len(curve) + 1), curve, color=color, label=name)
    accuracies = _field(history, "eval_accuracy")
    for style, (set_name, acc) in zip(_STYLES, accuracies.items()):
        label = name if len(accuracies) == 1 else f"{name} ({set_name})"
        ax_acc.plot(range(1, len(acc) + 1), 100 * np.asarray(acc, dtype=float), color=color,
                    ls=style, label=label)


def plot_hidden_size_sweep(sweeps, reference=None, *, ax=None, title=None):
    """Test accuracy (%) against the hidden layer's size, one line per setup.

    ``sweeps`` maps a setup's name to ``{n_hidden: [accuracy per seed, in %]}``: the mean is
    drawn with a bar from the worst to the best seed. ``reference`` maps ``n_hidden`` to the
    article's single number, drawn as black crosses.
    """
    if ax is None:
        ax = Figure(figsize=(6.5, 3.8), layout="constrained").subplots()
    for i, (name, by_size) in enumerate(sweeps.items()):
        sizes = sorted(by_size)
        runs = [np.asarray(by_size[n], dtype=float) for n in sizes]
        mean = np.array([r.mean() for r in runs])
        spread = np.array([[m - r.min(), r.max() - m] for m, r in zip(mean, runs)]).T
        x = np.arange(len(sizes)) + (i - (len(sweeps) - 1) / 2) * 0.12
        ax.errorbar(x, mean, yerr=spread, marker="o", capsize=4, label=f"{name} (seed range)")
    if reference:
        sizes = sorted(next(iter(sweeps.values()))) if sweeps else sorted(reference)
        xs = [sizes.index(n) for n in reference if n in sizes]
        ys = [reference[n] for n in reference if n in sizes]
        ax.plot(xs, ys, "kx", markersize=9, mew=2, label="the article")
    ax.set_xticks(range(len(sizes)), [str(n) for n in sizes])
    ax.set(xlabel="hidden neurons", ylabel="test accuracy (%)", ylim=(0, 100),
           title=title or "How small can the hidden layer be?")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax
