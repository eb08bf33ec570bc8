"""Calibrate the capstone's bands for part 5's experiment: every choice of the menu, measured.

For each choice of ``capstone.MENU`` (one keyword of the run changed), on the capstone's data:
nnlego's reference run over ``--reference-seeds`` seeds (default 8) and the solution's
``run_capstone`` (``solutions/12_capstone``) over ``--solution-seeds`` (default 3), each number's
standard deviation of a single run, the band that gives
(:func:`nnlego.articles.capstone.calibrated_tolerances`: four of the larger, rounded up to 0.01,
never narrower than part 4's), the band stored in ``capstone.EXPERIMENT_TOLERANCES`` and how far
each solution run lies from the three-seed reference mean the grader uses, in units of the stored
band (a right run must stay below 1). The last line says whether the stored table is the one
measured here (the bands move by 0.01 between runs on other machines: BLAS, seed luck).

Run: ``python benchmarks/capstone_tolerances.py [--choices n_hidden=8 grid=7]``; about 10
minutes for the whole menu on one core (one BLAS thread, as the grader).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_capstone import solution_namespace  # noqa: E402

from nnlego.articles import capstone  # noqa: E402


def parse_choice(text: str) -> dict:
    key, _, value = text.partition("=")
    if key not in capstone.MENU:
        raise SystemExit(f"--choices: {text!r} names no keyword of the menu "
                         f"{sorted(capstone.MENU)}; write KEY=VALUE, e.g. n_hidden=8")
    kind = type(capstone.MENU[key][0])
    try:
        choice = {key: kind(value)}
    except ValueError:
        raise SystemExit(f"--choices: {text!r}: {key} takes {kind.__name__} values, one of "
                         f"{capstone.MENU[key]}") from None
    problems = capstone.check_experiment(choice)
    if problems:
        raise SystemExit(f"--choices: {problems[0]}")
    return choice


def measure(choice, data, run_capstone, reference_seeds, solution_seeds) -> dict:
    """One choice: the reference's and the solution's spread, the calibrated and stored bands,
    and each solution run's distance from the graded (three-seed) mean in stored bands."""
    reference = capstone.reference(*data, seeds=reference_seeds, **choice)
    graded = {name: capstone._spread(reference[name]["runs"][:len(capstone.SEEDS)])
              for name in capstone.GRADED}                  # seeds 0, 1, 2: the grader's mean
    runs = [run_capstone(*data, seed=seed, **choice) for seed in solution_seeds]
    solution = {name: capstone._spread([run[name] for run in runs]) for name in capstone.GRADED}
    stored = capstone.tolerances_for(choice)
    distance = {name: max(abs(run[name] - graded[name]["mean"]) / stored[name] for run in runs)
                for name in capstone.GRADED}
    return {"reference": reference, "solution": solution, "stored": stored, "distance": distance,
            "calibrated": capstone.calibrated_tolerances([reference, solution])}


def rows(choice, result) -> list[str]:
    label = ", ".join(f"{k}={v}" for k, v in choice.items())
    out = []
    for name in capstone.GRADED:
        ref, sol = result["reference"][name], result["solution"][name]
        out.append(f"{label:<14} {name:<18} {ref['mean']:7.4f} {ref['std']:7.4f} "
                   f"{sol['mean']:7.4f} {sol['std']:7.4f} {result['calibrated'][name]:6.2f} "
                   f"{result['stored'][name]:6.2f} {result['distance'][name]:6.2f}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choices", nargs="*", default=None,
                        help="e.g. n_hidden=8 grid=7 (default: the whole menu)")
    parser.add_argument("--reference-seeds", type=int, default=8,
                        help="seeds 0 .. N-1; the first three are the grader's (at least 3)")
    parser.add_argument("--solution-seeds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.reference_seeds < len(capstone.SEEDS) or args.solution_seeds < 2:
        parser.error(f"--reference-seeds {args.reference_seeds} --solution-seeds "
                     f"{args.solution_seeds}: expected at least 3 and 2 (a spread)")
    choices = ([parse_choice(c) for c in args.choices] if args.choices
               else [dict([choice]) for choice in capstone.menu_choices()])
    data = capstone.data()
    run_capstone = solution_namespace()["run_capstone"]
    print(f"{'choice':<14} {'number':<18} {'ref':>7} {'ref sd':>7} {'sol':>7} {'sol sd':>7} "
          f"{'4 sd':>6} {'stored':>6} {'worst':>6}", flush=True)
    measured, start = {}, time.perf_counter()
    for choice in choices:
        result = measure(choice, data, run_capstone, range(args.reference_seeds),
                         range(args.solution_seeds))
        measured[tuple(choice.items())[0]] = result
        print("\n".join(rows(choice, result)), flush=True)
    wider = {key: {name: band for name, band in result["calibrated"].items()
                   if band != capstone.TOLERANCES[name]}
             for key, result in measured.items()}
    table = {key: bands for key, bands in wider.items() if bands}
    stored = {key: bands for key, bands in capstone.EXPERIMENT_TOLERANCES.items()
              if key in measured}
    worst = max(max(r["distance"].values()) for r in measured.values())
    print(f"\nmeasured EXPERIMENT_TOLERANCES: {table}")
    print(f"stored is the measured table: {'yes' if table == stored else 'no'}; the worst "
          f"solution run lies at {worst:.2f} of its stored band from the graded mean; "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
