"""sgd_step that shrinks the weights by (1 - l2), forgetting that the decay is a step of size lr.

loses: test_sgd_step
"""


# %% replaces: sgd_step
def sgd_step(weights, biases, grads_W, grads_b, *, lr, l2):
    for W, grad_W in zip(weights, grads_W):
        W *= 1 - l2
        W -= lr * grad_W
    for b, grad_b in zip(biases, grads_b):
        b -= lr * grad_b
