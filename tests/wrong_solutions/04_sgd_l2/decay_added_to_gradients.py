"""sgd_step that adds the L2 term to the gradient arrays in place: the step is right, but the
caller's gradients are changed.

loses: test_sgd_step
"""


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    for W, grad_W in zip(weights, grads_W):
        grad_W += l2 * W
        W -= lr * grad_W
    for b, grad_b in zip(biases, grads_b):
        b -= lr * grad_b
