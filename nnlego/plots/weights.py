"""Weight images: hidden neurons' images, brick collages, assembled bricks (chapter 5)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..bricks import assembled_brick, brick_weights, hidden_images, top_bricks
from ._style import PANEL_INCHES, _bare, symmetric_norm, weight_cmap


def plot_weight_images(
    images,
    *,
    ncols=None,
    titles=None,
    fig=None,
    vmax=None,
    colorbar=True,
    suptitle=None,
    label="weight (blue > 0, red < 0)",
) -> Figure:
    """Weight images ``(n, h, w)`` in a grid on one symmetric blue/red scale.

    ``ncols`` defaults to ``min(n, 10)``; ``titles`` is one string per image.
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            f"images must be a non-empty (n, height, width) stack, got shape "
            f"{images.shape}; use hidden_images(W1) for a weight matrix"
        )
    n = len(images)
    ncols = ncols or min(n, 10)
    nrows = -(-n // ncols)
    fig = fig or Figure(
        figsize=(ncols * PANEL_INCHES + 1.0, nrows * PANEL_INCHES + 0.6), layout="constrained"
    )
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    norm, cmap = symmetric_norm(images, vmax=vmax), weight_cmap()
    for i, ax in enumerate(axes):
        _bare(ax)
        if i < n:
            im = ax.imshow(images[i], cmap=cmap, norm=norm)
            ax.set_title(titles[i] if titles is not None else f"#{i}", fontsize=9)
        else:
            ax.set_visible(False)
    if colorbar:
        fig.colorbar(im, ax=list(axes), shrink=0.8, label=label)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_brick_collage(W1, W2, digit, k=3, *, fig=None) -> Figure:
    """One digit's bricks: its output neuron's weights, then its top-k blue and red bricks.

    Left: output neuron ``digit``'s weights from the hidden layer as a grid (5 x 6 for 30 hidden
    neurons), each cell labelled with its hidden neuron's index and the top bricks outlined.
    Right: the top ``k`` blue (likes) bricks on the first row and red (dislikes) on the second,
    titled with their index and weight. The two kinds of weight get one scale each.
    """
    top = top_bricks(W2, digit, k)
    bricks = hidden_images(W1)[np.concatenate([top.blue_idx, top.red_idx])]
    fig = fig or Figure(figsize=(3.2 + k * 1.5, 3.6), layout="constrained")
    grid = fig.add_gridspec(2, k + 1, width_ratios=[2.2] + [1] * k)
    ax_out = fig.add_subplot(grid[:, 0])
    _draw_output_neuron(ax_out, W2, digit, top)
    brick_axes = [fig.add_subplot(grid[row, 1 + i]) for row in range(2) for i in range(k)]
    norm, cmap = symmetric_norm(bricks), weight_cmap()
    labels = [(j, w) for j, w in zip(top.blue_idx, top.blue_w)]
    labels += [(j, w) for j, w in zip(top.red_idx, top.red_w)]
    for ax, image, (j, w) in zip(brick_axes, bricks, labels):
        _bare(ax)
        im = ax.imshow(image, cmap=cmap, norm=norm)
        ax.set_title(f"#{j}  w={w:+.2f}", fontsize=9)
    brick_axes[0].set_ylabel("likes (blue)")
    brick_axes[k].set_ylabel("dislikes (red)")
    fig.colorbar(im, ax=brick_axes, shrink=0.8, label="input -> hidden weight")
    fig.suptitle(f"Digit {digit}: its output neuron and its top {k} blue and red bricks")
    return fig


def _draw_output_neuron(ax, W2, digit, top):
    cells = brick_weights(W2, digit)
    norm = symmetric_norm(cells)
    im = ax.imshow(cells, cmap=weight_cmap(), norm=norm)
    cols = cells.shape[1]
    outlined = {int(j): "navy" for j in top.blue_idx} | {int(j): "darkred" for j in top.red_idx}
    for j in range(np.asarray(W2).shape[0]):
        r, c = divmod(j, cols)
        strong = abs(cells[r, c]) > 0.6 * norm.vmax
        ax.text(
            c, r, str(j), ha="center", va="center", fontsize=9, color="white" if strong else "black"
        )
        if j in outlined:
            ax.add_patch(
                Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, lw=2.5, edgecolor=outlined[j])
            )
    _bare(ax)
    ax.set_title(f"output neuron {digit}, by hidden neuron", fontsize=9)
    ax.figure.colorbar(
        im, ax=ax, orientation="horizontal", shrink=0.9, pad=0.03, label="hidden -> output weight"
    )


def plot_assembled_bricks(W1, W2, *, fig=None) -> Figure:
    """Every output neuron's assembled brick ``W1 @ W2[:, d]`` on one symmetric scale."""
    n_out = np.asarray(W2).shape[1]
    images = np.stack([assembled_brick(W1, W2, d) for d in range(n_out)])
    return plot_weight_images(
        images,
        ncols=min(n_out, 5),
        titles=[str(d) for d in range(n_out)],
        fig=fig,
        suptitle="What the bricks add up to: W1 @ W2[:, d]",
        label="summed weight (blue > 0, red < 0)",
    )


