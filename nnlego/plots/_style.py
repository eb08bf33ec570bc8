"""The plots' shared style: the blue/red weight scale, panel size, small drawing helpers."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

WEIGHT_CMAP = "RdBu"  # low = red, 0 = white, high = blue
CORRELATION_CMAP = "viridis"  # correlation maps: a sequential scale fitted to the values' range
IMAGE_CMAP = "gray_r"  # data images: ink dark on white paper
PANEL_INCHES = 1.3  # one 28 x 28 panel


def symmetric_norm(*arrays, vmax=None) -> Normalize:
    """``[-vmax, vmax]`` with ``vmax`` the largest finite ``|value|`` over all ``arrays``."""
    if vmax is None:
        finite = [np.abs(a[np.isfinite(a)]) for a in map(np.asarray, arrays)]
        vmax = max((float(f.max()) for f in finite if f.size), default=0.0)
    vmax = vmax if vmax > 0 else 1.0
    return Normalize(-vmax, vmax)


def fitted_norm(*arrays, vmin=None, vmax=None) -> Normalize:
    """``[vmin, vmax]``: the smallest and largest finite value of all ``arrays``, unless given."""
    finite = [a[np.isfinite(a)] for a in map(np.asarray, arrays)]
    finite = [f for f in finite if f.size]
    lo = vmin if vmin is not None else min((float(f.min()) for f in finite), default=0.0)
    hi = vmax if vmax is not None else max((float(f.max()) for f in finite), default=1.0)
    return Normalize(lo, hi if hi > lo else lo + 1e-6)


def weight_cmap():
    """The blue/white/red map, NaN drawn light grey."""
    return colormaps[WEIGHT_CMAP].with_extremes(bad="0.85")



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




def describe_as(fig, sentence):
    """Lead ``fig``'s alt text with ``sentence`` (``display.describe``), unless the caller gave
    the figure a label of its own."""
    if not fig.get_label():
        fig.set_label(sentence)
    return fig
