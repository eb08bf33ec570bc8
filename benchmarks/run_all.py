"""Every speed benchmark of issue 2, side by side in one run: a table per setup, then ratios.

Contenders, per epoch of setup A (article 1) and setup B (article 2), see ``setups.py``:

- nnlego's training loop: ``net.backprop`` + ``optimizer.step`` per mini-batch, exactly the loop
  inside ``train()`` (shuffled order, mini-batch gathered with ``X[rows]``), without evaluation;
- nnlego's ``train()`` for one epoch: the same loop plus the History's evaluation of loss and
  accuracy on the whole training set (and its argument checks);
- PyTorch's training loop (``torch_reference.py``), with 1 and with 2 threads, in a subprocess;
- the per-example loop (``nielsen_loop.py``): Nielsen's network.py as written, and a tuned one;
- the floor (``matmul_floor.py``): the epoch's matrix products alone;
- the leanest NumPy step we could write (``lean_numpy.py``): what any NumPy implementation of the
  same maths costs, i.e. how close to the floor NumPy can get at all.

nnlego and the floor run on one BLAS thread (as the book and CLI do); the same with two BLAS
threads is shown to answer "would two be faster?". Each contender is timed once per round, rounds
interleave the contenders so that load from other users hits all of them alike, and the ratios
use each contender's best round (the median is shown too).

Run: ``make bench`` or ``python benchmarks/run_all.py [--rounds 5]``. Takes about 2 minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import lean_numpy
import matmul_floor
import nielsen_loop
import numpy as np
from report import LOOP_FRACTION, NNLEGO, print_environment, print_table, ratio_lines
from setups import (
    SETUPS,
    epoch_order,
    make_data,
    make_network,
    seconds,
    subnormal_counts,
    timed_slices,
)
from threadpoolctl import threadpool_limits

from nnlego import train
from nnlego.costs import one_hot
from nnlego.optimizers import make_optimizer

HERE = Path(__file__).resolve().parent


# -- nnlego ----------------------------------------------------------------------------------
def nnlego_loop_slices(setup, net, X, Y, order, end_state=None):
    """``train()``'s inner loop for one epoch, timed per slice: no evaluation, no checks.
    ``end_state`` (a dict), if given, receives the subnormal counts at the end of the epoch."""
    optimizer = make_optimizer(setup.optimizer, setup.lr)
    params = net.weights + net.biases
    bs = setup.batch_size

    def steps(first, stop):
        for start in range(first * bs, stop * bs, bs):
            rows = order[start:start + bs]
            grads_W, grads_b = net.backprop(X[rows], Y[rows])
            optimizer.step(params, grads_W + grads_b)

    slices = timed_slices(setup.n_steps, steps)
    if end_state is not None:
        end_state.update(subnormal_counts(params, getattr(optimizer, "m", None) and
                                          optimizer.m + optimizer.v))
    return slices


def nnlego_train(setup, net, X, y):
    """One epoch of the public ``train()``: the loop plus the evaluation on the training set."""
    train(net, X, y, n_epochs=1, batch_size=setup.batch_size, lr=setup.lr,
          optimizer=setup.optimizer, rng=np.random.default_rng(2))


def step_breakdown(setup, X, Y, order, n_steps=200, repeats=20):
    """Microseconds per step of each part of nnlego's step, timed alone (best of ``repeats``,
    the parts interleaved)."""
    net, bs = make_network(setup), setup.batch_size
    optimizer = make_optimizer(setup.optimizer, setup.lr)
    params = net.weights + net.biases
    Xb, Yb = X[order[:bs]], Y[order[:bs]]
    grads = sum(net.backprop(Xb, Yb), [])
    starts = range(0, n_steps * bs, bs)

    offsets = itertools.cycle(range(0, setup.n_samples - n_steps * bs, n_steps * bs))

    def gather():                   # new rows each time: from memory, not from the cache
        offset = next(offsets)
        for start in starts:
            rows = order[offset + start:offset + start + bs]
            X[rows], Y[rows]

    def backprop():
        for _ in starts:
            net.backprop(Xb, Yb)

    def step():
        for _ in starts:
            optimizer.step(params, grads)

    parts = {"gather X[rows], Y[rows]": gather, "backprop": backprop,
             f"{setup.optimizer} step": step}
    best = dict.fromkeys(parts, float("inf"))
    with threadpool_limits(1, user_api="blas"):
        for _ in range(repeats):
            for name, fn in parts.items():
                best[name] = min(best[name], seconds(fn))
    return {name: s / n_steps * 1e6 for name, s in best.items()}


# -- one round: every contender once ----------------------------------------------------------
def time_round(setup, X, y, Y, order, times, subnormals):
    """Time each in-process contender once; append its seconds per slice to ``times[name]``;
    ``subnormals[name]``: the nnlego loop's and the lean step's counts at the epoch's end."""
    def record(name, fn, threads=1):
        with threadpool_limits(threads, user_api="blas"):
            times.setdefault(name, []).append(fn())

    for threads in (1, 2):
        name = f"nnlego loop, {threads} BLAS thread{'s' * (threads > 1)}"
        end_state = subnormals.setdefault(name, {}) if name == NNLEGO else None
        record(name, lambda end_state=end_state: nnlego_loop_slices(
            setup, make_network(setup), X, Y, order, end_state), threads)
    record("nnlego train(), incl. evaluation (whole epoch)",
           lambda: [seconds(lambda: nnlego_train(setup, make_network(setup), X, y))])
    for threads in (1, 2):
        record(f"matrix-product floor, {threads} BLAS thread{'s' * (threads > 1)}",
               lambda: matmul_floor.floor_slices(setup), threads)
    name = "lean hand-fused NumPy step, 1 BLAS thread"
    record(name, lambda: lean_numpy.epoch_slices(setup, make_network(setup), X, Y, order,
                                                 subnormals.setdefault(name, {})))
    for loop, label in (("nielsen", "Nielsen's network.py as written"),
                        ("tuned", "tuned float32")):
        record(f"per-example loop, {label} *",
               lambda loop=loop: nielsen_loop.epoch_slices(
                   loop, setup, X, y, order, make_network(setup), LOOP_FRACTION))


def time_torch_round(times):
    """One PyTorch epoch per setup and thread count, in a fresh subprocess."""
    out = _run([sys.executable, str(HERE / "torch_reference.py"), "--json"])
    for key, by_threads in json.loads(out.splitlines()[-1]).items():
        for threads, runs in by_threads.items():
            label = f"PyTorch loop, {threads} thread{'s' * (threads != '1')}"
            times[key].setdefault(label, []).extend(runs)



def _run(cmd):
    done = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return done.stdout


# -- checks that the contenders compute the same thing -----------------------------------------
def gradient_checks(setup, X, y):
    """Max relative difference of each loop's mean gradients from nnlego's on one mini-batch."""
    net = make_network(setup)
    rows = epoch_order(setup)[:setup.batch_size]
    result = {}
    for loop, reference in (("nielsen", net.copy(np.float64)), ("tuned", net)):
        Y = one_hot(y[rows], setup.sizes[-1], dtype=reference.dtype)
        mine = sum(reference.backprop(X[rows].astype(reference.dtype), Y), [])
        theirs = sum(nielsen_loop.LOOPS[loop](net).mean_gradients(X[rows], Y), [])
        result[loop] = max(float(np.abs(a - b).max() / (np.abs(a).max() + 1e-30))
                           for a, b in zip(mine, theirs))
    result["lean"] = lean_step_difference(setup, X, y)
    return result


def lean_step_difference(setup, X, y, n_steps=3):
    """Max relative difference of the lean step's parameters from nnlego's after ``n_steps``
    mini-batches (the lean step updates in place, so it is compared on the weights)."""
    net, order = make_network(setup), epoch_order(setup)
    lean = lean_numpy.LeanStep(setup, net)
    optimizer = make_optimizer(setup.optimizer, setup.lr)
    params = net.weights + net.biases
    Y = one_hot(y, setup.sizes[-1], dtype=np.float32)
    for start in range(0, n_steps * setup.batch_size, setup.batch_size):
        rows = order[start:start + setup.batch_size]
        grads_W, grads_b = net.backprop(X[rows], Y[rows])
        optimizer.step(params, grads_W + grads_b)
        lean.step(X[rows], Y[rows])
    mine = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    return max(float(np.abs(a - b).max() / np.abs(a).max()) for a, b in zip(mine, lean.params()))



def run_bench_tiles():
    script = HERE / "bench_tiles.py"
    print("\nDerangement shuffle (benchmarks/bench_tiles.py):")
    if not script.exists():
        print("  skipped: benchmarks/bench_tiles.py does not exist")
        return
    try:
        print("  " + _run([sys.executable, str(script)]).strip().replace("\n", "\n  "))
    except RuntimeError as error:
        print(f"  FAILED: {error}")


def run_bench_grading_engines(n_students):
    """bench_grading_engines.py (plain nbgrader, v1, v2), on request only: minutes per student."""
    print(f"\nGrading engines, {n_students} students (benchmarks/bench_grading_engines.py):")
    try:
        print("  " + _run([sys.executable, str(HERE / "bench_grading_engines.py"), "--students",
                           str(n_students)]).strip().replace("\n", "\n  "))
    except RuntimeError as error:
        print(f"  FAILED: {error}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timings per contender (best wins)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--no-tiles", action="store_true", help="skip bench_tiles.py")
    parser.add_argument("--grading", type=int, default=0, metavar="STUDENTS",
                        help="also run bench_grading_engines.py with this many students "
                        "(default 0: not run; 2 students take about 15 minutes)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print_environment()
    use_torch = not args.no_torch
    if use_torch:
        try:
            checks = json.loads(_run([sys.executable, str(HERE / "torch_reference.py"),
                                      "--check", "--json"]).splitlines()[-1])
        except (RuntimeError, json.JSONDecodeError) as error:
            print(f"PyTorch skipped: {error}")
            use_torch = False
    data, times, extra = {}, {key: {} for key in SETUPS}, {}
    subnormals = {key: {} for key in SETUPS}
    for key, setup in SETUPS.items():
        X, y = make_data(setup)
        data[key] = (X, y, one_hot(y, setup.sizes[-1], dtype=np.float32), epoch_order(setup))
        extra[key] = gradient_checks(setup, X, y)
        if use_torch:
            extra[key]["torch"] = checks[key]
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds} ...", file=sys.stderr, flush=True)
        for key, setup in SETUPS.items():
            X, y, Y, order = data[key]
            time_round(setup, X, y, Y, order, times[key], subnormals[key])
        if use_torch:
            time_torch_round(times)
    verdicts = []
    for key, setup in SETUPS.items():
        X, y, Y, order = data[key]
        print_table(setup, times[key], step_breakdown(setup, X, Y, order), extra[key],
                    subnormals[key])
    print()
    for key, setup in SETUPS.items():
        for line, passed in ratio_lines(setup, times[key]):
            mark = "" if passed is None else ("PASS" if passed else "MISS")
            print(f"{line:112s} {mark}")
            if passed is not None:
                verdicts.append(passed)
    print(f"\n{sum(verdicts)} of {len(verdicts)} targets met")
    if not args.no_tiles:
        run_bench_tiles()
    if args.grading:
        run_bench_grading_engines(args.grading)
    print(f"\n(all benchmarks: {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
