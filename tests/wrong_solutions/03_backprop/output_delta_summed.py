"""output_delta without the 1/n: the error of the summed cost, which grows with the batch.

loses: test_output_delta
"""
# ruff: noqa: F821


# %% replaces: output_delta
def output_delta(A_L, Y, Z_L):
    return (A_L - Y) * sigmoid_prime(Z_L)
