"""Edges and loops? 3blue1brown's two hidden layers, and weight images beside templates (chapter 5).

Inputs come from :mod:`nnlego.smoothness`; each kind of weight (input -> layer 1, layer 1 ->
layer 2, their composition) gets its own symmetric blue/red scale.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..bricks import brick_grid_shape, hidden_images
from ..smoothness import composed_images
from ._style import PANEL_INCHES, _bare, describe_as, symmetric_norm, weight_cmap

SMALL_PANEL = 0.6   # the two-layer figure's panels, as a fraction of PANEL_INCHES


def plot_two_hidden_layers(W1, W2, *, fig=None) -> Figure:
    """A 784-n1-n2-... net's hidden neurons in three blocks of panels, left to right:

    layer 1's weight images ``W1[:, j]``; layer 2's neurons as their weights over layer 1
    (``W2[:, j]`` laid out like the first block: cell i is layer-1 neuron i); layer 2 composed
    onto the pixels, ``W1 @ W2[:, j]``. 16 + 16 neurons give 3 blocks of 4 x 4 panels.
    """
    composed = composed_images(W1, W2)
    blocks = [
        ("layer 1: input weights", hidden_images(W1), "input -> layer 1"),
        ("layer 2: weights over layer 1", _as_grids(composed.weights), "layer 1 -> layer 2"),
        ("layer 2 composed: W1 @ W2[:, j]", composed.pixels, "summed weight"),
    ]
    rows, cols = brick_grid_shape(max(len(b[1]) for b in blocks))
    panel = PANEL_INCHES * SMALL_PANEL   # three blocks side by side still fit a laptop's column
    fig = fig or Figure(figsize=(3 * cols * panel + 1.5, rows * panel + 1.4),
                        layout="constrained")
    for subfig, (title, images, label) in zip(fig.subfigures(1, 3), blocks):
        axes = subfig.subplots(rows, cols, squeeze=False).ravel()
        norm = symmetric_norm(images)
        for j, ax in enumerate(axes):
            _bare(ax)
            if j >= len(images):
                ax.set_visible(False)
                continue
            im = ax.imshow(images[j], cmap=weight_cmap(), norm=norm)
            ax.set_title(f"#{j}", fontsize=8)
        subfig.colorbar(im, ax=list(axes), shrink=0.8, label=label, location="bottom")
        subfig.suptitle(title, fontsize=10)
    describe_as(fig, (
        "3blue1brown's 784-16-16-10 network: layer 1's weight images, layer 2's "
        "weights over layer 1, and layer 2 composed onto the pixels"))
    return fig


def plot_template_matches(images, templates, match, *, mask=None, titles=None,
                          fig=None) -> Figure:
    """Weight images (top row) above their best-matching templates (bottom row).

    ``images (n, side, side)``; ``templates`` a :class:`nnlego.smoothness.Templates` (names in
    the titles) or an array; ``match`` the :class:`TemplateMatch` of ``template_match(images,
    templates, mask)``. Each template is drawn with the sign of its ``r`` and titled with
    ``r^2``; ``mask`` (the pixels the match counted) is outlined in grey on every panel.
    """
    images = np.asarray(images)
    bank = np.asarray(getattr(templates, "images", templates))
    names = getattr(templates, "names", None)
    if images.ndim != 3 or len(match.index) != len(images):
        raise ValueError(f"images {images.shape} and match ({len(match.index)} images) must "
                         "describe the same (n, side, side) stack; pass template_match(images, "
                         "templates)")
    n = len(images)
    fig = fig or Figure(figsize=(n * PANEL_INCHES + 1.0, 2 * PANEL_INCHES + 0.9),
                        layout="constrained")
    axes = fig.subplots(2, n, squeeze=False)
    best = bank[match.index] * np.sign(match.r)[:, None, None]
    for row, stack in enumerate((images, best)):
        norm = symmetric_norm(stack)
        for i, ax in enumerate(axes[row]):
            _bare(ax)
            ax.imshow(stack[i], cmap=weight_cmap(), norm=norm)
            if mask is not None:
                ax.contour(np.asarray(mask, dtype=float), levels=[0.5], colors="0.4",
                           linewidths=0.7)
            if row == 0:
                ax.set_title(titles[i] if titles is not None else f"#{i}", fontsize=8)
            else:
                name = names[match.index[i]] if names is not None else f"template {match.index[i]}"
                ax.set_title(f"{name}\nr² = {match.r2[i]:.2f}", fontsize=8)
    axes[0, 0].set_ylabel("weights")
    axes[1, 0].set_ylabel("best template")
    describe_as(fig, (
        "Hidden neurons' weight images (top row) above the edge or loop template "
        "each matches best (bottom row)"))
    return fig


def _as_grids(weights):
    """``(n2, n1)`` weights over layer 1 as ``(n2, rows, cols)`` grids, NaN-padded."""
    n2, n1 = weights.shape
    rows, cols = brick_grid_shape(n1)
    cells = np.full((n2, rows * cols), np.nan)
    cells[:, :n1] = weights
    return cells.reshape(n2, rows, cols)
