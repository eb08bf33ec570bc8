"""Self-check of assignment 4: the SGD step with weight decay, the regularised cost, training.

``sgd_step`` on fresh random parameters and gradients (in place, weights decayed by
``1 - lr * l2``, biases not, the gradients left alone); ``regularised_cost`` against nnlego's
``Network.loss``; ``train_sgd`` against ``nnlego.train`` on small random data sets whose last
mini-batch is incomplete, and its use of ``rng`` (same seed, same weights; two seeds differ;
np.random's global generator untouched). No real data is needed: the checks take seconds.
"""

from __future__ import annotations

import numpy as np

import nnlego
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Failed, Piece

ASSIGNMENT = "04_sgd_l2"
NETWORK, ONE_HOT, TRAIN = nnlego.Network, nnlego.one_hot, nnlego.train
OWN_STEP = (nnlego.SGD.step, nnlego.Adam.step, nnlego.train)
OWN_COST = (nnlego.Network.loss, nnlego.costs._quadratic)
OWN_TRAIN = (nnlego.train, nnlego.SGD.step)


def _parameters(rng):
    sizes = [int(s) for s in rng.integers(2, 9, size=int(rng.integers(2, 4)) + 1)]
    shapes = list(zip(sizes[:-1], sizes[1:]))
    draw = lambda shape: rng.normal(size=shape)
    return ([draw(s) for s in shapes], [draw(s[1]) for s in shapes],
            [draw(s) for s in shapes], [draw(s[1]) for s in shapes], sizes)


def check_sgd_step(ns, rng):
    fn = tools.function(ns, "sgd_step")
    weights, biases, grads_W, grads_b, sizes = _parameters(rng)
    lr, l2 = float(rng.uniform(0.05, 2.0)), float(rng.uniform(0.01, 0.3))
    kind = f"random {'-'.join(map(str, sizes))} parameters, lr={lr:.3g}, l2={l2:.3g}"
    expected_W = [(1 - lr * l2) * W - lr * g for W, g in zip(weights, grads_W)]
    expected_b = [b - lr * g for b, g in zip(biases, grads_b)]
    grads = [g.copy() for g in grads_W + grads_b]
    w_list, b_list = list(weights), list(biases)
    tools.call(fn, w_list, b_list, grads_W, grads_b, lr=lr, l2=l2, kind=kind, forbid=OWN_STEP)
    tools.unchanged(grads, grads_W + grads_b, kind, "sgd_step (the gradients)")
    for l, (W, b) in enumerate(zip(w_list, b_list)):
        tools.close(b, expected_b[l], kind, f"biases[{l}] after the step", rtol=1e-10,
                    fix="biases are not regularised: b <- b - lr * grad_b, and update the "
                        "arrays in the list in place")
        tools.close(W, expected_W[l], kind, f"weights[{l}] after the step", rtol=1e-10,
                    fix="W <- (1 - lr * l2) W - lr * grad_W: the decay is a step of size lr "
                        "too; update the arrays in the list in place")


def _random_problem(rng, n=None):
    sizes = [int(rng.integers(4, 12)), int(rng.integers(3, 9)), int(rng.integers(2, 5))]
    net = NETWORK(sizes, rng=rng, dtype=np.float64)
    n = int(rng.integers(8, 30)) if n is None else n
    return net, rng.random((n, sizes[0])), rng.integers(0, sizes[-1], n), sizes


def check_regularised_cost(ns, rng):
    fn = tools.function(ns, "regularised_cost")
    for n, l2 in ((None, float(rng.uniform(0.01, 0.5))), (1, float(rng.uniform(0.01, 0.5))),
                  (None, 0.0)):
        net, X, y, sizes = _random_problem(rng, n)
        Y = ONE_HOT(y, sizes[-1])
        kind = f"a random {'-'.join(map(str, sizes))} network, {len(X)} samples, l2={l2:.3g}"
        before = [a.copy() for a in net.weights + net.biases + [X, Y]]
        cost = tools.call(fn, list(net.weights), list(net.biases), X, Y, l2=l2, kind=kind,
                          forbid=OWN_COST)
        tools.unchanged(before, net.weights + net.biases + [X, Y], kind, "regularised_cost")
        tools.close(cost, net.loss(X, y, l2=l2), kind, "the cost", rtol=1e-9,
                    fix="the mean over samples of 1/2 ||a - y||^2 plus (l2 / 2) times the sum "
                        "of the squared weights (not the biases)")


def _train(fn, net, X, y, settings, seed, kind):
    weights = [W.copy() for W in net.weights]
    biases = [b.copy() for b in net.biases]
    result = tools.call(fn, weights, biases, X, y, rng=np.random.default_rng(seed), kind=kind,
                        forbid=OWN_TRAIN, **settings)
    if result is not None:
        raise Failed(kind, f"train_sgd returned {type(result).__name__}: it trains the lists it "
                     "is given in place and returns nothing")
    return weights + biases


def check_train_sgd(ns, rng):
    fn = tools.function(ns, "train_sgd")
    batch = int(rng.integers(3, 8))
    net, X, y, sizes = _random_problem(rng, n=batch * int(rng.integers(3, 6)) + 1 +
                                       int(rng.integers(0, batch - 1)))
    settings = dict(n_epochs=int(rng.integers(2, 4)), batch_size=batch,
                    lr=float(rng.uniform(0.5, 3.0)), l2=float(rng.uniform(1e-3, 1e-2)))
    kind = (f"{len(X)} random samples (last batch incomplete), a "
            f"{'-'.join(map(str, sizes))} network, {settings['n_epochs']} epochs, batch {batch}")
    seed, other = tools.seeds(rng)
    data = [X.copy(), y.copy()]
    state = tools.global_state()
    mine = _train(fn, net, X, y, settings, seed, kind)
    tools.same_global_state(state, kind, "train_sgd")
    tools.unchanged(data, [X, y], kind, "train_sgd (the images or labels)")
    reference = net.copy()
    TRAIN(reference, X, y, rng=np.random.default_rng(seed), **settings)
    for i, (a, b) in enumerate(zip(mine, reference.weights + reference.biases)):
        tools.close(a, b, kind, f"parameter array {i} after training", rtol=1e-7, atol=1e-9,
                    fix="every epoch draws order = rng.permutation(len(X)) and takes one "
                        "sgd_step per batch order[start:start + batch_size], the last, "
                        "smaller batch included")
    again = _train(fn, net, X, y, settings, seed, kind + ", the same seed twice")
    if not all(np.array_equal(a, b) for a, b in zip(mine, again)):
        raise Failed(kind, "the same seed gave different weights: draw every number from rng")
    if all(np.array_equal(a, b) for a, b in zip(mine, _train(fn, net, X, y, settings, other,
                                                             kind + ", two seeds"))):
        raise Failed(kind, "two different seeds gave the same weights: draw the batch order "
                     "from the rng argument, not from a generator of your own")


PIECES = (
    Piece("sgd_step", covers=("test_sgd_step",), needs=("sgd_step",), check=check_sgd_step),
    Piece("regularised_cost", covers=("test_regularised_cost",), needs=("regularised_cost",),
          check=check_regularised_cost),
    Piece("train_sgd", covers=("test_train_sgd",), needs=("train_sgd",), check=check_train_sgd),
)
