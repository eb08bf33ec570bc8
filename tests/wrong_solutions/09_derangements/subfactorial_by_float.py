"""subfactorial as round(n! / e) (with !0 = 1 special-cased): right up to n = 18, then the float
loses the low digits.

loses: test_subfactorial
"""
import math


# %% replaces: subfactorial
def subfactorial(n):
    if n == 0:
        return 1
    return round(math.factorial(n) / math.e)
