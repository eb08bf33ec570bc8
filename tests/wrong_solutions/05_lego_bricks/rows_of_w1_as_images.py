"""hidden_images that reshapes W1 (784, n_hidden) directly: each image mixes the weights of every
hidden neuron (28 consecutive pixels' rows of W1), not one column.

loses: test_hidden_images
"""


# %% replaces: hidden_images
def hidden_images(W1):
    return W1.reshape(W1.shape[1], 28, 28)
