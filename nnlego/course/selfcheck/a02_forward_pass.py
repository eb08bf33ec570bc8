"""Self-check of assignment 2: sigmoid, sigmoid_prime and the forward pass.

Fresh random inputs each run, compared with nnlego's ``sigmoid``, ``sigmoid_prime`` and
``Network.forward``; also: inputs left unchanged, no overflow for huge ``|z|``, float32 and
3-D inputs, networks of one and of several layers, a batch of one sample.
"""

from __future__ import annotations

import numpy as np

import nnlego
from nnlego.course.selfcheck import tools
from nnlego.course.selfcheck.base import Piece

ASSIGNMENT = "02_forward_pass"
REFERENCE_SIGMOID, REFERENCE_PRIME = nnlego.sigmoid, nnlego.sigmoid_prime
NETWORK = nnlego.Network
OWN = {"sigmoid": (nnlego.sigmoid,), "sigmoid_prime": (nnlego.sigmoid_prime,),
       "forward": (nnlego.Network.forward, nnlego.Network.forward_all)}


FIXES = {"sigmoid": "sigma(z) = 1 / (1 + e^-z), element-wise",
         "sigmoid_prime": "sigma'(z) = sigma(z) (1 - sigma(z)): the formula in sigma(z), not "
                          "in z"}


def _elementwise(ns, rng, name, reference, spread):
    """The shared checks of an element-wise function: values, shape, dtype, input untouched."""
    fn = tools.function(ns, name)
    shape = tuple(int(s) for s in rng.integers(2, 9, size=2))
    z = rng.normal(0.0, spread, size=shape)
    kind = f"a random array {shape} (normal, spread {spread:g})"
    before = z.copy()
    out = tools.call(fn, z, kind=kind, forbid=OWN[name])
    tools.unchanged([before], [z], kind, name)
    tools.close(out, reference(before), kind, f"{name}(z)", rtol=1e-9, atol=1e-13,
                fix=FIXES[name])
    cube = rng.normal(0.0, spread, size=(3, 2, 4))
    tools.close(tools.call(fn, cube, kind="a 3-D array (3, 2, 4)", forbid=OWN[name]),
                reference(cube), "a 3-D array (3, 2, 4)", f"{name}(z)",
                fix="work element-wise on any shape")
    single = rng.normal(0.0, spread, size=(1,)).astype(np.float32)
    tools.close(tools.call(fn, single, kind="a float32 array of one value", forbid=OWN[name]),
                reference(single.astype(np.float64)), "a float32 array of one value",
                f"{name}(z)", rtol=1e-5, atol=1e-7)


def _huge(ns, rng, name, reference):
    fn = tools.function(ns, name)
    z = np.concatenate([[-1e4, 1e4], rng.uniform(-3000.0, 3000.0, size=6)])
    rng.shuffle(z)
    kind = "huge inputs (|z| up to 10,000)"
    out = tools.no_overflow(fn, z, kind=kind, forbid=OWN[name])
    tools.close(out, reference(z), kind, f"{name}(z)", atol=1e-12)


def check_sigmoid(ns, rng):
    _elementwise(ns, rng, "sigmoid", REFERENCE_SIGMOID, spread=6.0)
    _huge(ns, rng, "sigmoid", REFERENCE_SIGMOID)


def check_sigmoid_prime(ns, rng):
    _elementwise(ns, rng, "sigmoid_prime", REFERENCE_PRIME, spread=4.0)
    _huge(ns, rng, "sigmoid_prime", REFERENCE_PRIME)
    fn = tools.function(ns, "sigmoid_prime")
    peak = tools.call(fn, np.zeros(3), kind="z = 0", forbid=OWN["sigmoid_prime"])
    tools.close(peak, np.full(3, 0.25), "z = 0", "sigmoid_prime(0)",
                fix="sigma'(z) = sigma(z) (1 - sigma(z)), in terms of sigma(z), not z")


def random_network(rng, n_layers):
    """A fresh sigmoid network of n_layers layers with random sizes."""
    sizes = [int(s) for s in rng.integers(2, 12, size=n_layers + 1)]
    return NETWORK(sizes, rng=rng, dtype=np.float64)


def check_forward(ns, rng):
    fn = tools.function(ns, "forward")
    for n_layers in (int(rng.integers(3, 5)), 1, 2):
        net = random_network(rng, n_layers)
        n = int(rng.integers(5, 40))
        X = rng.random((n, net.sizes[0]))
        kind = f"a random {'-'.join(map(str, net.sizes))} network, {n} samples"
        params = [a.copy() for a in net.weights + net.biases] + [X.copy()]
        out = tools.call(fn, list(net.weights), list(net.biases), X, kind=kind,
                         forbid=OWN["forward"])
        tools.unchanged(params, net.weights + net.biases + [X], kind, "forward")
        tools.close(out, net.forward(X), kind, "forward(weights, biases, X)", rtol=1e-9,
                    fix="every layer, hidden or output, computes sigmoid(A @ W + b), and the "
                        "loop runs over all len(weights) layers")
        one = tools.call(fn, list(net.weights), list(net.biases), X[:1],
                         kind=kind + ", a batch of one", forbid=OWN["forward"])
        tools.close(one, net.forward(X[:1]), "a batch of one sample",
                    "forward(weights, biases, X[:1])", rtol=1e-9)


PIECES = (
    Piece("sigmoid", covers=("test_sigmoid",), needs=("sigmoid",), check=check_sigmoid),
    Piece("sigmoid_prime", covers=("test_sigmoid_prime",), needs=("sigmoid_prime",),
          check=check_sigmoid_prime),
    Piece("forward", covers=("test_forward",), needs=("forward",), check=check_forward),
)
