"""The verdict's figures: partial use, knock-outs, negative drive, matched neurons (chapter 6).

Inputs come from :mod:`nnlego.brick_use` and :mod:`nnlego.matching`; nothing is computed here
beyond sorting and averaging. Knock-out drops are not weights, so they use their own diverging
map (``DROP_CMAP``: orange = the digit gets worse, purple = better), never blue/red.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ._style import symmetric_norm

DROP_CMAP = "PuOr_r"  # high (a drop: the digit gets worse) = orange, 0 = white, low = purple
USE_COLOURS = ("0.8", "tab:orange", "0.15")  # near 0, in between, near 1


def plot_activation_use(use, *, fig=None) -> Figure:
    """Left: every hidden activation on every input, one histogram; right: per neuron, the
    shares near 0, in between and near 1 (a :class:`nnlego.brick_use.ActivationUse`)."""
    fig = fig or Figure(figsize=(10, 3.6), layout="constrained")
    ax_hist, ax_bars = fig.subplots(1, 2, width_ratios=[1, 1.6])
    ax_hist.hist(np.ravel(use.activations), bins=50, range=(0, 1), color="0.4")
    for threshold in (use.low, use.high):
        ax_hist.axvline(threshold, color="tab:orange", ls="--", lw=1)
    ax_hist.set(xlabel="hidden activation", ylabel="count (neurons x inputs)",
                title="all activations")
    neurons = np.arange(len(use.near_zero))
    bottom = np.zeros(len(neurons))
    labels = (f"near 0 (< {use.low:g})", "in between", f"near 1 (> {use.high:g})")
    for share, colour, label in zip((use.near_zero, use.between, use.near_one), USE_COLOURS,
                                    labels):
        ax_bars.bar(neurons, share, bottom=bottom, color=colour, label=label, width=0.85)
        bottom = bottom + share
    ax_bars.set(xlabel="hidden neuron", ylabel="share of inputs", ylim=(0, 1),
                title="how each neuron is used")
    ax_bars.set_xticks(neurons[::max(1, len(neurons) // 15)])
    ax_bars.legend(fontsize=8, loc="upper right", framealpha=0.9)
    return fig


def plot_digit_use(on_share, *, ax=None, title=None):
    """``on_share (n_hidden, n_classes)`` (from ``brick_use.digit_use``) as a neurons x digits
    map from white (never on for that digit) to black (always on); grey cells are partial use."""
    on_share = np.asarray(on_share, dtype=float)
    if on_share.ndim != 2:
        raise ValueError(f"on_share must be (n_hidden, n_classes), got shape {on_share.shape}; "
                         "pass digit_use(net, X, y)")
    if ax is None:
        ax = Figure(figsize=(4.6, 0.2 * len(on_share) + 1.6), layout="constrained").subplots()
    im = ax.imshow(on_share, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(on_share.shape[1]))
    ax.set_yticks(range(0, len(on_share), max(1, len(on_share) // 15)))
    ax.set(xlabel="digit", ylabel="hidden neuron",
           title=title or "how often each neuron is on, per digit")
    ax.figure.colorbar(im, ax=ax, shrink=0.85, label="share of the digit's images")
    return ax


def plot_knockout_drops(drops, *, ax=None, annotate_above=0.05, title=None):
    """``drops (n_hidden, n_classes)`` (from ``knockout_drops``) as a neurons x digits heat map in
    percentage points; cells with ``|drop| >= annotate_above`` are labelled."""
    drops = np.asarray(drops, dtype=float)
    if drops.ndim != 2:
        raise ValueError(f"drops must be (n_hidden, n_classes), got shape {drops.shape}; "
                         "pass knockout_drops(net, X, y)")
    if ax is None:
        ax = Figure(figsize=(4.6, 0.2 * len(drops) + 1.6), layout="constrained").subplots()
    points = 100 * drops
    im = ax.imshow(points, cmap=DROP_CMAP, norm=symmetric_norm(points), aspect="auto")
    for (j, d), value in np.ndenumerate(points):
        if abs(value) >= 100 * annotate_above:
            ax.text(d, j, f"{value:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(drops.shape[1]))
    ax.set_yticks(range(0, len(drops), max(1, len(drops) // 15)))
    ax.set(xlabel="digit", ylabel="hidden neuron knocked out",
           title=title or "accuracy drop per digit, one neuron out")
    ax.figure.colorbar(im, ax=ax, shrink=0.85, label="drop (percentage points)")
    return ax


def plot_top_vs_random(comparisons, *, ax=None, title=None):
    """Per digit, the drop from knocking out its top-k blue bricks (dot) against k random
    neurons (box of ``random_drops``). ``comparisons`` maps digit -> ``KnockoutComparison``."""
    if ax is None:
        ax = Figure(figsize=(6.5, 3.6), layout="constrained").subplots()
    digits = list(comparisons)
    ax.boxplot([100 * np.asarray(comparisons[d].random_drops) for d in digits],
               positions=range(len(digits)), widths=0.5, showfliers=False)
    ax.plot(range(len(digits)), [100 * comparisons[d].top_drop for d in digits], "o",
            color="tab:blue", label="top blue bricks out")
    ax.set_xticks(range(len(digits)), [str(d) for d in digits])
    k = len(comparisons[digits[0]].top_neurons) if digits else 0
    ax.set(xlabel="digit", ylabel="accuracy drop (percentage points)",
           title=title or f"top {k} blue bricks vs {k} random neurons (box)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_negative_drive(drives, *, ax=None, title=None):
    """Per digit, the share of an output's drive from negative terms (red bricks), one bar per
    network; ``drives`` maps a label (e.g. ``"seed 0"``) -> ``NegativeDrive``. A line at 1/2."""
    if ax is None:
        ax = Figure(figsize=(6.5, 3.4), layout="constrained").subplots()
    width = 0.8 / max(1, len(drives))
    for i, (label, drive) in enumerate(drives.items()):
        shares = 100 * np.asarray(drive.negative_drive_share)
        ax.bar(np.arange(len(shares)) + (i - (len(drives) - 1) / 2) * width, shares, width,
               label=label, color=colormaps["Reds"](0.45 + 0.45 * i / max(1, len(drives) - 1)))
    ax.axhline(50, color="0.3", lw=0.8, ls="--")
    n_classes = len(next(iter(drives.values())).negative_drive_share) if drives else 0
    ax.set_xticks(range(n_classes))
    ax.set(xlabel="digit", ylabel="drive from red bricks (%)", ylim=(0, 100),
           title=title or "How much of each output's drive comes from bricks it dislikes")
    ax.legend(fontsize=8)
    return ax


def plot_matched_correlations(conditions, *, ax=None, title=None):
    """Matched correlations sorted from best to worst pair, one line per condition.

    ``conditions`` maps a label (e.g. ``"trained, seed 0 vs 1"``, ``"untrained"``,
    ``"pixel-shuffled"``) to ``(n_hidden,)`` correlations, or ``(n_pairs, n_hidden)`` for several
    pairs of networks: then the line is the mean over pairs of each rank, the band min to max.
    """
    if ax is None:
        ax = Figure(figsize=(6.5, 3.6), layout="constrained").subplots()
    for label, correlations in conditions.items():
        ranked = -np.sort(-np.atleast_2d(np.asarray(correlations, dtype=float)), axis=1)
        ranks = np.arange(1, ranked.shape[1] + 1)
        line, = ax.plot(ranks, ranked.mean(axis=0), marker=".",
                        label=f"{label} (mean r = {ranked.mean():.2f})")
        if len(ranked) > 1:
            ax.fill_between(ranks, ranked.min(axis=0), ranked.max(axis=0), alpha=0.2,
                            color=line.get_color())
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set(xlabel="matched pair (best first)", ylabel="Pearson r of weight images",
           ylim=(-0.2, 1.0), title=title or "Do two networks learn the same bricks?")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
