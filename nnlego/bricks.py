"""Lego bricks: read a trained two-layer network's weights as images.

The first article draws every weight vector of Nielsen's 784-30-10 MNIST network as a picture:
blue where the weight is positive (the neuron "likes" ink there), red where it is negative
("dislikes"). Each hidden neuron is a *brick*; each output neuron builds its digit from the bricks
it weights most.

Conventions
-----------
- ``W1`` is the first layer's ``(n_pixels, n_hidden)`` weight matrix with ``n_pixels = side**2``
  (784 for 28 x 28 images): column j, reshaped row-major to ``(side, side)``, is hidden neuron j's
  image.
- ``W2`` is the second layer's ``(n_hidden, n_out)`` matrix: column d holds output neuron d's
  weights from the hidden neurons, its "bricks".
- Hidden neuron j sits at row ``j // cols``, column ``j % cols`` of a brick-weight image.

Book: chapter 5, "Lego bricks".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import WEIGHTS_CAUSE, check_finite, check_int, check_positive_int, check_real

MAX_ASPECT = 3  # widest rows x cols grid (cols / rows) chosen before padding to a near-square one


class TopBricks(NamedTuple):
    """The k strongest bricks of one output neuron, strongest first.

    ``blue_idx``/``blue_w``: the hidden neurons with the largest weights (descending);
    ``red_idx``/``red_w``: those with the smallest (most negative first). Each is ``(k,)``.
    """

    blue_idx: np.ndarray
    blue_w: np.ndarray
    red_idx: np.ndarray
    red_w: np.ndarray


def hidden_images(W1, side: int = 28) -> np.ndarray:
    """Each hidden neuron's weights as an image: ``(n_hidden, side, side)``, image j is
    ``W1[:, j]`` reshaped row-major."""
    W1 = check_first_layer(W1, side)
    return W1.T.reshape(W1.shape[1], side, side)


def brick_weights(W2, digit: int, grid_shape=None) -> np.ndarray:
    """Output neuron ``digit``'s weights from the hidden layer as a ``(rows, cols)`` image.

    ``grid_shape`` defaults to :func:`brick_grid_shape` (5 x 6 for 30 hidden neurons, as in the
    article). Cells past ``n_hidden`` (a padded grid) are NaN, which the plots leave blank.
    """
    W2 = check_second_layer(W2)
    digit = _check_digit(digit, W2.shape[1])
    n_hidden = W2.shape[0]
    rows, cols = _check_grid_shape(grid_shape, n_hidden)
    cells = np.full(rows * cols, np.nan, dtype=np.result_type(W2.dtype, np.float32))
    cells[:n_hidden] = W2[:, digit]
    return cells.reshape(rows, cols)


def brick_grid_shape(n_hidden: int) -> tuple[int, int]:
    """A near-square ``(rows, cols)`` grid with room for ``n_hidden`` cells, ``rows <= cols``.

    The exact factorisation with rows closest to sqrt(n_hidden) (30 -> 5 x 6, 128 -> 8 x 16); if
    that is wider than ``MAX_ASPECT`` (a prime such as 31 -> 1 x 31), a padded near-square grid
    instead (31 -> 6 x 6 with 5 empty cells).
    """
    n_hidden = check_positive_int("n_hidden", n_hidden)
    rows = max(r for r in range(1, int(np.sqrt(n_hidden)) + 1) if n_hidden % r == 0)
    if n_hidden // rows <= MAX_ASPECT * rows:
        return rows, n_hidden // rows
    rows = int(np.ceil(np.sqrt(n_hidden)))
    return rows, -(-n_hidden // rows)


def top_bricks(W2, digit: int, k: int = 3) -> TopBricks:
    """The ``k`` most intense blue (largest) and red (most negative) weights into ``digit``.

    The article's "three most intense blue and red pixels" of the output neuron's image. Ties
    keep the lower hidden index first. Always ``k`` of each: if the neuron has fewer than ``k``
    positive weights the blue list runs into non-positive ones (check the signs of ``blue_w``).
    """
    W2 = check_second_layer(W2)
    digit = _check_digit(digit, W2.shape[1])
    n_hidden = W2.shape[0]
    k = check_int("k", k, minimum=1, maximum=n_hidden,
                  hint=f"ask for at most {n_hidden} bricks (the hidden layer's size)")
    w = W2[:, digit]
    blue = np.argsort(-w, kind="stable")[:k]
    red = np.argsort(w, kind="stable")[:k]
    return TopBricks(blue, w[blue], red, w[red])


def assembled_brick(W1, W2, digit: int, side: int = 28) -> np.ndarray:
    """What digit ``digit``'s bricks add up to: ``(W1 @ W2[:, digit])`` as a ``(side, side)`` image.

    The hidden images weighted by the output neuron's weights, ``sum_j W2[j, d] * image_j``: the
    input-space template of the digit if the hidden layer were linear. Sigmoids and biases are
    left out, so it shows which pixels push the output up or down, not by how much.
    """
    W1 = check_first_layer(W1, side)
    W2 = check_second_layer(W2, n_hidden=W1.shape[1])
    digit = _check_digit(digit, W2.shape[1])
    return (W1 @ W2[:, digit]).reshape(side, side)


class DrivingExamples(NamedTuple):
    """Per hidden neuron, the inputs that drive it most and least.

    ``most_idx``/``most_z``: ``(n_hidden, k)`` row indices into ``X`` and their weighted inputs
    ``z``, largest first; ``least_idx``/``least_z``: the same for the smallest ``z``, smallest
    first. Ties go to the lower index.
    """

    most_idx: np.ndarray
    most_z: np.ndarray
    least_idx: np.ndarray
    least_z: np.ndarray


def driving_examples(W1, b1, X, k: int = 5) -> DrivingExamples:
    """The k inputs of ``X`` that drive each hidden neuron most and least (a brick explorer).

    ``z = X @ W1 + b1`` is every input's weighted input to every hidden neuron,
    ``(n_samples, n_hidden)``. A sigmoid (or ReLU) is monotonic, so ranking the inputs by ``z``
    ranks them by the neuron's activation too: the most-driving inputs show what a brick
    responds to, the least-driving ones what silences it (the "dataset examples" view of
    feature visualisation). ``W1`` ``(n_pixels, n_hidden)``, ``b1`` ``(n_hidden,)``, ``X``
    ``(n_samples, n_pixels)``, ``1 <= k <= n_samples``.
    """
    W1 = check_first_layer(W1, int(round(np.sqrt(np.shape(W1)[0]))))
    b1, X = check_real("b1", b1), check_real("X", X)
    if b1.shape != (W1.shape[1],):
        raise ValueError(f"b1 must have shape ({W1.shape[1]},), one bias per hidden neuron "
                         f"of W1, got {b1.shape}; pass net.biases[0]")
    if X.ndim != 2 or X.shape[1] != W1.shape[0]:
        raise ValueError(f"X must be (n_samples, {W1.shape[0]}), got shape {X.shape}; "
                         "flatten images with X.reshape(len(X), -1)")
    check_finite("X", X)
    k = check_int("k", k, minimum=1, maximum=len(X), hint="at most one per input of X")
    Z = X @ W1 + b1                                     # (n_samples, n_hidden)
    most = np.argsort(-Z, axis=0, kind="stable")[:k].T  # (n_hidden, k)
    least = np.argsort(Z, axis=0, kind="stable")[:k].T
    columns = np.arange(Z.shape[1])[:, None]
    return DrivingExamples(most, Z[most, columns], least, Z[least, columns])


# -- validation, shared with correlation.py -----------------------------------------------------
def check_first_layer(W1, side: int = 28) -> np.ndarray:
    """A real ``(side * side, n_hidden)`` matrix, e.g. ``net.weights[0]`` of a 784-30-10 net."""
    side = check_positive_int("side", side)
    W1 = check_real("W1", W1)
    if W1.ndim != 2 or W1.shape[0] != side * side or W1.shape[1] == 0:
        raise ValueError(
            f"W1 must be the first layer's real weight matrix of shape "
            f"({side * side}, n_hidden) for {side} x {side} images, got shape "
            f"{W1.shape} and dtype {W1.dtype}; pass net.weights[0] (not its "
            "transpose)"
        )
    return check_finite("W1", W1, WEIGHTS_CAUSE, rows="rows (pixels)",
                        columns="columns (hidden neurons)")


def check_second_layer(W2, n_hidden: int | None = None) -> np.ndarray:
    """A real ``(n_hidden, n_out)`` matrix, e.g. ``net.weights[1]`` of a 784-30-10 net."""
    W2 = check_real("W2", W2)
    if W2.ndim != 2 or 0 in W2.shape:
        raise ValueError(
            f"W2 must be the second layer's real (n_hidden, n_out) weight matrix, "
            f"got shape {W2.shape} and dtype {W2.dtype}; pass net.weights[1]"
        )
    check_finite("W2", W2, WEIGHTS_CAUSE, rows="rows (hidden neurons)",
                 columns="columns (output neurons)")
    if n_hidden is not None and W2.shape[0] != n_hidden:
        raise ValueError(
            f"W2 has {W2.shape[0]} rows but W1 has {n_hidden} hidden neurons "
            "(columns); pass net.weights[0] and net.weights[1] of the same network"
        )
    return W2


def _check_digit(digit, n_out):
    return check_int("digit", digit, minimum=0, maximum=n_out - 1,
                     hint=f"pass an output neuron's index (the network has {n_out} outputs)")


def _check_grid_shape(grid_shape, n_hidden):
    if grid_shape is None:
        return brick_grid_shape(n_hidden)
    if not (isinstance(grid_shape, (tuple, list, np.ndarray)) and len(grid_shape) == 2):
        raise ValueError(f"grid_shape must be a pair of ints (rows, cols), got {grid_shape!r}")
    rows, cols = (check_int("grid_shape's entries", v) for v in grid_shape)
    if rows < 1 or cols < 1 or rows * cols < n_hidden:
        raise ValueError(
            f"grid_shape {grid_shape!r} has {max(rows, 0) * max(cols, 0)} cells, "
            f"too few for {n_hidden} hidden neurons; use rows * cols >= {n_hidden}, "
            f"e.g. {brick_grid_shape(n_hidden)}, or leave grid_shape=None"
        )
    return rows, cols
