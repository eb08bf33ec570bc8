"""Comparing our runs with an article's number: one row of ``results.md`` and its verdict."""

from __future__ import annotations

import numpy as np

from .claims import reproduction


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
    """:func:`nnlego.articles.claims.reproduction`: the book's one rule for an article's number
    (``reproduced``, or how many points above or below our seeds' range it lies)."""
    return reproduction(article, ours)


def row(experiment, setting, article, ours, note="") -> dict:
    """One row of the report: the article's number (or None), ours over seeds, the verdict."""
    out = {"experiment": experiment, "setting": setting, "article": article, **spread(ours)}
    if article is None:
        return {**out, "difference": None, "verdict": note or "beyond the article"}
    return {**out, "difference": round(out["mean"] - article, 2),
            "verdict": verdict(article, ours) + (f"; {note}" if note else "")}
