"""Every piece handed to nnlego's own implementation.

loses: test_knock_out test_class_recall test_activation_use test_digit_use test_top_vs_random test_match_neurons
"""
# ruff: noqa: F821, E501


# %% replaces: knock_out
def knock_out(net, neurons):
    return knockout.knock_out(net, neurons)


# %% replaces: class_recall
def class_recall(net, X, y):
    return knockout.class_recall(net, X, y)


# %% replaces: activation_use
def activation_use(net, X, low=0.1, high=0.9):
    use = brick_use.activation_use(net, X, low, high)
    return use.near_zero, use.between, use.near_one


# %% replaces: digit_use
def digit_use(net, X, y, threshold=0.5):
    return brick_use.digit_use(net, X, y, threshold)


# %% replaces: top_vs_random
def top_vs_random(net, X, y, digit, k=3, *, rng, n_random=200):
    result = knockout.top_vs_random_knockout(net, X, y, digit, k, rng=rng, n_random=n_random)
    return result.top_drop, result.random_drops


# %% replaces: match_neurons
def match_neurons(W1_a, W1_b, mask=None):
    return tuple(matching.match_neurons(W1_a, W1_b, mask=mask))
