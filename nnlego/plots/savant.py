"""The savant's figures: tile shuffles, correlation maps, the accuracy matrix (chapters 9, 10)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._style import IMAGE_CMAP, PANEL_INCHES, _bare, _draw_tile_grid, symmetric_norm, weight_cmap


def plot_tile_shuffle(originals, shuffled, grid=4, *, titles=None, fig=None) -> Figure:
    """Original images (top row) above their tile-shuffled versions, the tile grid drawn over."""
    originals, shuffled = np.asarray(originals), np.asarray(shuffled)
    if originals.ndim != 3 or originals.shape != shuffled.shape:
        raise ValueError(
            f"originals and shuffled must be (n, height, width) stacks of the same "
            f"shape, got {originals.shape} and {shuffled.shape}"
        )
    n = len(originals)
    fig = fig or Figure(
        figsize=(n * PANEL_INCHES + 0.8, 2 * PANEL_INCHES + 0.6), layout="constrained"
    )
    axes = fig.subplots(2, n, squeeze=False)
    for row, stack in enumerate((originals, shuffled)):
        for i, ax in enumerate(axes[row]):
            ax.imshow(stack[i], cmap=IMAGE_CMAP, vmin=0, vmax=max(1.0, float(stack.max())))
            _draw_tile_grid(ax, stack.shape[1:], grid, color="tab:orange", lw=0.8)
            _bare(ax)
            if row == 0 and titles is not None:
                ax.set_title(titles[i], fontsize=9)
        axes[row, 0].set_ylabel(("original", "shuffled")[row])
    return fig


def plot_correlation_map(corr_map, grid=4, *, ax=None, vmax=None, title=None, colorbar=True):
    """A ``(side, side)`` adjacent-correlation map, white = 0, with the tile grid drawn over."""
    corr_map = np.asarray(corr_map)
    if ax is None:
        ax = Figure(figsize=(4.2, 3.6), layout="constrained").subplots()
    im = ax.imshow(corr_map, cmap=weight_cmap(), norm=symmetric_norm(corr_map, vmax=vmax))
    if grid:
        _draw_tile_grid(ax, corr_map.shape, grid, color="0.15", lw=0.7, ls=(0, (4, 3)))
    _bare(ax)
    ax.set_title(title or "mean correlation with right and lower neighbours", fontsize=9)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.85, label="Pearson r of weight vectors")
    return ax


def plot_correlation_maps(maps, grid=4, *, fig=None) -> Figure:
    """Several correlation maps side by side (``{title: map}``) on one shared scale."""
    maps = dict(maps)
    fig = fig or Figure(figsize=(3.3 * len(maps) + 1.0, 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    norm = symmetric_norm(*maps.values())
    for ax, (title, corr_map) in zip(axes, maps.items()):
        plot_correlation_map(corr_map, grid, ax=ax, vmax=norm.vmax, title=title, colorbar=False)
    fig.colorbar(axes[0].images[0], ax=list(axes), shrink=0.85, label="Pearson r of weight vectors")
    return fig


def plot_accuracy_matrix(matrix, row_labels, col_labels, *, ax=None, reference=None, title=None):
    """Test accuracies ``matrix[i, j]`` (in [0, 1]) of model i on data j, as a labelled grid.

    ``reference`` (same shape) adds the article's numbers under ours in each cell.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"matrix has shape {matrix.shape} but there are {len(row_labels)} row "
            f"and {len(col_labels)} column labels; give one label per row/column"
        )
    if ax is None:
        ax = Figure(
            figsize=(1.9 * len(col_labels) + 1.8, 1.3 * len(row_labels) + 1.2), layout="constrained"
        ).subplots()
    ax.imshow(matrix, cmap="Greens", vmin=0, vmax=1)
    for (i, j), acc in np.ndenumerate(matrix):
        text = f"{acc:.1%}"
        if reference is not None:
            text += f"\n(article: {np.asarray(reference)[i, j]:.1%})"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=10,
            color="white" if acc > 0.6 else "black",
        )
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.set_xlabel("tested on")
    ax.set_ylabel("trained on")
    ax.set_title(title or "test accuracy", fontsize=10)
    return ax


