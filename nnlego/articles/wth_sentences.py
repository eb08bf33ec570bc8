"""The first article's sweep in words: sentences generated from the numbers (chapters 7 and 11).

Every function takes the numbers (``sweep = wth.sweep(runs)``: ``{recipe: {n_hidden: [test
accuracy % per seed]}}``, or output weight matrices) and returns the words the book glues, so a
sentence changes with its number. The rules are :mod:`nnlego.articles.claims`' and
:data:`HOLDS_UP_RULE`.
"""

from __future__ import annotations

import numpy as np

from .claims import direction, listing, pct, reproduced

HOLDS_UP_ACCURACY = 80.0     # % of the test digits, every seed
HOLDS_UP_RULE = (f"we say a smaller network holds up when every seed reads at least "
                 f"{HOLDS_UP_ACCURACY:g}% of the test digits")


def holds_up_to(by_size: dict, threshold: float = HOLDS_UP_ACCURACY):
    """The smallest hidden size from which up every size holds up (:data:`HOLDS_UP_RULE`), or
    None when even the largest does not. ``by_size``: ``{n_hidden: [accuracy % per seed]}``."""
    smallest = None
    for n in sorted(by_size, reverse=True):
        if min(by_size[n]) < threshold:
            break
        smallest = n
    return smallest


def reproduced_sizes(sweep: dict, article: dict) -> dict:
    """``{recipe: [n_hidden whose article number our seeds reproduce]}``, largest first."""
    return {recipe: [n for n in sorted(article, reverse=True)
                     if n in by and reproduced(article[n], by[n])]
            for recipe, by in sweep.items()}


def holds_up_sentence(by_size: dict, plural: bool = False) -> str:
    """``"holds up down to 5 hidden neurons and breaks down below that"`` (or the exceptions);
    ``plural``: the verbs for a plural subject ("hold", "break")."""
    s = "" if plural else "s"
    n = holds_up_to(by_size)
    if n is None:
        return f"do{'' if plural else 'es'} not hold up at any size we ran"
    if n == min(by_size):
        return f"hold{s} up at every size we ran, down to {n} hidden neurons"
    return f"hold{s} up down to {n} hidden neurons and break{s} down below that"


def story_sentence(sweep: dict, article: dict) -> str:
    """Which of the article's numbers each recipe reproduces, and which none does."""
    found = reproduced_sizes(sweep, article)
    sizes = [n for n in sorted(article, reverse=True) if all(n in by for by in sweep.values())]
    parts = [f"{recipe} reproduces {len(ns)} of the {len(sizes)} "
             f"({listing(ns) + ' neurons' if ns else 'none'})" for recipe, ns in found.items()]
    missed = [n for n in sizes if not any(n in ns for ns in found.values())]
    if not missed:
        tail = "every one of them is reproduced by at least one recipe"
    else:
        tail = (f"the article's {listing(missed)}-neuron number"
                f"{'s lie' if len(missed) > 1 else ' lies'} outside both recipes' ranges")
    return "By that rule " + "; ".join(parts) + "; " + tail


def recipe_sentence(sweep: dict, article: dict) -> str:
    """Whether one recipe explains the article's sweep: all its numbers reproduced, or not."""
    found = reproduced_sizes(sweep, article)
    sizes = [n for n in article if all(n in by for by in sweep.values())]
    whole = [recipe for recipe, ns in found.items() if len(ns) == len(sizes)]
    if whole:
        return f"{listing(whole)} reproduces the whole sweep"
    return ("neither recipe reproduces the whole sweep, so the article's single runs differ "
            "from ours by more than the seeds explain")


def output_weight_sentence(small: list, large: list, n_small: int, n_large: int) -> str:
    """Compare output weights of a small and a large hidden layer (lists of ``W2`` per seed).

    The mean absolute weight says whether each brick's vote weighs more; the largest absolute
    weight is given beside it.
    """
    mean_s, mean_l = (float(np.mean([np.abs(W).mean() for W in ws])) for ws in (small, large))
    max_s, max_l = (float(np.mean([np.abs(W).max() for W in ws])) for ws in (small, large))
    mean_word = direction(mean_l, mean_s, up="larger", down="smaller", tolerance=0.005)
    max_word = direction(max_l, max_s, up="larger", down="smaller", tolerance=0.05)
    return (f"with {n_small} bricks the output weights are {mean_word} on average than with "
            f"{n_large} (mean |w| {mean_s:.2f} against {mean_l:.2f}) and the largest weight is "
            f"{max_word} ({max_s:.1f} against {max_l:.1f}), both averaged over the seeds")


def mean_word(small: list, large: list) -> str:
    """``"larger"`` / ``"smaller"``: the small network's mean absolute weight against the
    large one's."""
    mean_s, mean_l = (float(np.mean([np.abs(W).mean() for W in ws])) for ws in (small, large))
    return direction(mean_l, mean_s, up="larger", down="smaller", tolerance=0.005)


def size_comparison(sweep_recipe: dict, small: int, large: int) -> str:
    """``"90.65%, 4.25 points fewer than with 30 (94.90%)"``."""
    a, b = float(np.mean(sweep_recipe[small])), float(np.mean(sweep_recipe[large]))
    word = direction(b, a, up="more", down="fewer", same="as many as")
    amount = "" if word == "as many as" else f"{abs(a - b):.2f} points "
    return f"{pct(a)}, {amount}{word} than with {large} ({pct(b)})"


def load_bearing_sentence(knock: dict, digits) -> str:
    """Chapter 6: what knocking out each digit's three favourite bricks costs it, in words.

    ``knock`` is :func:`nnlego.articles.wth_bricks.knockouts`' result; a digit "loses most of
    its images" when the mean drop of its recall over the seeds is above one half. Returns e.g.
    ``"digits 0 and 8 lose most of their images without them (91% and 92% of their recall),
    digit 1 45%"``."""
    drops = {d: float(np.mean(knock[str(d)]["top3"])) for d in digits}
    most = [d for d in digits if drops[d] > 0.5]
    rest = [d for d in digits if d not in most]

    def percents(ds):
        return listing(f"{100 * drops[d]:.0f}%" for d in ds)

    if not most:
        return (f"no digit here loses most of its images without them ({percents(rest)} of "
                "their recall), though each loses more than to three random neurons")
    if len(most) == 1:
        head = f"digit {most[0]} loses most of its images without them ({percents(most)} of " \
               "its recall)"
    elif not rest:
        return (f"every digit here loses most of its images without them ({percents(most)} "
                "of their recall)")
    else:
        head = (f"digits {listing(most)} lose most of their images without them "
                f"({percents(most)} of their recall)")
    if not rest:
        return head
    return head + f", digit{'s' if len(rest) > 1 else ''} {listing(rest)} {percents(rest)}"
