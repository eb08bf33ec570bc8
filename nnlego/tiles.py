"""Tile shuffling: cut images into a grid of tiles and permute the tiles by random derangements.

The second article cuts every Fashion-MNIST image into a 4 x 4 grid of 7 x 7 tiles and moves the
tiles by a random *derangement* (a permutation that leaves no tile in place), a fresh one per image.

Conventions
-----------
- Images are ``(n_images, height, width)``; a 2-D array ``(n_images, side * side)`` is read as
  flat square images and returned flat. One image is ``image[None]``.
- ``grid`` is the number of tiles along each side; it must divide the height and the width
  (for 28 x 28 images: 1, 2, 4, 7, 14 or 28).
- Tiles are numbered row-major: tile ``k`` sits in tile row ``k // grid``, tile column
  ``k % grid``.
- A permutation ``perm`` (``grid * grid`` ints) says: **output tile k shows input tile perm[k]**.
  ``perms`` is one permutation for every image ``(grid * grid,)`` or one per image
  ``(n_images, grid * grid)``.
- Derangements are exactly uniform: a uniform permutation per row (Fisher-Yates) is redrawn until
  it has no fixed point. About 1/e of the draws succeed, so a batch needs ~e draws per row.

Book: chapter 9, "Savant syndrome".
"""

from __future__ import annotations

import numpy as np

from ._validation import DATA_CAUSE, as_array, check_finite, check_int, check_real, check_rng

_BLOCK = 1024  # images per block in shuffle_tiles: 3 MB of float32 28 x 28 images


def subfactorial(n: int) -> int:
    """The number of derangements of ``n`` items, ``!n``, as an exact Python int.

    ``!0 = 1``, ``!1 = 0`` and ``!n = n * !(n - 1) + (-1)^n``; e.g. ``!5 = 44`` and
    ``!16 = 7,697,064,251,745``.
    """
    n = check_int("n", n, minimum=0)
    count = 1
    for m in range(1, n + 1):
        count = m * count + (-1) ** m
    return count


def random_derangements(n_rows: int, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """``n_rows`` independent, exactly uniform derangements of ``n`` items: ``(n_rows, n)`` int64.

    Row i satisfies ``sorted(out[i]) == range(n)`` and ``out[i, k] != k`` for every k.
    Rejection sampling, vectorised over rows: all rows still holding a fixed point are redrawn at
    once, so ~e * n_rows permutations are drawn in ~log(n_rows) / 0.46 rounds.
    """
    n_rows = check_int("n_rows", n_rows, minimum=0)
    n = check_int("n", n, minimum=0)
    if n == 1:
        raise ValueError(
            "n=1: a single item has no derangement (it cannot leave its place); "
            "use n >= 2, e.g. grid=4 gives n=16 tiles"
        )
    check_rng(rng)
    identity = np.arange(n, dtype=np.int64)
    out = np.empty((n_rows, n), dtype=np.int64)
    todo = np.arange(n_rows)  # rows that still need a derangement
    while len(todo):
        draws = rng.permuted(np.broadcast_to(identity, (len(todo), n)), axis=1)
        ok = ~np.any(draws == identity, axis=1)
        out[todo[ok]] = draws[ok]
        todo = todo[~ok]
    return out


def random_derangement(n: int, *, rng: np.random.Generator) -> np.ndarray:
    """One uniformly random derangement of ``n`` items: ``(n,)`` int64 with ``out[k] != k``."""
    return random_derangements(1, n, rng=rng)[0]


def shuffle_tiles(images, perms, grid: int = 4) -> np.ndarray:
    """A new array whose tile k of image i is tile ``perms[i, k]`` of ``images[i]``.

    ``images`` is ``(n, h, w)`` (or flat ``(n, side * side)``, returned flat); ``perms`` is
    ``(grid * grid,)`` for every image or ``(n, grid * grid)``.
    """
    stack, flat_side = _as_image_stack(images)
    _tile_size(stack.shape, grid)
    out = _move_tiles(stack, _check_perms(perms, len(stack), grid), grid)
    return out.reshape(len(out), -1) if flat_side else out


def unshuffle_tiles(images, perms, grid: int = 4) -> np.ndarray:
    """The exact inverse of :func:`shuffle_tiles` with the same ``perms`` and ``grid``."""
    stack, flat_side = _as_image_stack(images)
    _tile_size(stack.shape, grid)
    inverse = np.argsort(_check_perms(perms, len(stack), grid), axis=1)
    out = _move_tiles(stack, inverse, grid)
    return out.reshape(len(out), -1) if flat_side else out


def derange_tiles(images, grid: int = 4, *, rng: np.random.Generator):
    """Shuffle each image's tiles by its own random derangement.

    Returns ``(shuffled, perms)``: ``shuffled`` is shaped like ``images`` and ``perms`` is
    ``(n_images, grid * grid)``, so ``unshuffle_tiles(shuffled, perms, grid)`` gives the originals.
    """
    stack, flat_side = _as_image_stack(images)
    _tile_size(stack.shape, grid)
    perms = random_derangements(len(stack), grid * grid, rng=rng)
    out = _move_tiles(stack, perms, grid)
    return (out.reshape(len(out), -1) if flat_side else out), perms


# -- the tile mover -----------------------------------------------------------------------------
def _move_tiles(stack, perms, grid):
    """Images ``(n, h, w)`` with tile k of image i taken from tile ``perms[i, k]``.

    No Python loop over images: one gather per block of ``_BLOCK`` images (blocks keep the
    working set in the CPU cache), moving whole tile rows at a time.
    """
    stack = np.ascontiguousarray(stack)
    n = len(stack)
    out = np.empty_like(stack)
    source, target = _tile_rows(stack, grid), _tile_rows(out, grid)
    src_row, src_col = np.divmod(perms.reshape(n, grid, grid), grid)  # (n, g, g) each
    for start in range(0, n, _BLOCK):
        block = slice(start, start + _BLOCK)
        images_in_block = np.arange(len(src_row[block]))[:, None, None]
        target[block] = source[block][images_in_block, src_row[block], src_col[block]]
    return out


def _tile_rows(stack, grid):
    """A view ``(n, grid, grid, tile_height)`` of C-contiguous images: item ``[i, a, b, y]`` is
    row y of tile (a, b) of image i, its ``tile_width`` pixels held as one opaque item."""
    n, h, w = stack.shape
    row = np.dtype((np.void, (w // grid) * stack.itemsize))  # one tile row of pixels
    return stack.view(row).reshape(n, grid, h // grid, grid).transpose(0, 1, 3, 2)


# -- validation ---------------------------------------------------------------------------------
def _as_image_stack(images):
    """``(n, h, w)`` images and the flat side (``None`` if the input was already 3-D)."""
    images = check_real("images", images, kinds="biuf")
    check_finite("images", images, DATA_CAUSE, rows="images", columns="pixels")
    if images.ndim == 3:
        return images, None
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side == images.shape[1]:
            return images.reshape(len(images), side, side), side
    raise ValueError(
        f"images must be (n_images, height, width) or flat square images "
        f"(n_images, side * side), got shape {images.shape}; pass one image as "
        "image[None]"
    )


def _tile_size(shape, grid):
    grid = check_int("grid", grid, minimum=1)
    h, w = shape[1:]
    if h % grid or w % grid:
        fits = [g for g in range(1, min(h, w) + 1) if h % g == 0 and w % g == 0]
        raise ValueError(
            f"grid={grid} does not divide the {h} x {w} images into equal tiles; "
            f"choose a grid that divides both sides, one of {fits}"
        )
    return h // grid, w // grid


def _check_perms(perms, n_images, grid):
    """``(n_images, grid * grid)`` int permutations (one row broadcast to every image)."""
    perms = as_array("perms", perms, "integer tile permutations")
    n_tiles = grid * grid
    if perms.dtype.kind not in "iu" or perms.shape not in ((n_tiles,), (n_images, n_tiles)):
        raise ValueError(
            f"perms must be integer permutations of shape ({n_tiles},) or "
            f"({n_images}, {n_tiles}) for {n_images} images and grid={grid}, got "
            f"shape {perms.shape} and dtype {perms.dtype}"
        )
    if not np.all(np.sort(perms, axis=-1) == np.arange(n_tiles)):
        raise ValueError(
            f"every row of perms must be a permutation of 0..{n_tiles - 1} (each tile "
            "used exactly once); draw them with random_derangements(n_images, "
            f"{n_tiles}, rng=rng)"
        )
    return np.broadcast_to(perms, (n_images, n_tiles))
