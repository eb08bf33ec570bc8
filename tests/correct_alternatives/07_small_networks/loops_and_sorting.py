"""sweep with explicit loops, spread from sums, flip_share by counting pairs, and the distance
with a running total."""
import numpy as np


# %% replaces: sweep
def sweep(train, sizes, seeds):
    results = {}
    for n_hidden in sizes:
        scores = []
        for seed in seeds:
            run_rng = np.random.default_rng(seed)
            scores.append(train(n_hidden, run_rng))
        results[n_hidden] = scores
    return results


# %% replaces: spread
import math  # noqa: E402


def spread(scores):
    values = sorted(float(s) for s in scores)
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return {"mean": mean, "min": values[0], "max": values[-1], "std": math.sqrt(variance)}


# %% replaces: flip_share
def flip_share(scores_small, scores_large):
    count = sum(1 for a in scores_small for b in scores_large if not a < b)
    return count / (len(scores_small) * len(scores_large))


# %% replaces: distance_to_article
def distance_to_article(results, article):
    total, n = 0.0, 0
    for n_hidden, scores in results.items():
        if n_hidden in article:
            total += abs(sum(scores) / len(scores) - article[n_hidden])
            n += 1
    return total / n
