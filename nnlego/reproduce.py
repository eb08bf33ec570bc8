"""Reproduce both articles: train what is missing, then write the articles' report.

A thin runner over the articles' plans (:mod:`nnlego.articles`): :func:`reproduce` collects the
runs every plan needs for every seed, trains the missing ones (:func:`nnlego.runner.run_all`),
and writes into ``out``

- ``results.json``: every number (:func:`load_results` reads it back);
- ``results.md``: each article's rows (experiment, setting, the article's number, ours as mean
  [min, max] over the seeds, the difference, a verdict), its findings, and the timing;
- the articles' PNG figures.

Every number comes from the article modules' functions, which the book's chapters call too.
Command line: ``nnlego reproduce``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from . import experiments
from ._validation import check_choice, check_positive_int
from .articles import ARTICLES
from .files import write_text, writing
from .runner import run_all
from .snapshots import load_snapshots

WHICH = ("wth", "savant", "all")


def plans(which="all", quick=False) -> dict:
    """``{article: {key: Settings}}`` for ``which`` (``wth``, ``savant`` or ``all``)."""
    check_choice("experiment", which, WHICH)
    return {name: module.plan(quick) for name, module in ARTICLES.items()
            if which in (name, "all")}


def reproduce(which="all", out="results", seeds=3, quick=False, workers=2, progress=None,
              cache=None) -> dict:
    """Train what is missing, write figures, ``results.json`` and ``results.md`` into ``out``.

    Returns the dict stored in ``results.json``.
    """
    planned = plans(which, quick)
    seeds = check_positive_int("seeds", seeds)
    workers = check_positive_int("workers", workers)
    out = _writable_dir(out)
    start = time.perf_counter()
    jobs = [(s, seed) for plan in planned.values() for s in plan.values() for seed in range(seeds)]
    results = run_all(jobs, workers=workers, cache=cache, progress=progress)
    record_snapshots(planned, quick, cache)
    train_seconds = time.perf_counter() - start
    record = {"which": which, "seeds": list(range(seeds)), "quick": quick, "rows": [],
              "findings": [], "figures": []}
    for name, plan in planned.items():
        module = ARTICLES[name]
        runs = {key: [results[s, seed] for seed in range(seeds)] for key, s in plan.items()}
        record[name] = module.summary(runs)
        record["rows"] += module.rows(runs, record[name])
        record["findings"] += module.findings(runs)
        for file_name, fig in module.figures(runs).items():
            with writing(out / file_name) as handle:
                fig.savefig(handle, dpi=110, format=Path(file_name).suffix[1:])
            record["figures"].append(file_name)
    record["figures"].sort()
    record["timing"] = _timing(results, train_seconds, time.perf_counter() - start)
    record["runs"] = [{"settings": s.name, "n_hidden": s.n_hidden, "grid": s.grid, "seed": seed,
                       "metrics": r.metrics, "cached": r.cached}
                      for (s, seed), r in results.items()]
    write_text(out / "results.json", json.dumps(record, indent=1))
    write_text(out / "results.md", results_markdown(record))
    return record


def record_snapshots(planned, quick=False, cache=None):
    """Seed 0's weight snapshots of each article's ``SNAPSHOT_RUNS`` (:mod:`nnlego.snapshots`):
    recorded into the results cache if missing, so the book never trains (none without a cache)."""
    if cache is False:
        return
    for name in planned:
        for settings in ARTICLES[name].SNAPSHOT_RUNS:
            load_snapshots(experiments.quick(settings) if quick else settings, 0, cache=cache)


def book_entries(seeds=3, cache=None) -> dict:
    """``{key: label}``: the results-cache entries of every run :func:`reproduce` makes for both
    articles (``seeds`` each), the ones the book reads; what ``nnlego results pack`` packs."""
    store = experiments._as_cache(cache)
    entries = {}
    for name, plan in plans("all").items():
        for key, settings in plan.items():
            fingerprint = experiments._fingerprint(settings)
            for seed in range(check_positive_int("seeds", seeds)):
                entries[store.key(settings, seed, fingerprint)] = f"{name}: {key}, seed {seed}"
    return entries


def load_results(out="results") -> dict:
    """The dict that :func:`reproduce` stored in ``out/results.json``."""
    path = Path(out) / "results.json"
    if not path.is_file():
        raise FileNotFoundError(f"no results at {str(path)!r}: run `nnlego reproduce --out {out}`")
    return json.loads(path.read_text())


def _timing(results, train_seconds, total_seconds):
    per = {}
    for (settings, _), result in results.items():
        if not result.cached:
            per[settings.name] = round(per.get(settings.name, 0) + result.metrics["seconds"], 1)
    return {"wall_seconds_training": round(train_seconds, 1),
            "wall_seconds_total": round(total_seconds, 1),
            "trained_runs": sum(not r.cached for r in results.values()),
            "cached_runs": sum(r.cached for r in results.values()),
            "cpu_seconds_per_experiment": per}


def results_markdown(record) -> str:
    """``results.md``: the table, then the findings and the timing."""
    lines = [f"# nnlego reproduce {record['which']}"
             + (" (--quick: checks the pipeline, not the numbers)" if record["quick"] else ""),
             "", f"Seeds: {record['seeds']}. Accuracies in %, ours as mean [min, max] over the "
             "seeds.", "",
             "| experiment | setting | article | ours: mean [min, max] | difference | verdict |",
             "|---|---|---|---|---|---|"]
    for row in record["rows"]:
        article = "" if row["article"] is None else f"{row['article']:.2f}"
        diff = "" if row["difference"] is None else f"{row['difference']:+.2f}"
        lines.append(f"| {row['experiment']} | {row['setting']} | {article} | "
                     f"{row['mean']:.2f} [{row['min']:.2f}, {row['max']:.2f}] | {diff} | "
                     f"{row['verdict']} |")
    lines += ["", "## Findings", ""] + [f"- {f}" for f in record["findings"]]
    timing = record["timing"]
    lines += ["", "## Timing", "",
              f"{timing['trained_runs']} runs trained, {timing['cached_runs']} from the cache; "
              f"training {timing['wall_seconds_training']} s, total "
              f"{timing['wall_seconds_total']} s (wall clock).", ""]
    lines += [f"- {name}: {sec} s of training (summed over runs)"
              for name, sec in timing["cpu_seconds_per_experiment"].items()]
    return "\n".join(lines) + "\n"


def _writable_dir(out) -> Path:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"--out {str(out)!r} cannot be created ({error.strerror}); "
                              "choose a writable directory") from None
    if not os.access(out, os.W_OK):
        raise PermissionError(f"--out {str(out)!r} is not writable; choose a writable directory")
    return out
