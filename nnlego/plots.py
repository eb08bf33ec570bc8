"""Every figure of the book: weight images, brick collages, tile shuffles, correlation maps, curves.

Conventions
-----------
- The articles' colours: blue = positive weight ("likes"), red = negative ("dislikes"),
  white = zero, on the diverging map ``WEIGHT_CMAP`` ("RdBu": low = red, high = blue) with one
  symmetric scale ``[-vmax, vmax]`` per kind of weight in a figure (``vmax`` = the largest
  ``|w|`` shown), and a colourbar. NaN cells (padding) are left light grey.
- Functions take an optional ``fig`` or ``ax`` and return the Figure or Axes they drew on. A new
  figure is a bare :class:`matplotlib.figure.Figure`: no pyplot, no global state, no interactive
  backend, so the module is safe headless and never calls ``plt.show()``. Display one in a
  notebook by ending the cell with it (or ``display(fig)``); save it with ``fig.savefig(path)``.
- Nothing expensive is computed here: pass in trained weights, maps and histories.

Book: every chapter.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .bricks import assembled_brick, brick_weights, hidden_images, top_bricks

WEIGHT_CMAP = "RdBu"  # low = red, 0 = white, high = blue
IMAGE_CMAP = "gray_r"  # data images: ink dark on white paper
PANEL_INCHES = 1.3  # one 28 x 28 panel


def symmetric_norm(*arrays, vmax=None) -> Normalize:
    """``[-vmax, vmax]`` with ``vmax`` the largest finite ``|value|`` over all ``arrays``."""
    if vmax is None:
        finite = [np.abs(a[np.isfinite(a)]) for a in map(np.asarray, arrays)]
        vmax = max((float(f.max()) for f in finite if f.size), default=0.0)
    vmax = vmax if vmax > 0 else 1.0
    return Normalize(-vmax, vmax)


def weight_cmap():
    """The blue/white/red map, NaN drawn light grey."""
    return colormaps[WEIGHT_CMAP].with_extremes(bad="0.85")


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
            c, r, str(j), ha="center", va="center", fontsize=8, color="white" if strong else "black"
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


def _field(history, name):
    return history[name] if isinstance(history, dict) else getattr(history, name)


def _draw_tile_grid(ax, shape, grid, **line):
    h, w = shape
    for k in range(1, grid):
        ax.axhline(k * h / grid - 0.5, **line)
        ax.axvline(k * w / grid - 0.5, **line)


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])


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
