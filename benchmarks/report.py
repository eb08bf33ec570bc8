"""``run_all.py``'s report: the tables, the subnormal counts, and the target lines with PASS / MISS.

``times[name]`` holds one list of seconds per slice (``setups.timed_slices``) for each round of
contender ``name``; ``subnormals[name]`` the counts :func:`setups.subnormal_counts` took at the
end of that contender's epoch.
"""

from __future__ import annotations

import os
import platform
import statistics

import numpy as np
from threadpoolctl import threadpool_info

# The goals (issues 11 and 29): ahead of PyTorch-CPU at both setups (the best of its thread
# counts, measured in the same run), at least 8x Nielsen's per-example loop, within 1.1x of the
# lean NumPy step, and at most 2x (A; beyond NumPy, see README.md) or 4x (B) the floor.
TARGETS = {  # (contender, setup) -> target on nnlego's speed-up, or on nnlego / floor or lean
    "torch": {"A": 1.0, "B": 1.0},
    "loop": {"A": 8.0, "B": 8.0},
    "floor": {"A": 2.0, "B": 4.0},
    "lean": {"A": 1.1, "B": 1.1},
}
LOOP_FRACTION = 0.1           # the per-example loops are timed on 10% of an epoch, then scaled
NNLEGO, LEAN = "nnlego loop, 1 BLAS thread", "lean hand-fused NumPy step, 1 BLAS thread"
FLOOR = "matrix-product floor, 1 BLAS thread"


def best(runs):
    """The epoch on a quiet machine: the sum over slices of each slice's fastest run."""
    return sum(min(slice_) for slice_ in zip(*runs))


def median(runs):
    """The median over runs of the whole epoch."""
    return statistics.median(sum(run) for run in runs)


def first_and_last(runs, n_steps):
    """Microseconds per step in the epoch's first and last slice (each slice's fastest run)."""
    n_slices = len(runs[0])
    bounds = np.linspace(0, n_steps, n_slices + 1).round().astype(int)
    steps = np.diff(bounds)
    return (min(r[0] for r in runs) / steps[0] * 1e6,
            min(r[-1] for r in runs) / steps[-1] * 1e6)


def print_environment():
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info() if i["user_api"] == "blas"]
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    print(f"python {platform.python_version()}, numpy {np.__version__}, BLAS {', '.join(blas)}, "
          f"torch {torch_version}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f} (a shared machine: timings are noisy)")


def print_table(setup, times, breakdown, checks, subnormals):
    print(f"\nSetup {setup.key}, {setup.title} ({setup.n_steps:,} steps per epoch)")
    print(f"  {'seconds per epoch':58s} {'best':>7s} {'median':>7s} {'us/step':>8s}")
    for name, runs in times.items():
        print(f"  {name:58s} {best(runs):7.3f} {median(runs):7.3f} "
              f"{best(runs) / setup.n_steps * 1e6:8.1f}")
    print(f"  * timed on the first {LOOP_FRACTION:.0%} of the epoch's mini-batches and scaled "
          f"by {1 / LOOP_FRACTION:.0f}")
    print(f"  best = sum over 10 slices of each slice's fastest of "
          f"{len(times[NNLEGO])} rounds; median = median epoch")
    print("  nnlego's step, each part timed alone (us): "
          + " | ".join(f"{name} {us:.1f}" for name, us in breakdown.items()))
    floor = best(times[FLOOR]) / setup.n_steps * 1e6
    gather_and_step = sum(us for name, us in breakdown.items() if name != "backprop")
    print(f"  the floor ({floor:.1f} us/step) plus the gather and the optimizer step alone: "
          f"{(floor + gather_and_step) / floor:.2f}x the floor, before any activation")
    print("  same maths: max relative gradient difference from nnlego on one batch: "
          + ", ".join(f"{name} {err:.0e}" for name, err in checks.items()))
    print_growth(setup, times)
    print_subnormals(subnormals)


def print_growth(setup, times):
    """The step's time in the epoch's first and last tenth: a slowdown that grows shows here."""
    parts = []
    for name, runs in times.items():
        if len(runs[0]) > 1 and not name.endswith("*"):      # whole epochs, sliced
            first, last = first_and_last(runs, setup.n_steps)
            parts.append(f"{name.split(',')[0]}{name[name.rfind(','):]}: "
                         f"{first:.0f} -> {last:.0f} ({last / first:.2f}x)")
    print("  us/step in the first -> last tenth of the epoch (best of rounds):\n    "
          + "\n    ".join(parts))


def print_subnormals(subnormals):
    """Subnormal entries at the end of each contender's epoch (nnlego.subnormals)."""
    for name, counts in subnormals.items():
        print(f"  subnormal floats at the end of the epoch, {name}: "
              + ", ".join(f"{part} {n:,} of {size:,}" for part, (n, size) in counts.items()))


def ratio_lines(setup, times):
    """The target checks: ``(line, passed)`` for each; ``passed`` is None for a remark."""
    def speedup(name, mine=NNLEGO):
        return best(times[name]) / best(times[mine]), median(times[name]) / median(times[mine])

    lines = []
    torch_names = [name for name in times if name.startswith("PyTorch")]
    if torch_names:
        fastest = min(torch_names, key=lambda name: best(times[name]))
        ratio, typical = speedup(fastest)
        target = TARGETS["torch"][setup.key]
        lines.append((f"nnlego vs torch (best of 1/2 threads: {fastest[len('PyTorch loop, '):]}), "
                      f"batch {setup.batch_size}: {ratio:.1f}x faster (median {typical:.1f}x) "
                      f"(target: ahead, > {target:g}x)", ratio > target))
    for name in (name for name in times if name.startswith("per-example")):
        ratio, typical = speedup(name)
        target = TARGETS["loop"][setup.key]
        lines.append((f"nnlego vs {name[:-2]}, batch {setup.batch_size}: {ratio:.1f}x faster "
                      f"(median {typical:.1f}x) (target >= {target:g}x)", ratio >= target))
    ratio, typical = (1 / r for r in speedup(FLOOR))
    target = TARGETS["floor"][setup.key]
    lines.append((f"nnlego vs matrix-product floor, batch {setup.batch_size}: {ratio:.2f}x the "
                  f"floor's time (median {typical:.2f}x) (target <= {target:g}x)",
                  ratio <= target))
    lean, lean_typical = (1 / r for r in speedup(FLOOR, LEAN))
    lines.append((f"the leanest NumPy step we could write, batch {setup.batch_size}: "
                  f"{lean:.2f}x the floor's time (median {lean_typical:.2f}x)", None))
    target = TARGETS["lean"][setup.key]
    lines.append((f"nnlego vs the lean NumPy step, batch {setup.batch_size}: {ratio / lean:.2f}x "
                  f"its time (median {typical / lean_typical:.2f}x) (target <= {target:g}x)",
                  ratio / lean <= target))
    two, _ = speedup("nnlego loop, 2 BLAS threads")
    verdict = ("2 threads are faster" if two < 0.95 else "1 thread is faster" if two > 1.05
               else "the same within noise")
    lines.append((f"nnlego with 2 BLAS threads takes {two:.2f}x the time of 1 thread: {verdict}",
                  None))
    return lines

