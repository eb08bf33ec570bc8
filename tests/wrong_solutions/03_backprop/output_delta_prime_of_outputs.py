"""output_delta takes sigma' at the outputs A_L instead of at their z.

loses: test_output_delta
"""
# ruff: noqa: F821


# %% replaces: output_delta
def output_delta(A_L, Y, Z_L):
    return (A_L - Y) * sigmoid_prime(A_L) / len(A_L)
