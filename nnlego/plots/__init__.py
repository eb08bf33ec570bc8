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

from ._style import (
    CORRELATION_CMAP,
    IMAGE_CMAP,
    PANEL_INCHES,
    WEIGHT_CMAP,
    symmetric_norm,
    weight_cmap,
)
from .animation import (
    animate_correlation_map,
    animate_weight_images,
    animation_html,
    frame_title,
)
from .class_report import plot_fail_shares, plot_item_analysis, plot_score_histogram
from .curves import plot_hidden_size_sweep, plot_training_curves
from .explorer import plot_brick_explorer
from .hierarchy import plot_template_matches, plot_two_hidden_layers
from .savant import (
    plot_accuracy_matrix,
    plot_correlation_map,
    plot_correlation_maps,
    plot_neuron_tiles,
    plot_savant_curves,
    plot_tile_shuffle,
)
from .verdict import (
    plot_activation_use,
    plot_digit_use,
    plot_knockout_drops,
    plot_matched_correlations,
    plot_negative_drive,
    plot_top_vs_random,
)
from .weights import plot_assembled_bricks, plot_brick_collage, plot_weight_images

__all__ = [
    "CORRELATION_CMAP", "IMAGE_CMAP", "PANEL_INCHES", "WEIGHT_CMAP", "plot_accuracy_matrix",
    "plot_assembled_bricks", "plot_brick_collage", "plot_correlation_map", "plot_correlation_maps",
    "plot_hidden_size_sweep", "plot_neuron_tiles", "plot_savant_curves", "plot_tile_shuffle",
    "plot_training_curves", "plot_weight_images", "symmetric_norm", "weight_cmap",
    # chapters 5 and 6 (issue 12): edges and loops, and the verdict
    "plot_activation_use", "plot_digit_use", "plot_knockout_drops", "plot_matched_correlations",
    "plot_negative_drive", "plot_template_matches", "plot_top_vs_random", "plot_two_hidden_layers",
    "plot_brick_explorer",
    # issue 14: training as an animation (nnlego.snapshots)
    "animate_correlation_map", "animate_weight_images", "animation_html", "frame_title",
    # issue 28: the class report
    "plot_fail_shares", "plot_item_analysis", "plot_score_histogram",
]
