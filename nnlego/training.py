"""Mini-batch training with a per-epoch history.

:func:`train` shuffles the training set each epoch with ``rng``, walks it in mini-batches of
``batch_size`` rows, and lets the optimizer step on the gradient of

    C = mean over the batch of C_x  +  (l2 / 2) * sum of all squared weights.

**L2 and Nielsen's lambda.** network2 adds (lambda / 2n) sum w^2 to the cost, n being the size of
the training set, so ``l2 = lmbda / n`` (lambda = 5.0 with n = 50,000 gives ``l2 = 1e-4``). The
SGD step is then w <- (1 - lr * l2) w - lr * g, Nielsen's weight decay. Biases are not regularised.

After each epoch the history records the loss and accuracy on the whole training set and on every
evaluation set; ``callback(epoch, history)`` runs then (progress bars live in the caller). A loss
that becomes NaN or infinite stops training with :class:`DivergenceError`, and the network is
put back as it was at the end of the last finite epoch.

Determinism: the same ``rng`` seed gives bit-identical weights and history at the same BLAS thread
count (see :func:`nnlego.runtime.single_thread`).

Book: chapter 4, "Training: SGD and L2".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ._validation import (
    check_callable,
    check_features,
    check_finite_number,
    check_labels,
    check_mapping,
    check_positive_int,
    check_rng,
)
from .costs import get_cost, one_hot
from .optimizers import make_optimizer


class DivergenceError(FloatingPointError):
    """Training produced a NaN or infinite loss."""


@dataclass
class History:
    """Per-epoch metrics: lists with one entry per epoch."""

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    eval_loss: dict = field(default_factory=dict)
    eval_accuracy: dict = field(default_factory=dict)

    @property
    def n_epochs(self):
        return len(self.train_loss)

    def last_eval_accuracy(self):
        """The latest epoch's accuracy on every evaluation set: ``{"test": 0.95, ...}``."""
        return {name: accuracies[-1] for name, accuracies in self.eval_accuracy.items()}

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        return cls(**{k: d[k] for k in ("train_loss", "train_accuracy", "eval_loss",
                                        "eval_accuracy")})


def train(net, X, y, *, n_epochs, batch_size, lr, optimizer="sgd", l2=0.0, eval_sets=None,
          epoch_data=None, callback=None, on_step=None, rng):
    """Train ``net`` in place on ``X (n, n_in)`` and labels ``y (n,)``; return a :class:`History`.

    ``eval_sets`` maps a name to ``(X_eval, y_eval)``, e.g. ``{"test": (X_test, y_test)}``.
    ``optimizer`` is a name (``"sgd"``, ``"adam"``: a fresh optimizer with ``lr``) or an instance
    such as ``Adam(1e-3)``, which is used as is and keeps its state between calls.

    ``epoch_data(epoch, X, y) -> (X_epoch, y_epoch)`` (optional) gives the training set of epoch
    ``epoch`` (1, 2, ...) made from ``X, y``: e.g. every image tile-deranged anew
    (:mod:`nnlego.epoch_data`). It draws from its own generator, never from ``rng``, so the
    mini-batch order is the same with or without it. Training loss and accuracy are measured on
    the epoch's own training set.

    ``callback(epoch, history)`` runs after every epoch; ``on_step(step, net)`` after every
    optimizer step (step 1, 2, ... counted over all epochs), e.g. to record weight snapshots.
    """
    X, Y, evals = _check_train_args(net, X, y, eval_sets)
    y = np.asarray(y)
    n_epochs = check_positive_int("n_epochs", n_epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    l2 = check_finite_number("l2", l2, minimum=0.0)
    check_rng(rng)
    check_callable("epoch_data", epoch_data, "epoch_data(epoch, X, y) -> (X_epoch, y_epoch)")
    check_callable("callback", callback, "callback(epoch, history)")
    check_callable("on_step", on_step, "on_step(step, net)")
    # An optimizer instance (anything with .step) keeps its state, e.g. Adam's moments, across
    # calls: train one epoch at a time on fresh data without restarting the optimizer.
    opt = optimizer if hasattr(optimizer, "step") else make_optimizer(optimizer, lr)
    history = History(eval_loss={k: [] for k in evals}, eval_accuracy={k: [] for k in evals})
    params = net.weights + net.biases
    step = 0
    for epoch in range(1, n_epochs + 1):
        X_epoch, Y_epoch = X, Y
        if epoch_data is not None:
            X_epoch, Y_epoch = _epoch_set(net, epoch_data(epoch, X, y), epoch)
        last_good = [p.copy() for p in params]
        order = rng.permutation(len(X_epoch))
        for start in range(0, len(X_epoch), batch_size):
            rows = order[start:start + batch_size]
            grads_W, grads_b = net.backprop(X_epoch[rows], Y_epoch[rows], l2)
            opt.step(params, grads_W + grads_b)
            step += 1
            if on_step is not None:
                on_step(step, net)
        _record(history, net, X_epoch, Y_epoch, evals, l2)
        if not np.isfinite(history.train_loss[-1]):
            for p, good in zip(params, last_good):
                p[...] = good
            rate = getattr(opt, "lr", lr)       # an instance's own rate, not train()'s lr
            smaller = f" (e.g. lr={rate / 10:g})" if isinstance(rate, (int, float)) else ""
            raise DivergenceError(
                f"training diverged in epoch {epoch}: the training loss became "
                f"{history.train_loss[-1]} with lr={rate}; try a smaller learning rate"
                f"{smaller}. The network holds the weights of epoch {epoch - 1}.")
        if callback is not None:
            callback(epoch, history)
    return history


def _evaluate(net, X, Y, l2=0.0, chunk=10_000):
    """Loss (with the L2 term) and accuracy of ``net`` on ``X`` and one-hot ``Y``, in chunks."""
    cost = get_cost(net.cost)
    total, correct = 0.0, 0
    for start in range(0, len(X), chunk):
        A = net.forward_all(X[start:start + chunk])[1][-1]
        Yc = Y[start:start + chunk]
        total += float(cost.value(A, Yc)) * len(A)     # a Python float: sum in float64
        correct += int(np.sum(A.argmax(axis=1) == Yc.argmax(axis=1)))
    loss = total / len(X)
    if l2:
        loss += 0.5 * l2 * sum(float(np.sum(W.astype(np.float64) ** 2)) for W in net.weights)
    return float(loss), correct / len(X)


def _record(history, net, X, Y, evals, l2):
    with np.errstate(over="ignore", invalid="ignore"):
        loss, acc = _evaluate(net, X, Y, l2)
        history.train_loss.append(loss)
        history.train_accuracy.append(acc)
        for name, (Xe, Ye) in evals.items():
            loss, acc = _evaluate(net, Xe, Ye)
            history.eval_loss[name].append(loss)
            history.eval_accuracy[name].append(acc)


def _epoch_set(net, pair, epoch):
    """The checked ``(X, one-hot Y)`` that ``epoch_data`` returned for ``epoch``."""
    if not (isinstance(pair, tuple) and len(pair) == 2):
        raise ValueError(f"epoch_data must return a pair (X, y), got {type(pair).__name__} "
                         f"in epoch {epoch}")
    X = check_features(f"epoch_data's X of epoch {epoch}", pair[0], net.sizes[0])
    y = check_labels(f"epoch_data's y of epoch {epoch}", pair[1], len(X), net.sizes[-1])
    return X.astype(net.dtype, copy=False), one_hot(y, net.sizes[-1], dtype=net.dtype)


def _check_train_args(net, X, y, eval_sets):
    n_in, n_out = net.sizes[0], net.sizes[-1]
    X = check_features("X", X, n_in)
    y = check_labels("y", y, len(X), n_out)
    evals = {}
    for name, pair in check_mapping("eval_sets", eval_sets, '{"test": (X_test, y_test)}').items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(f"eval_sets[{name!r}] must be a pair (X, y), "
                             f"got {type(pair).__name__}")
        Xe = check_features(f"eval_sets[{name!r}] X", pair[0], n_in)
        ye = check_labels(f"eval_sets[{name!r}] y", pair[1], len(Xe), n_out)
        evals[name] = (Xe.astype(net.dtype, copy=False), one_hot(ye, n_out, dtype=net.dtype))
    return X.astype(net.dtype, copy=False), one_hot(y, n_out, dtype=net.dtype), evals
