"""The two articles, one module each: what the article says, and how our runs compare.

Each article module holds the article's quoted numbers, its named :class:`~nnlego.experiments.
Settings`, its plan (``plan(quick=False)``: a dict from a short key such as ``"network.py 30"``
to the Settings to train, full or quick, as data) and the tested functions that turn trained runs
into its tables, statistics, findings and figures. ``runs`` is always ``{key: [Result, ...]}``,
one :class:`~nnlego.experiments.Result` per seed in seed order, as :func:`load_runs` returns it.

``nnlego reproduce`` (:mod:`nnlego.reproduce`) writes ``results.md`` with these functions, and the
book's chapters call the very same ones, so a number cannot differ between the two.

- :mod:`nnlego.articles.wth`: "WTH does a neural network even learn? A newcomer's dilemma"
  (Nityesh Agarwal): chapters 5 to 8.
- :mod:`nnlego.articles.savant`: "Savant syndrome of neural networks" (Frank Zielen): chapters 9
  and 10.
"""

from __future__ import annotations

from .. import experiments
from . import savant, wth
from ._compare import accuracies

ARTICLES = {"wth": wth, "savant": savant}
NAMED = {**wth.NAMED, **savant.NAMED}


def load_runs(plan: dict, seeds=3, *, cache=None, progress=None) -> dict:
    """``{key: [Result for seed 0, 1, ...]}`` for every entry of ``plan``: from the results cache,
    training what is missing (in this process; ``nnlego reproduce`` trains in parallel)."""
    seed_list = range(seeds) if isinstance(seeds, int) else seeds
    return {key: [experiments.run(settings, seed=seed, cache=cache, progress=progress)
                  for seed in seed_list]
            for key, settings in plan.items()}


__all__ = ["ARTICLES", "NAMED", "accuracies", "load_runs", "savant", "wth"]
