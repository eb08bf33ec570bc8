"""sgd_step that decays the biases as well as the weights.

loses: test_sgd_step
"""


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    for W, grad_W in zip(weights, grads_W):
        W -= lr * (grad_W + l2 * W)
    for b, grad_b in zip(biases, grads_b):
        b -= lr * (grad_b + l2 * b)
