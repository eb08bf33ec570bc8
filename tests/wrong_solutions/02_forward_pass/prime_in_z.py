"""sigmoid_prime as z (1 - z): the formula in a = sigma(z), applied to z itself.

loses: test_sigmoid_prime
"""


# %% replaces: sigmoid_prime
def sigmoid_prime(z):
    return z * (1 - z)
