"""The pieces nnlego has handed to nnlego's own implementation: the spread (nnlego's report
rows) and the distance to the article (wth.sweep_distance).

loses: test_spread test_distance_to_article
"""
# ruff: noqa: F821
import numpy as np


# %% replaces: spread
def spread(scores):
    summary = _compare.spread(scores, digits=12)
    return {"mean": summary["mean"], "min": summary["min"], "max": summary["max"],
            "std": float(np.std(scores, ddof=1))}


# %% replaces: distance_to_article
def distance_to_article(results, article):
    return wth.sweep_distance({"ours": results})["ours"]
