"""subfactorial pasted from nnlego.tiles (its source on GitHub), the names changed.

flagged: test_subfactorial
"""


# %% replaces: subfactorial
from nnlego._validation import check_int


def subfactorial(k):
    k = check_int("n", k, minimum=0)
    total = 1
    for i in range(1, k + 1):
        total = i * total + (-1) ** i
    return total
