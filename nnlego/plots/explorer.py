"""The brick explorer: each hidden neuron's image beside the inputs that drive it (chapter 5)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..bricks import hidden_images
from ._style import IMAGE_CMAP, _bare, symmetric_norm, weight_cmap

PANEL = 0.75  # inches per 28 x 28 panel: 11 panels a row fit a page


def plot_brick_explorer(W1, images, examples, neurons=None, *, fig=None) -> Figure:
    """One row per hidden neuron: its weight image, the inputs that drive it most, and least.

    ``W1`` ``(784, n_hidden)``; ``images`` the ``(n_samples, 28, 28)`` inputs that ``examples``
    (``bricks.driving_examples(W1, b1, X, k)``) indexes; ``neurons`` the hidden neurons to show
    (default all). Weight images share one symmetric blue/red scale; inputs are ink on paper,
    each titled with its weighted input ``z``.
    """
    images = np.asarray(images)
    n_hidden, k = np.shape(examples.most_idx)
    neurons = list(range(n_hidden)) if neurons is None else [int(j) for j in neurons]
    if not neurons or not all(0 <= j < n_hidden for j in neurons):
        raise ValueError(f"neurons must be hidden-neuron indices from 0 to {n_hidden - 1}, "
                         f"got {neurons!r}")
    if images.ndim != 3:
        raise ValueError(f"images must be (n_samples, height, width), got shape {images.shape}"
                         "; use nnlego.datasets.as_images(X)")
    weights = hidden_images(W1)[neurons]
    ncols = 2 * k + 1
    fig = fig or Figure(figsize=(ncols * PANEL + 0.4, len(neurons) * (PANEL + 0.25) + 0.5),
                        layout="constrained")
    axes = fig.subplots(len(neurons), ncols, squeeze=False)
    norm, cmap = symmetric_norm(weights), weight_cmap()
    for row, j in enumerate(neurons):
        axes[row, 0].imshow(weights[row], cmap=cmap, norm=norm)
        axes[row, 0].set_ylabel(f"#{j}", rotation=0, ha="right", va="center", fontsize=10)
        picks = [*zip(examples.most_idx[j], examples.most_z[j]),
                 *zip(examples.least_idx[j], examples.least_z[j])]
        for col, (i, z) in enumerate(picks, start=1):
            axes[row, col].imshow(images[i], cmap=IMAGE_CMAP, vmin=0, vmax=1)
            axes[row, col].set_title(f"z={z:.1f}", fontsize=8)
        for ax in axes[row]:
            _bare(ax)
    axes[0, 0].set_title("brick", fontsize=10)
    fig.suptitle(f"the {k} test digits that drive each brick most (left) and least (right)",
                 fontsize=10)
    return fig
