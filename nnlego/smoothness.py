"""Almost random? Smoothness of weight images and how well hand-made edges and loops explain them.

3blue1brown's 784-16-16-10 network learns first-layer weight images that look "almost random"
rather than like the edges and loops of Nielsen's hierarchy. Two numbers make that claim testable:

- *spatial smoothness*: the Pearson correlation of neighbouring pixels' weights inside a mask
  (e.g. the inked area): near 1 for a smooth stroke, near 0 for noise;
- *template match*: each image's best absolute correlation with a bank of hand-made edge and loop
  templates, and its square r^2, the share of the image's variance (inside the mask) the best
  template explains.

Conventions
-----------
- Images are ``(n_images, side, side)``, e.g. ``bricks.hidden_images(W1)``; a mask is a boolean
  ``(side, side)`` array (True = pixel counted), e.g. :func:`ink_mask` of the training images.
- Neighbours are right ``(r, c)-(r, c+1)`` and lower ``(r, c)-(r+1, c)`` pairs with both pixels
  inside the mask. Each pair is counted in both orders, so the score is symmetric.
- Templates are ``(n_templates, side, side)`` in a :class:`Templates` with one name each. The sign
  of a match does not matter (a neuron that dislikes an edge still detects it), so the best
  template is the one with the largest ``|r|``.

Book: chapter 5, "Lego bricks (and 3blue1brown's network)".
"""

from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np

from ._validation import check_pixel_mask
from .bricks import check_first_layer, check_second_layer

BAR_WIDTH = 1.5  # pixels: the Gaussian width of a bar, the tanh width of an edge, a ring's width
ANGLES = (0, 45, 90, 135)  # degrees; 0 = horizontal. Edges at 180-360 are sign flips (same |r|)
OFFSETS = (-6, 0, 6)  # pixels from the image centre, across the bar
LOOP_CENTRES = ((0, 0), (-5, 0), (5, 0), (0, -4), (0, 4))  # (row, col) shifts from the centre
LOOP_RADII = (3, 5, 8)


class Templates(NamedTuple):
    """Hand-made images ``(n_templates, side, side)`` and one name per template."""

    images: np.ndarray
    names: tuple


class TemplateMatch(NamedTuple):
    """Per image ``(n_images,)``: the best template's ``index``, its signed ``r`` and ``r2 = r**2``;
    ``corr (n_images, n_templates)`` holds every correlation."""

    index: np.ndarray
    r: np.ndarray
    r2: np.ndarray
    corr: np.ndarray


class ComposedImages(NamedTuple):
    """Layer-2 neurons of a 784-n1-n2-... net: ``weights (n2, n1)``, row j = neuron j's weights
    over layer 1's neurons; ``pixels (n2, side, side)``, image j = ``W1 @ W2[:, j]``."""

    weights: np.ndarray
    pixels: np.ndarray


def ink_mask(X, threshold: float = 0.1, side: int = 28) -> np.ndarray:
    """The inked area: pixels whose mean intensity over ``X`` exceeds ``threshold``.

    ``X`` is ``(n_samples, side * side)`` or ``(n_samples, side, side)`` with intensities in
    [0, 1] (e.g. ``load_mnist().train.X``). Returns a boolean ``(side, side)`` mask.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "fiu" or len(X) == 0 or X[0].size != side * side:
        raise ValueError(f"X must be non-empty real images of {side} x {side} pixels, shape "
                         f"(n, {side * side}) or (n, {side}, {side}); got shape {X.shape} and "
                         f"dtype {X.dtype}")
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise ValueError(f"threshold must be a number (a mean intensity), got {threshold!r}")
    mask = X.reshape(len(X), side, side).mean(axis=0) > threshold
    if mask.sum() < 2:
        raise ValueError(f"threshold={threshold} leaves {mask.sum()} pixel(s) inked; "
                         "lower it (MNIST's mean image peaks near 0.5)")
    return mask


def spatial_smoothness(images, mask=None) -> np.ndarray:
    """Per image, the Pearson correlation of neighbouring pixels' weights inside ``mask``.

    ``images (n, side, side)``; ``mask (side, side)`` bool, None = every pixel. Returns ``(n,)``:
    about 1 for a smooth image, about 0 for white noise, NaN for an image constant on the mask.
    """
    images = _check_images(images)
    mask = check_pixel_mask(mask, images.shape[1:])
    right = mask[:, :-1] & mask[:, 1:]           # (side, side - 1) pairs (r, c)-(r, c+1)
    down = mask[:-1, :] & mask[1:, :]            # (side - 1, side) pairs (r, c)-(r+1, c)
    if right.sum() + down.sum() == 0:
        raise ValueError("mask has no two neighbouring pixels; use a larger (connected) mask")
    first = np.concatenate([images[:, :, :-1][:, right], images[:, :-1, :][:, down]], axis=1)
    second = np.concatenate([images[:, :, 1:][:, right], images[:, 1:, :][:, down]], axis=1)
    u = np.concatenate([first, second], axis=1)  # (n, 2 * n_pairs): each pair both ways
    v = np.concatenate([second, first], axis=1)
    return np.mean(_standardize(u) * _standardize(v), axis=1)


def template_match(images, templates, mask=None) -> TemplateMatch:
    """How well the best hand-made template explains each image (inside ``mask``).

    ``images (n, side, side)``; ``templates`` a :class:`Templates` or an ``(m, side, side)``
    array. ``corr[i, t]`` is the Pearson r of image i and template t over the masked pixels;
    the best template maximises ``|r|`` (ties: lowest index) and ``r2`` is its square.
    """
    images = _check_images(images)
    bank = _check_images(getattr(templates, "images", templates), "templates")
    if bank.shape[1:] != images.shape[1:]:
        raise ValueError(f"templates are {bank.shape[1:]} but images are {images.shape[1:]}; "
                         f"make them with side={images.shape[1]}")
    mask = check_pixel_mask(mask, images.shape[1:])
    corr = _standardize(images[:, mask]) @ _standardize(bank[:, mask]).T / mask.sum()
    index = np.argmax(np.nan_to_num(np.abs(corr), nan=-1.0), axis=1)
    r = corr[np.arange(len(images)), index]
    return TemplateMatch(index, r, r ** 2, corr)


def edge_templates(side: int = 28) -> Templates:
    """Bars (a Gaussian ridge) and edges (a tanh step) at ``ANGLES`` and ``OFFSETS``.

    Named like ``"bar 45deg +6"``: orientation (0 = horizontal, counter-clockwise) and offset
    in pixels from the centre, across the bar. 4 angles x 3 offsets x 2 kinds = 24 templates.
    """
    rows, cols = _centred_grid(side)
    images, names = [], []
    for kind in ("bar", "edge"):
        for angle in ANGLES:
            theta = np.deg2rad(angle)
            across = -rows * np.cos(theta) - cols * np.sin(theta)   # signed distance, rows up
            for offset in OFFSETS:
                s = across - offset
                images.append(np.exp(-s ** 2 / (2 * BAR_WIDTH ** 2)) if kind == "bar"
                              else np.tanh(s / BAR_WIDTH))
                names.append(f"{kind} {angle}deg {offset:+d}")
    return Templates(np.stack(images), tuple(names))


def loop_templates(side: int = 28) -> Templates:
    """Rings of radius ``LOOP_RADII`` at ``LOOP_CENTRES`` (centre, up, down, left, right).

    Named like ``"ring r5 at (-5, +0)"``: radius and (row, col) shift from the centre (rows
    down). 5 positions x 3 radii = 15 templates.
    """
    rows, cols = _centred_grid(side)
    images, names = [], []
    for dr, dc in LOOP_CENTRES:
        distance = np.hypot(rows - dr, cols - dc)
        for radius in LOOP_RADII:
            images.append(np.exp(-(distance - radius) ** 2 / (2 * BAR_WIDTH ** 2)))
            names.append(f"ring r{radius} at ({dr:+d}, {dc:+d})")
    return Templates(np.stack(images), tuple(names))


def all_templates(side: int = 28) -> Templates:
    """:func:`edge_templates` then :func:`loop_templates`: 39 templates."""
    edges, loops = edge_templates(side), loop_templates(side)
    return Templates(np.concatenate([edges.images, loops.images]), edges.names + loops.names)


def composed_images(W1, W2, side: int = 28) -> ComposedImages:
    """The second hidden layer seen two ways: over layer 1's neurons, and back on the pixels.

    ``W1 (side**2, n1)`` and ``W2 (n1, n2)`` are ``net.weights[0]`` and ``net.weights[1]`` of
    e.g. a 784-16-16-10 net. The composition ``W1 @ W2[:, j]`` is what layer-2 neuron j would
    look for if layer 1 were linear (cf. :func:`nnlego.bricks.assembled_brick`).
    """
    W1 = check_first_layer(W1, side)
    W2 = check_second_layer(W2, n_hidden=W1.shape[1])
    pixels = (W1 @ W2).T.reshape(W2.shape[1], side, side)   # (n2, side, side)
    return ComposedImages(W2.T.copy(), pixels)


# -- helpers --------------------------------------------------------------------------------------
def _centred_grid(side):
    """Row and column coordinates ``(side, side)`` measured from the image centre."""
    centre = (side - 1) / 2
    return np.meshgrid(np.arange(side) - centre, np.arange(side) - centre, indexing="ij")


def _standardize(V):
    """Rows of ``V`` to mean 0, variance 1; constant rows become NaN."""
    V = np.asarray(V, dtype=np.float64)
    centred = V - V.mean(axis=1, keepdims=True)
    std = centred.std(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(std > 0, centred / std, np.nan)


def _check_images(images, name="images"):
    images = np.asarray(images)
    if images.ndim != 3 or 0 in images.shape or images.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be a non-empty real (n, side, side) stack, got shape "
                         f"{images.shape} and dtype {images.dtype}; use hidden_images(W1) for "
                         "a weight matrix and image[None] for one image")
    return images
