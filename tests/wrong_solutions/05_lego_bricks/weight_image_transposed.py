"""hidden_images folded column-major: the right numbers, each image transposed.

loses: test_hidden_images
"""


# %% replaces: hidden_images
def hidden_images(W1):
    return W1.T.reshape(W1.shape[1], 28, 28).transpose(0, 2, 1)
