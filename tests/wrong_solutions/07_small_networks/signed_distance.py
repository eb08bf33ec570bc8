"""distance_to_article that averages the signed differences: a size above the article and one
below cancel out.

loses: test_distance_to_article
"""
import numpy as np


# %% replaces: distance_to_article
def distance_to_article(results, article):
    common = [n for n in article if n in results]
    return float(abs(np.mean([np.mean(results[n]) - article[n] for n in common])))
