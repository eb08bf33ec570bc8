"""A fully connected feed-forward network with a vectorised mini-batch forward and backward pass.

Samples are rows. Layer l maps ``A_l (n, n_in)`` to ``Z_{l+1} = A_l @ W_l + b_l`` and
``A_{l+1} = f_{l+1}(Z_{l+1})``, with ``A_0 = X``, ``W_l (n_in, n_out)`` and ``b_l (n_out,)``
(``net.weights[l]``, ``net.biases[l]``). Backpropagation in the same indexing (chapter 3:
Nielsen's four equations, with samples as rows)::

    delta_L     = dC/dZ_L                                  (output layer, see costs.output_delta)
    delta_l     = (delta_{l+1} @ W_l.T) * f_l'(Z_l)        (one layer back)
    dC/dW_l     = A_l.T @ delta_{l+1}
    dC/db_l     = delta_{l+1} summed over samples

The whole mini-batch goes through each step at once: no Python loop over samples.

Book: chapters 2 and 3, "The forward pass" and "Backpropagation, checked".
"""

from __future__ import annotations

import re

import numpy as np

from ._validation import (
    check_choice,
    check_features,
    check_finite_number,
    check_labels,
    check_positive_int,
    check_rng,
)
from .activations import ACTIVATIONS, get_activation
from .costs import COSTS, check_output_layer, get_cost, one_hot, output_delta
from .initializers import INITIALIZERS, get_initializer, init_biases


class Network:
    """A multilayer perceptron: ``sizes`` like ``[784, 30, 10]``, one activation per layer.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first.
    activations : str or sequence of str
        One name for every layer, or one per layer (``len(sizes) - 1``), e.g. ``["relu",
        "softmax"]``. Names: ``sigmoid``, ``relu``, ``softmax``, ``identity``.
    cost : str
        ``quadratic`` (any output layer), ``cross_entropy`` (sigmoid or softmax outputs) or
        ``categorical_cross_entropy`` (softmax outputs); other pairs are refused, since the
        cross-entropies take logs of the outputs (see ``costs.VALID_OUTPUTS``).
    init : str
        ``large`` N(0,1), ``scaled`` N(0,1/n_in), ``glorot_uniform``, ``he_normal``.
    rng : np.random.Generator
        Draws the initial weights.
    dtype : float32 (fast, the default) or float64 (for gradient checks).
    """

    def __init__(self, sizes, activations="sigmoid", cost="quadratic", init="scaled", *, rng,
                 dtype=np.float32):
        self.sizes = _check_sizes(sizes)
        self.activations = _check_activations(activations, len(self.sizes) - 1)
        self.cost = check_choice("cost", cost, COSTS)
        check_output_layer(self.cost, self.activations, shortcut=isinstance(activations, str))
        self.init = check_choice("init", init, INITIALIZERS)
        check_rng(rng)
        self.dtype = _check_dtype(dtype)
        scheme = get_initializer(init)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [scheme(n_in, n_out, rng=rng).astype(self.dtype) for n_in, n_out in pairs]
        self.biases = [init_biases(init, n_out, rng=rng).astype(self.dtype) for _, n_out in pairs]

    # -- the forward pass -------------------------------------------------------------------
    def forward_all(self, X):
        """Every layer's ``Z`` and ``A``: ``Zs[l]`` is ``(n, sizes[l+1])``, ``As[0]`` is ``X``."""
        Zs, As = [], [X]
        for W, b, f in zip(self.weights, self.biases, self._functions()):
            Z = As[-1] @ W + b                  # (n, n_out)
            Zs.append(Z)
            As.append(f.f(Z))
        return Zs, As

    def forward(self, X):
        """The output layer's activations ``(n_samples, sizes[-1])``."""
        X = self._check_X(X)
        return self.forward_all(X)[1][-1]

    # -- the backward pass ------------------------------------------------------------------
    def backprop(self, X, Y, l2=0.0):
        """Gradients of the mean cost over the batch ``X (n, n_in)``, one-hot ``Y (n, n_out)``.

        Trusts its inputs (no validation): the training loop calls it once per mini-batch.
        Returns ``(grads_W, grads_b)``, lists shaped like ``weights`` and ``biases``.
        """
        Zs, As = self.forward_all(X)
        functions = self._functions()
        delta = output_delta(get_cost(self.cost), functions[-1], Zs[-1], As[-1], Y)
        grads_W, grads_b = [None] * len(self.weights), [None] * len(self.weights)
        for l in range(len(self.weights) - 1, -1, -1):
            grads_W[l] = As[l].T @ delta        # (n_in, n_out)
            if l2:
                grads_W[l] += l2 * self.weights[l]
            grads_b[l] = delta.sum(axis=0)      # (n_out,)
            if l > 0:
                delta = functions[l - 1].backward(Zs[l - 1], As[l], delta @ self.weights[l].T)
        return grads_W, grads_b

    def gradients(self, X, y, l2=0.0):
        """Validated :meth:`backprop` from integer labels ``y (n,)``."""
        X, Y = self._check_Xy(X, y)
        return self.backprop(X, Y, l2=check_finite_number("l2", l2, minimum=0.0))

    # -- evaluation ---------------------------------------------------------------------------
    def loss(self, X, y, l2=0.0):
        """Mean cost over the samples plus ``(l2 / 2) * sum of squared weights``."""
        X, Y = self._check_Xy(X, y)
        l2 = check_finite_number("l2", l2, minimum=0.0)
        value = get_cost(self.cost).value(self.forward_all(X)[1][-1], Y)
        if l2:
            value += 0.5 * l2 * sum(float(np.sum(W.astype(np.float64) ** 2))
                                    for W in self.weights)
        return float(value)

    def predict(self, X):
        """The most active output neuron per sample: labels ``(n_samples,)``."""
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X, y):
        """Fraction of samples whose prediction equals the label, in [0, 1]."""
        X = self._check_X(X)
        y = check_labels("y", y, len(X), self.sizes[-1])
        return float(np.mean(np.argmax(self.forward_all(X)[1][-1], axis=1) == y))

    # -- housekeeping -------------------------------------------------------------------------
    @property
    def parameters(self):
        """``[W0, b0, W1, b1, ...]``: the arrays themselves (updating them updates the net)."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def parameter_names(self):
        """``["W0", "b0", "W1", "b1", ...]``, matching :attr:`parameters`."""
        return [f"{kind}{l}" for l in range(len(self.weights)) for kind in ("W", "b")]

    def copy(self, dtype=None):
        """An independent copy, optionally cast to another float ``dtype``."""
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone.dtype = np.dtype(dtype or self.dtype)
        clone.weights = [W.astype(clone.dtype, copy=True) for W in self.weights]
        clone.biases = [b.astype(clone.dtype, copy=True) for b in self.biases]
        return clone

    def __repr__(self):
        return (f"Network(sizes={self.sizes}, activations={self.activations}, "
                f"cost={self.cost!r}, init={self.init!r}, dtype={self.dtype.name})")

    def _functions(self):
        return [ACTIVATIONS[name] for name in self.activations]

    def _check_X(self, X):
        X = check_features("X", X, self.sizes[0])
        return X if X.dtype == self.dtype else X.astype(self.dtype)

    def _check_Xy(self, X, y):
        X = self._check_X(X)
        y = check_labels("y", y, len(X), self.sizes[-1])
        return X, one_hot(y, self.sizes[-1], dtype=self.dtype)


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        numbers = re.findall(r"\d+", str(sizes)) if isinstance(sizes, str) else []
        hint = f"; write {[int(n) for n in numbers]}" if len(numbers) >= 2 else ""
        raise ValueError(f"sizes must be a list of ints, e.g. [784, 30, 10], got "
                         f"{type(sizes).__name__} {sizes!r}{hint}")
    try:
        sizes = list(sizes)
    except TypeError:                       # e.g. a 0-d NumPy array
        raise ValueError(f"sizes must be a list of ints, e.g. [784, 30, 10], got "
                         f"{sizes!r}") from None
    sizes = [check_positive_int(f"sizes[{i}]", n) for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output layer, got {sizes!r}")
    return sizes


def _check_activations(activations, n_layers):
    if isinstance(activations, str):
        activations = [activations] * n_layers
    if not isinstance(activations, (list, tuple)):
        raise TypeError(f"activations must be one name or a list of {n_layers} names (one per "
                        f"layer), got {type(activations).__name__} {activations!r}")
    activations = list(activations)
    if len(activations) != n_layers:
        raise ValueError(f"activations must be one name or {n_layers} names (one per layer), "
                         f"got {len(activations)}: {activations!r}")
    for name in activations:
        get_activation(name)
    return activations


def _check_dtype(dtype):
    try:
        parsed = np.dtype(dtype)
    except (TypeError, ValueError):
        parsed = None
    if parsed not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}; use np.float32 "
                         "(fast) or np.float64 (for gradient checks)")
    return parsed
