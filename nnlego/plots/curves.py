"""Curves: training histories and the hidden-size sweep (chapters 4, 7, 8)."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ._style import _field


def plot_training_curves(histories, *, fig=None) -> Figure:
    """Training loss (left) and evaluation accuracy (right) per epoch, one colour per run.

    ``histories`` maps a run's name to a :class:`nnlego.History` (or its ``to_dict()``).
    """
    fig = fig or Figure(figsize=(9, 3.4), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    styles = ["-", "--", ":", "-."]
    for color, (name, history) in zip(colormaps["tab10"].colors, histories.items()):
        loss = _field(history, "train_loss")
        ax_loss.plot(range(1, len(loss) + 1), loss, color=color, label=name)
        for style, (set_name, acc) in zip(styles, _field(history, "eval_accuracy").items()):
            ax_acc.plot(
                range(1, len(acc) + 1), acc, color=color, ls=style, label=f"{name} ({set_name})"
            )
    ax_loss.set(xlabel="epoch", ylabel="training loss", title="training loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="evaluation accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig



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
