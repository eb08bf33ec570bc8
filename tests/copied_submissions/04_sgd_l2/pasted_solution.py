"""sgd_step pasted from solutions/, renamed and commented in the student's own words.

flagged: test_sgd_step
"""


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    # decay the weights, then step
    for matrix, g in zip(weights, grads_W):
        matrix -= lr * (g + l2 * matrix)
    # the biases just step
    for vector, g in zip(biases, grads_b):
        vector -= lr * g
