"""Sentences bound to numbers: the rules that turn computed numbers into the book's words.

A sentence whose truth depends on a computed number ("reproduced", "grows", "the same story")
is either *generated* here from the number, or *guarded* by :func:`require` beside it in the
chapter, which stops the build when the number no longer supports the sentence. Every chapter
and ``results.md`` uses these rules, so a verdict means the same thing everywhere.

Conventions: accuracies are in % (as :func:`nnlego.articles.accuracies` returns them); ``ours``
is a list of one number per seed. One format per kind of number: :func:`pct` for accuracies,
:func:`share` for fractions, :func:`span` for a range of counts.
"""

from __future__ import annotations

import numpy as np

REPRODUCED_POINTS = 1.0     # the rule's margin, in points of accuracy
REPRODUCED_RULE = ("we call an article's number reproduced when it lies within the range of "
                   f"our seeds widened by {REPRODUCED_POINTS:g} point on each side; otherwise we "
                   "say by how many points it lies above or below that range")


class ClaimError(AssertionError):
    """A sentence of the book no longer holds for the numbers computed beside it."""


def require(condition, sentence: str, **numbers) -> None:
    """Stop the build when ``condition`` is false: ``sentence`` no longer matches ``numbers``.

    A chapter calls it in the hidden cell that glues the numbers of ``sentence``; the message
    names the sentence and the numbers, so whoever rebuilds the book knows what to rewrite.
    """
    if not condition:
        values = ", ".join(f"{k}={v!r}" for k, v in numbers.items())
        raise ClaimError(f"the sentence {sentence!r} no longer holds for {values}: rewrite "
                         "the sentence (or generate it with nnlego.articles.claims) to match "
                         "the numbers")


def _values(ours) -> np.ndarray:
    values = np.atleast_1d(np.asarray(ours, dtype=float))
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"ours must be one finite number per seed, got {ours!r}; pass e.g. "
                         "wth.sweep(runs)['network.py'][10]")
    return values


def gap(article: float, ours) -> float:
    """How far (points) ``article`` lies outside our seeds' range: > 0 above, < 0 below, else 0."""
    values = _values(ours)
    if article > values.max():
        return float(article - values.max())
    if article < values.min():
        return float(article - values.min())
    return 0.0


def reproduced(article: float, ours, points: float = REPRODUCED_POINTS) -> bool:
    """:data:`REPRODUCED_RULE`: ``min(ours) - points <= article <= max(ours) + points``."""
    return abs(gap(article, ours)) <= points


def reproduction(article: float, ours, points: float = REPRODUCED_POINTS) -> str:
    """``"reproduced"``, or ``"x.x points above our range"`` / ``"... below our range"``."""
    if reproduced(article, ours, points):
        return "reproduced"
    distance = gap(article, ours)
    return f"{abs(distance):.1f} points {'above' if distance > 0 else 'below'} our range"


def pct(value, digits: int = 2) -> str:
    """An accuracy in % (one number, or the mean of one per seed): ``"94.90%"``."""
    return f"{float(np.mean(_values(value))):.{digits}f}%"


def share(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage: ``share(0.623) == "62%"`` (never the raw float)."""
    return f"{100 * float(fraction):.{digits}f}%"


def span(low, high, fmt: str = "{}") -> str:
    """``"2"`` when ``low == high``, else ``"2 to 3"`` (never "2 to 2")."""
    low_text, high_text = fmt.format(low), fmt.format(high)
    return low_text if low_text == high_text else f"{low_text} to {high_text}"


def listing(items) -> str:
    """``"10, 5 and 3"`` (``"none"`` when empty)."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def direction(before: float, after: float, *, up: str, down: str, same: str = "the same",
              tolerance: float = 0.0) -> str:
    """The word for the change from ``before`` to ``after``: ``up``, ``down`` or ``same``."""
    if abs(after - before) <= tolerance:
        return same
    return up if after > before else down
