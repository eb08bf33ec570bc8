"""Animations of training: hidden-neuron images and correlation maps, one frame per snapshot.

The frames come from :mod:`nnlego.snapshots` (``Snapshots``: ``steps``, ``steps_per_epoch``,
``W1``). Each animation keeps **one fixed scale over all its frames**, so a change of colour is
a change of the weights, not of the scale: weights on the symmetric blue/red ``[-vmax, vmax]``
with ``vmax`` the 99.5th percentile of ``|w|`` over all frames (the largest ``|w|``, twice that
of most weights under N(0, 1) init, would wash every image out; the few beyond show at full
colour); correlation maps on a scale fitted to the smallest and largest value of any frame.
Frame titles say the step and the epoch.

:func:`animation_html` turns an animation into a self-contained HTML player
(``FuncAnimation.to_jshtml``: the frames as base64 PNGs, matplotlib's JavaScript player) with
matplotlib's one network reference (the Font Awesome stylesheet for the button icons) replaced
by plain characters, so it plays offline. Show it in a notebook with
``IPython.display.HTML(animation_html(anim))``. Book: chapters 5 and 10.
"""

from __future__ import annotations

import base64
import io
import re
from html import escape

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from PIL import Image

from ..bricks import brick_grid_shape
from ._style import fitted_norm
from .display import describe
from .savant import plot_correlation_map
from .weights import plot_weight_images

VMAX_PERCENTILE = 99.5   # weight animations' scale end; the few larger |w| show at full colour
# matplotlib's button icons (Font Awesome classes) -> characters any font has.
_ICONS = {"fa-minus": "\u2212", "fa-fast-backward": "\u21e4", "fa-step-backward": "\u25c1",
          "fa-play fa-flip-horizontal": "\u25c0", "fa-pause": "\u2016", "fa-play": "\u25b6",
          "fa-step-forward": "\u25b7", "fa-fast-forward": "\u21e5", "fa-plus": "+"}


def frame_title(step: int, steps_per_epoch: int) -> str:
    """``initial weights``, ``step 40 (epoch 0.008)`` or ``end of epoch 3 (step 15,000)``."""
    if step == 0:
        return "initial weights"
    epoch, rest = divmod(int(step), int(steps_per_epoch))
    if rest == 0:
        return f"end of epoch {epoch} (step {step:,})"
    return f"step {step:,} (epoch {step / steps_per_epoch:.3f})"


def animate_weight_images(snapshots, *, ncols=None, interval=500, dpi=70) -> FuncAnimation:
    """The hidden neurons' images (``W1[:, j]`` as 28 x 28) over training, one frame a snapshot.

    ``snapshots``: :class:`nnlego.snapshots.Snapshots` with ``W1`` ``(n_frames, 784, n_hidden)``.
    ``ncols`` defaults to the brick grid (6 for 30 neurons). One fixed blue/red scale.
    """
    W1 = _frames("snapshots.W1", snapshots.W1, 3)
    n, n_in, n_hidden = W1.shape
    side = _side(n_in)
    images = np.moveaxis(W1, 2, 1).reshape(n, n_hidden, side, side).astype(np.float32)
    ncols = ncols or brick_grid_shape(n_hidden)[1]
    nrows = -(-n_hidden // ncols)
    fig = Figure(figsize=(0.85 * ncols + 1.0, 0.85 * nrows + 0.7), dpi=dpi, layout="constrained")
    vmax = float(np.percentile(np.abs(images), VMAX_PERCENTILE))
    plot_weight_images(images[0], ncols=ncols, fig=fig, vmax=vmax, titles=[""] * n_hidden,
                       label="weight")
    shown = [ax.images[0] for ax in fig.axes if ax.images and ax.get_visible()][:n_hidden]
    for im in shown:
        im.set_interpolation("nearest")     # crisp pixels, and PNG frames a third the size
    title = fig.suptitle(" ", fontsize=10)
    _freeze_layout(fig)

    def draw(i):
        for im, image in zip(shown, images[i]):
            im.set_data(image)
        title.set_text(frame_title(snapshots.steps[i], snapshots.steps_per_epoch))
        return [*shown, title]

    draw(0)
    return FuncAnimation(fig, draw, frames=n, interval=interval, repeat=False)


def animate_correlation_map(maps, snapshots, grid=4, *, interval=700, dpi=70) -> FuncAnimation:
    """Adjacent-correlation maps ``(n_frames, side, side)`` over training, tile grid drawn over.

    ``maps[i]`` belongs to snapshot ``i`` of ``snapshots`` (titles: its step and epoch);
    one fixed sequential scale fitted to all frames.
    """
    maps = _frames("maps", maps, 3)
    if len(maps) != len(snapshots.steps):
        raise ValueError(f"maps has {len(maps)} frames but snapshots has {len(snapshots.steps)} "
                         "steps; compute one map per snapshot")
    norm = fitted_norm(maps)
    ax = Figure(figsize=(4.2, 3.5), dpi=dpi, layout="constrained").subplots()
    plot_correlation_map(maps[0], grid, ax=ax, vmin=norm.vmin, vmax=norm.vmax, colorbar=False)
    im = ax.images[0]
    ax.figure.colorbar(im, ax=ax, shrink=0.85, label="mean r with neighbours")
    _freeze_layout(ax.figure)

    def draw(i):
        im.set_data(maps[i])
        ax.set_title(frame_title(snapshots.steps[i], snapshots.steps_per_epoch), fontsize=9)
        return [im]

    draw(0)
    return FuncAnimation(ax.figure, draw, frames=len(maps), interval=interval, repeat=False)


def animation_html(anim: FuncAnimation, *, default_mode="once", alt=None) -> str:
    """A self-contained HTML player of ``anim`` (no network requests; see the module docstring).

    The frame has alt text (``alt``, else the figure's own words: ``display.describe``) and
    the frame slider a label, for screen readers."""
    alt = alt or describe(anim._fig).replace("Figure:", "Animation:", 1)
    with mpl.rc_context({"savefig.dpi": "figure", "animation.frame_format": "png"}):
        html = anim.to_jshtml(default_mode=default_mode)
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(alt)}" id="_anim_img', 1)
    html = html.replace('<input id="_anim_slider',
                        '<input aria-label="frame of the animation" id="_anim_slider', 1)
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", html)
    for icon, char in sorted(_ICONS.items(), key=lambda kv: -len(kv[0])):
        html = html.replace(f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{char}</span>')
    return _FRAME.sub(lambda m: f'{m[1]}{_palette_png(m[2])}"', html)


# An embedded frame: frames[i] = "data:image/png;base64,..." (lines continued by a backslash).
_FRAME = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([A-Za-z0-9+/=\\\s]+)"')


def _palette_png(b64: str) -> str:
    """A base64 PNG re-encoded with a 256-colour palette: the colour maps have 256 colours, so
    it looks the same at about a third of the bytes."""
    image = Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")
    out = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT).save(out, "png", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _freeze_layout(fig):
    """Lay ``fig`` out once, then keep it: every frame draws the same axes, and re-running the
    constrained layout for each frame would take most of the rendering time."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def _frames(name, frames, ndim):
    frames = np.asarray(frames)
    if frames.ndim != ndim or len(frames) == 0:
        raise ValueError(f"{name} must be a non-empty stack of {ndim - 1}-d frames, got shape "
                         f"{frames.shape}; record them with nnlego.snapshots.load_snapshots")
    return frames


def _side(n_in):
    side = int(round(np.sqrt(n_in)))
    if side * side != n_in:
        raise ValueError(f"the first layer has {n_in} inputs, not a square image; weight images "
                         "need n_in = side**2 (784 for 28 x 28)")
    return side
