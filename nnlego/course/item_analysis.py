"""Item analysis of a test (classical test theory): how hard each item is, how well it sorts.

An *item* is one graded cell of an assignment; the class's scores are a matrix
``scores[s, i]`` (students x items) with each item's points ``max_points[i]``.

- **difficulty** ``p_i = mean_s(scores[s, i]) / max_points[i]``: the share of the points the
  class got, 0 (nobody) to 1 (everybody); called the item's *p-value* or facility.
- **discrimination** ``r_i``: the Pearson correlation, over the students, of the item's score
  with the *rest* of the assignment (the total minus the item, the "corrected item-total
  correlation", so an item is not correlated with itself). None when either does not vary
  (everyone passed, everyone failed) or fewer than two students.
- **poor**: ``r_i < POOR_BELOW`` (0.2). Ebel's rule of thumb for classroom tests: 0.4 and up
  very good, 0.3–0.39 reasonably good, 0.2–0.29 marginal, below 0.2 poor (revise or drop:
  the item is passed by weak and strong students alike, or it tests something the rest does
  not). An item without a discrimination is not marked poor: there is nothing to judge.

Pure functions, arrays in and numbers out.
"""

from __future__ import annotations

import numpy as np

POOR_BELOW = 0.2


def difficulty(item_scores, max_points: float) -> float:
    """Mean score as a share of the points (0 when the item is worth no points)."""
    item_scores = np.asarray(item_scores, dtype=float)
    if max_points <= 0 or item_scores.size == 0:
        return 0.0
    return float(item_scores.mean() / max_points)


def pearson(x, y) -> float | None:
    """The Pearson correlation of x and y (same length); None if either is constant or n < 2."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D of one length, got shapes {x.shape} and {y.shape}")
    if x.size < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    norm = np.sqrt(np.sum(dx * dx) * np.sum(dy * dy))
    if norm <= 1e-12 * max(1.0, float(np.abs(x).max() * np.abs(y).max())) * x.size:
        return None
    return float(np.clip(np.sum(dx * dy) / norm, -1.0, 1.0))


def analyse(scores, max_points, totals=None) -> list[tuple[float, float | None, bool]]:
    """``(difficulty, discrimination, poor)`` of every item (column) of ``scores``
    (n_students, n_items), with ``max_points`` (n_items,). ``totals`` (n_students,) are the
    assignment's totals when it has items not in ``scores`` (default: the rows' sums)."""
    scores = np.asarray(scores, dtype=float)
    max_points = np.asarray(max_points, dtype=float)
    if scores.ndim != 2 or scores.shape[1] != max_points.shape[0]:
        raise ValueError(f"scores must be (n_students, n_items) with one max_points per item; "
                         f"got scores {scores.shape} and max_points {max_points.shape}")
    total = scores.sum(axis=1) if totals is None else np.asarray(totals, dtype=float)
    if total.shape != (scores.shape[0],):
        raise ValueError(f"totals must be (n_students,) = ({scores.shape[0]},), got {total.shape}")
    out = []
    for i in range(scores.shape[1]):
        r = pearson(scores[:, i], total - scores[:, i])
        out.append((difficulty(scores[:, i], max_points[i]), r,
                    r is not None and r < POOR_BELOW))
    return out
