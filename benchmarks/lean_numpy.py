"""The leanest NumPy training step we could write: how close to the floor can NumPy get at all?

nnlego keeps a readable structure (a ``Network`` with ``backprop`` returning fresh gradient
arrays, an optimizer that updates a list of arrays). This file drops every convenience for speed,
to measure what *any* NumPy implementation of the same maths costs per mini-batch:

- every intermediate array is allocated once and reused (``out=`` everywhere, no temporaries);
- all parameters live in one flat float32 vector (the weights and biases are views into it) and
  so do the gradients, so the optimizer is a handful of whole-vector operations, not a few per
  array;
- SGD's learning rate is folded into delta before the weight-gradient products, so the update is
  one pass ``p -= g``;
- two layers hard-coded for the two setups: no loops over layers, no names looked up;
- subnormals flushed to zero every ``FLUSH_EVERY`` steps, as nnlego's optimizers do (issue 29),
  in one call on the flat vectors (a lean step that let them pile up would be slower, not leaner).

It is not a design to copy (it is hard to read and to change); it is the benchmark's lower bound
for NumPy. ``run_all.py`` checks that one lean step moves the weights exactly as nnlego's does.

Run alone: ``python benchmarks/lean_numpy.py``.
"""

from __future__ import annotations

import math

import numpy as np
from setups import SETUPS, epoch_order, make_data, make_network, subnormal_counts, timed_slices

from nnlego import single_thread
from nnlego.costs import one_hot
from nnlego.subnormals import FLUSH_EVERY, flush_subnormal

HALF = np.float32(0.5)


class LeanStep:
    """One two-layer network of ``setup``, stepped in place on mini-batches ``(Xb, Yb)``."""

    def __init__(self, setup, net):
        (n_in, n_hid, n_out), n = setup.sizes, setup.batch_size
        self.setup = setup
        shapes = [(n_in, n_hid), (n_hid,), (n_hid, n_out), (n_out,)]
        sizes = [math.prod(s) for s in shapes]
        self.flat = np.empty(sum(sizes), np.float32)
        self.grad = np.empty_like(self.flat)
        bounds = np.cumsum([0] + sizes)
        views = [(self.flat[a:b].reshape(s), self.grad[a:b].reshape(s))
                 for a, b, s in zip(bounds[:-1], bounds[1:], shapes)]
        (self.W0, self.gW0), (self.b0, self.gb0), (self.W1, self.gW1), (self.b1, self.gb1) = views
        for mine, theirs in zip((self.W0, self.b0, self.W1, self.b1),
                                (net.weights[0], net.biases[0], net.weights[1], net.biases[1])):
            mine[...] = theirs
        self.A1 = np.empty((n, n_hid), np.float32)
        self.tmp1 = np.empty((n, n_hid), np.float32)
        self.A2 = np.empty((n, n_out), np.float32)
        self.tmp2 = np.empty((n, n_out), np.float32)
        self.row = np.empty((n, 1), np.float32)
        self.t = 0
        if setup.optimizer == "adam":
            self.m, self.v, self.u = (np.zeros_like(self.flat) for _ in range(3))

    def params(self):
        return [self.W0, self.b0, self.W1, self.b1]

    def state(self):
        """The optimizer's state arrays (Adam's m and v), or None for SGD."""
        return [self.m, self.v] if self.setup.optimizer == "adam" else None

    def step(self, Xb, Yb):
        self.t += 1
        if self.setup.optimizer == "sgd":
            self._sigmoid_quadratic_sgd(Xb, Yb)
        else:
            self._relu_softmax_adam(Xb, Yb)
        if self.t % FLUSH_EVERY == 0:
            flush_subnormal([self.flat] + (self.state() or []))

    def _sigmoid_quadratic_sgd(self, X, Y):
        A1, A2, t1, t2 = self.A1, self.A2, self.tmp1, self.tmp2
        for A, inputs, W, b in ((A1, X, self.W0, self.b0), (A2, A1, self.W1, self.b1)):
            np.matmul(inputs, W, out=A)
            A += b
            A *= HALF                                       # sigmoid = 0.5 (1 + tanh(z / 2))
            np.tanh(A, out=A)
            A *= HALF
            A += HALF
        # delta2 = lr / n (a2 - y) a2 (1 - a2), in t2
        np.subtract(1, A2, out=t2)
        t2 *= A2
        t2 *= np.float32(self.setup.lr / len(X))
        np.subtract(A2, Y, out=A2)
        t2 *= A2
        np.matmul(A1.T, t2, out=self.gW1)
        np.sum(t2, axis=0, out=self.gb1)
        np.matmul(t2, self.W1.T, out=t1)                    # delta1 = (delta2 W1^T) a1 (1 - a1)
        t1 *= A1
        np.subtract(1, A1, out=A1)
        t1 *= A1
        np.matmul(X.T, t1, out=self.gW0)
        np.sum(t1, axis=0, out=self.gb0)
        self.flat -= self.grad                              # lr was folded into delta

    def _relu_softmax_adam(self, X, Y):
        A1, A2, t1 = self.A1, self.A2, self.tmp1
        np.matmul(X, self.W0, out=A1)
        A1 += self.b0
        np.maximum(A1, 0, out=A1)
        np.matmul(A1, self.W1, out=A2)
        A2 += self.b1
        np.max(A2, axis=1, keepdims=True, out=self.row)     # softmax, shifted by the row max
        A2 -= self.row
        np.exp(A2, out=A2)
        np.sum(A2, axis=1, keepdims=True, out=self.row)
        self.row *= len(X)                                  # delta2 = (a2 - y) / n
        A2 /= self.row
        A2 -= Y / np.float32(len(X))
        np.matmul(A1.T, A2, out=self.gW1)
        np.sum(A2, axis=0, out=self.gb1)
        np.matmul(A2, self.W1.T, out=t1)                    # delta1 = (delta2 W1^T) [a1 > 0]
        np.greater(A1, 0, out=A1)                           # 1.0 where a1 > 0, in place
        t1 *= A1
        np.matmul(X.T, t1, out=self.gW0)
        np.sum(t1, axis=0, out=self.gb0)
        self._adam(self.setup.lr)

    def _adam(self, lr, beta1=0.9, beta2=0.999, eps=1e-7):
        step_size = lr * math.sqrt(1 - beta2**self.t) / (1 - beta1**self.t)
        g, m, v, u = self.grad, self.m, self.v, self.u
        m *= beta1
        np.multiply(g, 1 - beta1, out=u)
        m += u
        v *= beta2
        np.square(g, out=u)
        u *= 1 - beta2
        v += u
        np.sqrt(v, out=u)
        u += eps
        np.divide(m, u, out=u)
        u *= step_size
        self.flat -= u


def epoch_slices(setup, net, X, Y, order, end_state=None):
    """One epoch of lean steps on the same shuffled order as nnlego, timed per slice.
    ``end_state`` (a dict), if given, receives the subnormal counts at the end of the epoch."""
    lean, bs = LeanStep(setup, net), setup.batch_size

    def steps(first, stop):
        for start in range(first * bs, stop * bs, bs):
            rows = order[start:start + bs]
            lean.step(X[rows], Y[rows])

    slices = timed_slices(setup.n_steps, steps)
    if end_state is not None:
        end_state.update(subnormal_counts(lean.params(), lean.state()))
    return slices


def main():
    for setup in SETUPS.values():
        X, y = make_data(setup)
        Y = one_hot(y, setup.sizes[-1], dtype=np.float32)
        with single_thread():
            best = min(sum(epoch_slices(setup, make_network(setup), X, Y, epoch_order(setup)))
                       for _ in range(3))
        print(f"setup {setup.key}: lean NumPy step {best:.3f} s per epoch "
              f"({best / setup.n_steps * 1e6:.1f} us per step, 1 BLAS thread, best of 3)")


if __name__ == "__main__":
    main()
