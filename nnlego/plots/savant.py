"""The savant's figures: tile shuffles, correlation maps, the accuracy matrix (chapters 9, 10)."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from ._style import (
    CORRELATION_CMAP,
    IMAGE_CMAP,
    PANEL_INCHES,
    _bare,
    _draw_tile_grid,
    describe_as,
    fitted_norm,
    symmetric_norm,
    weight_cmap,
)


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


CORRELATION_LABEL = "mean Pearson r with right and lower neighbours"


def plot_correlation_map(corr_map, grid=4, *, ax=None, vmin=None, vmax=None, title=None,
                         colorbar=True, scale="fitted"):
    """A ``(side, side)`` adjacent-correlation map with the tile grid drawn over.

    ``scale="fitted"`` (default): a sequential scale from the map's smallest to its largest
    value (or ``vmin``/``vmax``), because correlations of trained weight vectors sit in a narrow
    band (about 0.2 to 0.7) that a -1..1 scale washes out. ``scale="symmetric"``: the blue/red
    scale ``[-vmax, vmax]``, white = 0.
    """
    corr_map = np.asarray(corr_map)
    if scale not in ("fitted", "symmetric"):
        raise ValueError(f"unknown scale {scale!r}; choose 'fitted' or 'symmetric'")
    if ax is None:
        ax = Figure(figsize=(4.2, 3.6), layout="constrained").subplots()
    if scale == "fitted":
        cmap = colormaps[CORRELATION_CMAP].with_extremes(bad="0.85")
        norm = fitted_norm(corr_map, vmin=vmin, vmax=vmax)
    else:
        cmap, norm = weight_cmap(), symmetric_norm(corr_map, vmax=vmax)
    im = ax.imshow(corr_map, cmap=cmap, norm=norm)
    if grid:
        _draw_tile_grid(ax, corr_map.shape, grid, color="white" if scale == "fitted" else "0.15",
                        lw=0.7, ls=(0, (4, 3)))
    _bare(ax)
    ax.set_title(title or CORRELATION_LABEL, fontsize=9)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.85, label=CORRELATION_LABEL)
    return ax


def plot_correlation_maps(maps, grid=4, *, fig=None, scale="fitted") -> Figure:
    """Several correlation maps side by side (``{title: map}``) on one shared scale.

    ``grid`` is one grid for all maps or one per map (a list); the shared scale is fitted to the
    range of all maps together (``scale="symmetric"``: the blue/red ``[-vmax, vmax]``).
    """
    maps = dict(maps)
    grids = list(grid) if isinstance(grid, (list, tuple)) else [grid] * len(maps)
    n_rows = 1 if len(maps) <= 3 else 2        # four maps in a 2 x 2 block: a laptop's column
    n_cols = -(-len(maps) // n_rows)
    fig = fig or Figure(figsize=(3.3 * n_cols + 1.0, 3.4 * n_rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols)).ravel()
    for ax in axes[len(maps):]:
        ax.set_visible(False)
    norm = (fitted_norm if scale == "fitted" else symmetric_norm)(*maps.values())
    for ax, g, (title, corr_map) in zip(axes, grids, maps.items()):
        plot_correlation_map(corr_map, g, ax=ax, vmin=norm.vmin if scale == "fitted" else None,
                             vmax=norm.vmax, title=title, colorbar=False, scale=scale)
    fig.colorbar(axes[0].images[0], ax=list(axes[:len(maps)]), shrink=0.85,
                 label=CORRELATION_LABEL)
    describe_as(fig, (
        "Correlation maps: how alike each pixel's weights are to its neighbours', "
        "tile grid drawn"))
    return fig


def plot_accuracy_matrix(matrix, row_labels, col_labels, *, ax=None, reference=None, title=None,
                         low=None, high=None, colorbar=True):
    """Test accuracies ``matrix[i, j]`` (in [0, 1]) of model i on data j, as a labelled grid.

    ``low`` and ``high`` (same shape: e.g. the worst and best seed) add ``[low, high]`` under
    each value; ``reference`` (same shape) adds the article's number under that. The cells'
    green runs from 0% (white) to 100% on the colour bar beside the grid.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"matrix has shape {matrix.shape} but there are {len(row_labels)} row "
            f"and {len(col_labels)} column labels; give one label per row/column"
        )
    if (low is None) != (high is None):
        raise ValueError("give both low and high (the seed range) or neither")
    if ax is None:
        ax = Figure(
            figsize=(1.9 * len(col_labels) + 1.8, 1.3 * len(row_labels) + 1.2), layout="constrained"
        ).subplots()
    # aspect="auto": a cell takes the width its three lines of text need, not a square
    im = ax.imshow(matrix, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    if colorbar:
        bar = ax.figure.colorbar(im, ax=ax, shrink=0.85, label="test accuracy")
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for (i, j), acc in np.ndenumerate(matrix):
        text = f"{acc:.1%}"
        if low is not None:
            text += f"\n[{np.asarray(low)[i, j]:.1%}, {np.asarray(high)[i, j]:.1%}]"
        if reference is not None:
            text += f"\n(article: {np.asarray(reference)[i, j]:.1%})"
        ax.text(j, i, text, ha="center", va="center", fontsize=11,
                color="white" if acc > 0.6 else "black")
    ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.set_xlabel("tested on")
    ax.set_ylabel("trained on")
    ax.set_title(title or "test accuracy", fontsize=10)
    return ax


def plot_savant_curves(curves, *, article=None, epoch=None, ax=None, title=None):
    """Test accuracy (%) per epoch on each test set: the mean over seeds, shaded from the worst
    to the best seed.

    ``curves`` maps a test set's name to ``(n_seeds, n_epochs)`` accuracies in %
    (:func:`nnlego.articles.savant.curves`); ``article`` maps the same names to the article's
    number, drawn as a dotted line and, at ``epoch`` (1-based), a black cross.
    """
    if ax is None:
        ax = Figure(figsize=(6.0, 3.6), layout="constrained").subplots()
    for color, (name, by_seed) in zip(colormaps["tab10"].colors, curves.items()):
        by_seed = np.asarray(by_seed, dtype=float)
        if by_seed.ndim != 2:
            raise ValueError(f"curves[{name!r}] must be (n_seeds, n_epochs), got {by_seed.shape}")
        epochs = np.arange(1, by_seed.shape[1] + 1)
        ax.plot(epochs, by_seed.mean(axis=0), marker="o", color=color, label=f"tested on {name}")
        ax.fill_between(epochs, by_seed.min(axis=0), by_seed.max(axis=0), color=color, alpha=0.2)
        if article and name in article:
            ax.axhline(article[name], color=color, ls=":", lw=1)
            if epoch is not None:
                ax.plot([epoch], [article[name]], "kx", markersize=9, mew=2)
    if article and epoch is not None:
        ax.plot([], [], "kx", markersize=9, mew=2, label=f"the article, at epoch {epoch}")
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title=title or "learning curves")
    ax.set_xticks(epochs)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_neuron_tiles(images, grid=4, *, highlights=None, titles=None, fig=None) -> Figure:
    """Hidden neurons' weight images ``(n, side, side)`` on one blue/red scale, the tile grid
    drawn over; ``highlights[i]`` (tile indices, row-major) outlines those tiles of image i."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 3:
        raise ValueError(f"images must be (n, side, side) weight images, got {images.shape}; "
                         "use nnlego.bricks.hidden_images(W1)")
    n, side = len(images), images.shape[1]
    fig = fig or Figure(figsize=(n * 1.9 + 0.8, 2.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    norm = symmetric_norm(images)
    tile = side // grid
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap=weight_cmap(), norm=norm)
        _draw_tile_grid(ax, images.shape[1:], grid, color="0.4", lw=0.5)
        for k in (highlights[i] if highlights is not None else ()):
            r, c = divmod(int(k), grid)
            ax.add_patch(Rectangle((c * tile - 0.5, r * tile - 0.5), tile, tile, fill=False,
                                   edgecolor="black", lw=2))
        _bare(ax)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    fig.colorbar(axes[0].images[0], ax=list(axes), shrink=0.85, label="weight")
    describe_as(fig, "Hidden neurons' weight images, tile grid drawn")
    return fig
