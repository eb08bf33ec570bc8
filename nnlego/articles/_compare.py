"""Comparing our runs with an article's number: one row of ``results.md`` and its verdict."""

from __future__ import annotations

import numpy as np

CLOSE_POINTS = 6.0        # "close" if the mean is within this many points of the article
AGREE_POINTS = 2.0        # "agrees" if within this many, or if the article lies in our range


def accuracies(runs, key, eval_set="test") -> list:
    """The final accuracies in % of ``runs[key]``'s seeds on ``eval_set``."""
    return [100 * result.metrics[eval_set] for result in runs[key]]


def spread(values, digits: int = 2) -> dict:
    """``{"mean", "min", "max", "runs"}`` of a list of numbers, rounded to ``digits`` decimals."""
    values = np.asarray(values, dtype=float)
    return {"mean": round(float(values.mean()), digits),
            "min": round(float(values.min()), digits),
            "max": round(float(values.max()), digits),
            "runs": [round(float(v), digits) for v in values]}


def verdict(article, ours) -> str:
    """``agrees`` / ``close (+x.x points)`` / ``differs (+x.x points)`` for our seeds' values."""
    ours = np.asarray(ours, dtype=float)
    diff = float(ours.mean()) - article
    inside = ours.min() <= article <= ours.max()
    if abs(diff) <= AGREE_POINTS or inside:
        return "agrees" + (" (the article's run lies in our seed range)" if inside else "")
    if abs(diff) <= CLOSE_POINTS:
        return f"close ({diff:+.1f} points)"
    return f"differs ({diff:+.1f} points)"


def row(experiment, setting, article, ours, note="") -> dict:
    """One row of the report: the article's number (or None), ours over seeds, the verdict."""
    out = {"experiment": experiment, "setting": setting, "article": article, **spread(ours)}
    if article is None:
        return {**out, "difference": None, "verdict": note or "beyond the article"}
    return {**out, "difference": round(out["mean"] - article, 2),
            "verdict": verdict(article, ours) + (f"; {note}" if note else "")}
