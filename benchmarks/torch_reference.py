"""PyTorch on the CPU, written as a PyTorch user would, on the same setups as nnlego.

The network is an ``nn.Sequential`` of ``nn.Linear`` layers holding the nnlego network's initial
weights (transposed: ``nn.Linear`` stores ``(n_out, n_in)``); gradients come from autograd and
the step from ``torch.optim``. Setup A: sigmoid layers, the quadratic cost
``0.5 * ||a - y||^2`` averaged over the batch, ``optim.SGD(lr=3.0)``. Setup B: relu, then
``nn.CrossEntropyLoss`` on the output layer's z (softmax and categorical cross-entropy fused, the
PyTorch idiom), ``optim.Adam(lr=1e-3, eps=1e-7)`` (PyTorch adds eps to sqrt(v_hat), Keras to
sqrt(v): the same work). An epoch is the training loop alone: index the shuffled mini-batch,
``zero_grad``, forward, ``backward``, ``step``; no evaluation.

A benchmark-only extra: torch is not a dependency of nnlego (``make bench`` installs it).

Run: ``python benchmarks/torch_reference.py --threads 1 2 --repeats 3`` prints seconds per epoch;
``--json`` prints them for ``run_all.py``; ``--check`` compares one batch's gradients with nnlego.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import torch
from setups import SETUPS, epoch_order, make_data, make_network, timed_slices

from nnlego.costs import one_hot


def build(setup, net):
    """``(model, loss_fn, optimizer)`` with the nnlego network's weights."""
    layers = []
    for W, b, name in zip(net.weights, net.biases, net.activations):
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if name == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        elif name == "relu":
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)               # a softmax output is left to the loss
    if setup.cost == "quadratic":
        def loss_fn(out, target):                       # mean over samples of 1/2 ||a - y||^2
            return 0.5 * torch.nn.functional.mse_loss(out, target, reduction="sum") / len(out)
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
    if setup.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=setup.lr)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=setup.lr, eps=1e-7)
    return model, loss_fn, optimizer


def tensors(setup, X, y):
    """``X`` as a tensor and the targets the loss wants: one-hot rows or integer labels."""
    targets = one_hot(y, setup.sizes[-1], dtype=np.float32) if setup.cost == "quadratic" else y
    return torch.from_numpy(X), torch.from_numpy(targets)


def epoch_slices(setup, X, targets, order, net, threads, warmup_steps=100):
    """Seconds of one training epoch with ``torch.set_num_threads(threads)``, per slice.

    The loop over mini-batches is the one a PyTorch user writes (see ``setups.timed_slices``
    for the slices).
    """
    torch.set_num_threads(threads)
    model, loss_fn, optimizer = build(setup, net)
    bs = setup.batch_size

    def steps(first, stop):
        for start in range(first * bs, stop * bs, bs):
            rows = order[start:start + bs]
            optimizer.zero_grad()
            loss = loss_fn(model(X[rows]), targets[rows])
            loss.backward()
            optimizer.step()

    steps(0, warmup_steps)
    return timed_slices(setup.n_steps, steps)


def check(setup, X, y):
    """Largest relative difference between torch's and nnlego's gradients on one mini-batch."""
    net = make_network(setup)
    model, loss_fn, _ = build(setup, net)
    Xt, targets = tensors(setup, X, y)
    rows = slice(0, setup.batch_size)
    loss_fn(model(Xt[rows]), targets[rows]).backward()
    Y = one_hot(y[rows], setup.sizes[-1], dtype=np.float32)
    grads_W, grads_b = net.backprop(X[rows], Y)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    worst = 0.0
    for linear, gW, gb in zip(linears, grads_W, grads_b):
        for mine, theirs in ((gW, linear.weight.grad.numpy().T), (gb, linear.bias.grad.numpy())):
            scale = np.abs(theirs).max() + 1e-30
            worst = max(worst, float(np.abs(mine - theirs).max() / scale))
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", action="store_true",
                        help="print {setup: {threads: [[seconds per slice], ...]}}")
    parser.add_argument("--check", action="store_true", help="compare gradients with nnlego")
    args = parser.parse_args(argv)
    results = {}
    for key in args.setups:
        setup = SETUPS[key]
        X, y = make_data(setup)
        if args.check:
            results[key] = check(setup, X, y)
            continue
        Xt, targets = tensors(setup, X, y)
        order = torch.from_numpy(epoch_order(setup))
        results[key] = {threads: [] for threads in args.threads}
        for _ in range(args.repeats):
            for threads in args.threads:
                results[key][threads].append(
                    epoch_slices(setup, Xt, targets, order, make_network(setup), threads))
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        if args.check:
            print(f"setup {key}: torch vs nnlego gradients, max relative difference {value:.1e}")
            continue
        for threads, runs in value.items():
            best = sum(min(slice_) for slice_ in zip(*runs))
            print(f"setup {key}: PyTorch {torch.__version__}, {threads} thread(s): "
                  f"{best:.2f} s per epoch (best of {len(runs)}, slice by slice)")


if __name__ == "__main__":
    main()
