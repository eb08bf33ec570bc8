"""output_delta with (Y - A_L): the gradient points uphill.

loses: test_output_delta
"""
# ruff: noqa: F821


# %% replaces: output_delta
def output_delta(A_L, Y, Z_L):
    return (Y - A_L) * sigmoid_prime(Z_L) / len(A_L)
