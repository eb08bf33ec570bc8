"""The per-example loop: Nielsen's network.py algorithm, one training example at a time.

As in Nielsen's ``network.py``, a sample ``x`` is a column vector ``(n_in, 1)``, the weights are
``W (n_out, n_in)`` and the biases ``b (n_out, 1)``. ``update_mini_batch`` backpropagates each
example of the mini-batch on its own, sums the per-example gradients and steps on their mean: the
same maths as nnlego's vectorised backprop (``run_all.py`` checks that the gradients agree), with a
Python loop over examples where nnlego does one matrix product per mini-batch.

Two versions:

- :class:`NielsenNetwork` is network.py as Nielsen wrote it: float64 weights (``np.random.randn``
  draws float64; his MNIST inputs are float32), ``1 / (1 + exp(-z))``, sigma'(z) recomputed from
  z, zero arrays allocated in every ``backprop``, and gradient sums rebuilt as new lists.
- :class:`TunedLoop` keeps the per-example loop but removes what a careful reader would: float32
  like nnlego, sigma'(z) = a (1 - a) from the stored activation, no dead zero arrays, sums
  accumulated in place. It is the loop at its best, so nnlego's lead over it is all vectorisation.

Setup B adds what the second article's Keras network needs, in the same style: relu hidden
layers, a softmax output with categorical cross-entropy (delta = a - y, network2's trick) and
Adam (Keras' maths, as in ``nnlego.optimizers``) on the mean gradient instead of SGD.

Run alone: ``python benchmarks/nielsen_loop.py``.
"""

from __future__ import annotations

import math

import numpy as np
from setups import SETUPS, epoch_order, make_data, make_network, timed_slices


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_tanh(z):
    """The same function, written so that it saturates to exactly 0 or 1 (nnlego's form)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def relu(z):
    return np.maximum(z, 0)


def relu_prime(z):
    return (z > 0).astype(z.dtype)


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


# name -> (f, f'); f' of the output layer is not needed (see output_delta).
FUNCTIONS = {"sigmoid": (sigmoid, sigmoid_prime), "relu": (relu, relu_prime),
             "softmax": (softmax, None)}


class NielsenNetwork:
    """Nielsen's network.py with the weights of an nnlego ``net``, transposed to (n_out, n_in)."""

    dtype = np.float64
    table = FUNCTIONS

    def __init__(self, net, optimizer="sgd", lr=3.0):
        self.num_layers = len(net.sizes)
        self.weights = [np.ascontiguousarray(W.T, self.dtype) for W in net.weights]  # (n_out, n_in)
        self.biases = [b.reshape(-1, 1).astype(self.dtype) for b in net.biases]  # (n_out, 1)
        self.names = list(net.activations)
        self.functions = [self.table[name] for name in self.names]
        self.cost = net.cost
        self.optimizer, self.lr = optimizer, lr
        self.t = 0                                          # Adam's state
        self.m = [np.zeros_like(p) for p in self.weights + self.biases]
        self.v = [np.zeros_like(p) for p in self.weights + self.biases]

    def feedforward_all(self, x):
        """Every layer's z and activation for one example ``x (n_in, 1)``."""
        activation, activations, zs = x, [x], []
        for b, w, (f, _) in zip(self.biases, self.weights, self.functions):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = f(z)
            activations.append(activation)
        return zs, activations

    def output_delta(self, z, a, y):
        """dC_x/dz of the output layer: (a - y) sigma'(z) for the quadratic cost, else a - y."""
        if self.cost == "quadratic":
            return (a - y) * sigmoid_prime(z)
        return a - y                                        # softmax + cross-entropy

    def backprop(self, x, y):
        """Nielsen's backprop for one example: ``(nabla_b, nabla_w)`` of its cost C_x."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        zs, activations = self.feedforward_all(x)
        delta = self.output_delta(zs[-1], activations[-1], y)
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            sp = self.functions[-l][1](zs[-l])
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def sum_gradients(self, mini_batch):
        """Sums over ``[(x, y), ...]`` of the per-example gradients: ``(nabla_w, nabla_b)``."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        return nabla_w, nabla_b

    def sgd(self, nabla_w, nabla_b, scale):
        """Nielsen's step: w <- w - (eta / m) sum of the m per-example gradients."""
        self.weights = [w - scale * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - scale * nb for b, nb in zip(self.biases, nabla_b)]

    def update_mini_batch(self, mini_batch):
        """One SGD step (Nielsen's) or Adam step (Keras') on the mini-batch's mean gradient."""
        nabla_w, nabla_b = self.sum_gradients(mini_batch)
        if self.optimizer == "sgd":
            self.sgd(nabla_w, nabla_b, self.lr / len(mini_batch))
            return
        self.t += 1
        beta1, beta2, eps = 0.9, 0.999, 1e-7
        step_size = self.lr * math.sqrt(1 - beta2**self.t) / (1 - beta1**self.t)
        for p, g, m, v in zip(self.weights + self.biases, nabla_w + nabla_b, self.m, self.v):
            g = g / len(mini_batch)
            m += (1 - beta1) * (g - m)
            v += (1 - beta2) * (g * g - v)
            p -= step_size * m / (np.sqrt(v) + eps)

    def mean_gradients(self, X, Y):
        """For the self-check: mean gradients over rows ``X (n, n_in)``, ``Y (n, n_out)``,
        in nnlego's layout ``(grads_W (n_in, n_out), grads_b (n_out,))``."""
        nabla_w, nabla_b = self.sum_gradients([(x[:, None], y[:, None]) for x, y in zip(X, Y)])
        return [nw.T / len(X) for nw in nabla_w], [nb.ravel() / len(X) for nb in nabla_b]


class TunedLoop(NielsenNetwork):
    """The same per-example loop at its fastest: float32, nothing allocated that is not needed."""

    dtype = np.float32
    # float32 needs the tanh form: 1 / (1 + exp(-z)) leaves tiny non-zero sigma'(z) of saturated
    # units, whose products underflow to subnormal floats that the CPU handles ~100x slower.
    table = dict(FUNCTIONS, sigmoid=(sigmoid_tanh, None))

    def output_delta(self, z, a, y):
        if self.cost == "quadratic":
            return (a - y) * a * (1 - a)                    # sigma'(z) = a (1 - a)
        return a - y

    def backprop(self, x, y):
        zs, activations = self.feedforward_all(x)
        delta = self.output_delta(zs[-1], activations[-1], y)
        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            delta = np.dot(self.weights[-l + 1].transpose(), delta)
            if self.names[-l] == "sigmoid":
                delta *= activations[-l] * (1 - activations[-l])
            else:
                delta *= zs[-l] > 0
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def sum_gradients(self, mini_batch):
        nabla_b = [np.zeros_like(b) for b in self.biases]
        nabla_w = [np.zeros_like(w) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            for nb, dnb in zip(nabla_b, delta_nabla_b):
                nb += dnb
            for nw, dnw in zip(nabla_w, delta_nabla_w):
                nw += dnw
        return nabla_w, nabla_b

    def sgd(self, nabla_w, nabla_b, scale):
        for p, g in zip(self.weights + self.biases, nabla_w + nabla_b):
            p -= scale * g


LOOPS = {"nielsen": NielsenNetwork, "tuned": TunedLoop}


def column_examples(X, y, n_classes, target_dtype):
    """Nielsen's training data: a list of ``(x (n_in, 1), y (n_classes, 1))`` column vectors."""
    targets = np.eye(n_classes, dtype=target_dtype)[:, :, None]     # (n_classes, n_classes, 1)
    return [(x[:, None], targets[label]) for x, label in zip(X, y)]


def epoch_slices(loop, setup, X, y, order, net, fraction=0.1):
    """Seconds of one epoch of ``LOOPS[loop]`` per slice, timed on the first ``fraction`` of the
    epoch's mini-batches and scaled to the whole epoch (see ``setups.timed_slices``)."""
    network = LOOPS[loop](net, setup.optimizer, setup.lr)
    n_batches = max(1, round(fraction * setup.n_steps))
    rows = order[:n_batches * setup.batch_size]
    examples = column_examples(X[rows], y[rows], setup.sizes[-1], network.dtype)
    batches = [examples[k:k + setup.batch_size] for k in range(0, len(examples), setup.batch_size)]

    def steps(first, stop):
        for mini_batch in batches[first:stop]:
            network.update_mini_batch(mini_batch)

    return [s * setup.n_steps / n_batches for s in timed_slices(n_batches, steps)]


def main():
    from nnlego import single_thread

    for setup in SETUPS.values():
        X, y = make_data(setup)
        for loop in LOOPS:
            with single_thread():
                s = sum(epoch_slices(loop, setup, X, y, epoch_order(setup), make_network(setup)))
            print(f"setup {setup.key}: per-example loop ({loop}) {s:.2f} s per epoch "
                  "(timed on 10% of the epoch and scaled)")

if __name__ == "__main__":
    main()
