"""The training set of each epoch: hooks for :func:`nnlego.train`'s ``epoch_data``.

A hook is called as ``hook(epoch, X, y) -> (X_epoch, y_epoch)`` before epoch ``epoch`` (1, 2,
...), with the training set that ``train`` was given, and returns the images the network sees in
that epoch. Images are flat rows ``(n_images, side**2)`` or ``(n_images, side, side)``; labels
never change. Every hook that draws owns its ``rng``: the same seed gives the same images in
every epoch, and the mini-batch order (``train``'s own ``rng``) is unaffected.

The second article's variants (chapter 9, "Savant syndrome"), all as hooks:

- :func:`derange_once`: each image tile-deranged once, the same images every epoch;
- :func:`reshuffle_each_epoch`: a fresh derangement per image every epoch (``p=0.5``: each
  image shuffled with probability 1/2, the mixed training of chapter 10; ``fixed_points=True``:
  uniform permutations that may leave tiles in place, the test of the article's 32%);
- :func:`permute_fixed`: one permutation for every image.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_finite_number, check_rng
from .tiles import random_derangements, shuffle_tiles


def derange_once(grid: int = 4, *, rng: np.random.Generator):
    """Each image tile-deranged once (in epoch 1); later epochs see the same images."""
    check_rng(rng)
    done = {}

    def hook(epoch, X, y):
        if "X" not in done:
            perms = random_derangements(len(X), grid * grid, rng=rng)
            done["X"] = shuffle_tiles(X, perms, grid)
        return done["X"], y
    return hook


def reshuffle_each_epoch(grid: int = 4, *, rng: np.random.Generator, p: float = 1.0,
                         fixed_points: bool = False):
    """Every epoch, each image tile-shuffled anew with probability ``p`` (the rest original).

    Draws per epoch, in this order: which images are shuffled (``p < 1`` only), then one
    derangement per shuffled image, or with ``fixed_points=True`` one uniform permutation
    (on average one of the ``grid**2`` tiles stays in place).
    """
    check_rng(rng)
    p = check_finite_number("p", p, strictly_positive=True)
    if p > 1:
        raise ValueError(f"p must be a probability in (0, 1], got {p!r}")

    def hook(epoch, X, y):
        chosen = np.ones(len(X), bool) if p == 1 else rng.random(len(X)) < p
        n_tiles = grid * grid
        if fixed_points:
            perms = rng.permuted(np.tile(np.arange(n_tiles), (int(chosen.sum()), 1)), axis=1)
        else:
            perms = random_derangements(int(chosen.sum()), n_tiles, rng=rng)
        if p == 1:
            return shuffle_tiles(X, perms, grid), y
        X_epoch = np.array(X, copy=True)
        X_epoch[chosen] = shuffle_tiles(X[chosen], perms, grid)
        return X_epoch, y
    return hook


def permute_fixed(perm, grid: int = 4):
    """The same tile permutation ``perm`` (``(grid**2,)``) for every image in every epoch."""
    perm = np.asarray(perm)
    done = {}

    def hook(epoch, X, y):
        if "X" not in done:
            done["X"] = shuffle_tiles(X, perm, grid)
        return done["X"], y
    return hook
