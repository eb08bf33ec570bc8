"""Reproduce both articles: train what is missing, compare with the articles, write the report.

:func:`reproduce` plans every (settings, seed) run an article needs, trains the missing ones
(two at a time with ``workers=2``; each run on one BLAS thread, so the numbers do not depend on
``workers``), then turns the trained networks into

- ``results.json``: every number, machine-readable (:func:`load_results` reads it back);
- ``results.md``: a table of experiment, setting, the article's number, ours (mean, min, max over
  the seeds), the difference and a one-line verdict, with the findings below it;
- PNG figures (made by :mod:`nnlego.plots`).

The comparison itself (:func:`summarize`) is pure: it takes the trained results and returns rows
and findings, with no I/O. Book: every chapter reads the same results through
:func:`nnlego.experiments.run`. Command line: ``nnlego reproduce``.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np

from . import experiments as ex
from .bricks import brick_weights, hidden_images, top_bricks
from .correlation import adjacent_correlation_map, grid_score

WHICH = ("wth", "savant", "all")
SWEEP_SIZES = (30, 10, 5, 4, 3, 2)
EXTRA_GRIDS = (2, 7, 14)
BRICK_DIGITS = (0, 1, 8)

# The articles' numbers (test accuracy in %).
ARTICLE_SWEEP = {10: 93.43, 5: 86.65, 4: 83.73, 3: 58.75, 2: 22.80}
NIELSEN_30 = 95.0            # "about 95%": Nielsen's book for network.py's 784-30-10
ARTICLE_MATRIX = {("original", "original"): 87.0, ("original", "shuffled"): 11.0,
                  ("shuffled", "original"): 32.0, ("shuffled", "shuffled"): 63.0}
SHUFFLED_VARIANTS = ("savant_once", "savant_each_epoch")


# -- the plan -------------------------------------------------------------------------------------
def plan(which="all", quick=False) -> list:
    """Every :class:`~nnlego.experiments.Settings` that ``which`` needs, in training order."""
    which = _check_which(which)
    settings = []
    if which in ("wth", "all"):
        sizes = (30, 2) if quick else SWEEP_SIZES
        for base in (ex.WTH_NETWORK, ex.WTH_NETWORK2):
            settings += [ex.with_hidden(base, n) for n in sizes]
        settings.append(ex.WTH_CE_LARGE)
    if which in ("savant", "all"):
        settings += [ex.SAVANT_ORIGINAL, ex.SAVANT_ONCE, ex.SAVANT_EACH_EPOCH, ex.SAVANT_FIXED]
        grids = (7,) if quick else EXTRA_GRIDS
        settings += [dataclasses.replace(ex.SAVANT_ONCE, grid=g) for g in grids]
    return [_quick(s) for s in settings] if quick else settings


def _quick(settings):
    """A small version: a few thousand training images, one or two epochs."""
    n_train = 3_000 if settings.dataset == "mnist" else 6_000
    return dataclasses.replace(settings, n_train=n_train, n_epochs=2)


# -- running ------------------------------------------------------------------------------------
def run_all(jobs, *, workers=2, cache=None, progress=None) -> dict:
    """``{(settings, seed): Result}`` for every ``(settings, seed)`` in ``jobs``.

    Cached results load at once; the rest train, ``workers`` at a time, each in a process of its
    own. ``progress`` (optional) has ``planned(n_runs_to_train)``, ``epoch(label, epoch,
    n_epochs, accuracies)`` after every epoch of every run (``accuracies`` maps each test set,
    e.g. ``"test"`` and ``"test_shuffled"``, to its accuracy in [0, 1]), and
    ``done(label, result)``.
    """
    results, missing = {}, []
    for settings, seed in jobs:
        result = ex.cached_result(settings, seed, cache)
        if result is None:
            missing.append((settings, seed))
        else:
            results[settings, seed] = result
    if progress:
        progress.planned(len(missing))
    if workers == 1 or len(missing) <= 1:
        for settings, seed in missing:
            results[settings, seed] = _run_one(settings, seed, cache, progress)
            if progress:
                progress.done(_label(settings, seed), results[settings, seed])
        return results
    context = multiprocessing.get_context("fork")
    events = context.SimpleQueue()          # (label, epoch, n_epochs, accuracies) from workers
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_set_events, initargs=(events,)) as pool:
        futures = {pool.submit(_run_in_worker, settings, seed, cache): (settings, seed)
                   for settings, seed in missing}
        pending = set(futures)
        while pending:
            done, pending = concurrent.futures.wait(
                pending, timeout=0.2, return_when=concurrent.futures.FIRST_COMPLETED)
            while not events.empty():
                event = events.get()
                if progress:
                    progress.epoch(*event)
            for future in done:
                settings, seed = futures[future]
                results[settings, seed] = future.result()
                if progress:
                    progress.done(_label(settings, seed), results[settings, seed])
    return results


def _run_one(settings, seed, cache, progress):
    """``experiments.run`` reporting each epoch to ``progress.epoch(label, ...)``."""
    label = _label(settings, seed)
    report = None
    if progress:
        def report(epoch, n_epochs, history):
            progress.epoch(label, epoch, n_epochs, history.last_eval_accuracy())
    return ex.run(settings, seed=seed, cache=cache, progress=report)


_EVENTS = None                              # a worker process's queue back to the parent


def _set_events(queue):
    global _EVENTS
    _EVENTS = queue


class _QueueProgress:
    def epoch(self, *event):
        _EVENTS.put(event)


def _run_in_worker(settings, seed, cache):
    return _run_one(settings, seed, cache, _QueueProgress())


def _label(settings, seed):
    extra = f" grid {settings.grid}" if settings.grid != 4 and settings.shuffle != "none" else ""
    return f"{settings.name} {settings.n_hidden} hidden{extra}, seed {seed}"


# -- the comparison (pure) -------------------------------------------------------------------
def summarize(results, *, which="all", seeds=(0, 1, 2), quick=False, n_permutations=999) -> dict:
    """Rows of the table and findings, from ``{(settings, seed): Result}``. No I/O."""
    which = _check_which(which)
    summary = {"rows": [], "findings": [], "wth": {}, "savant": {}}
    if which in ("wth", "all"):
        _summarize_wth(results, seeds, quick, summary)
    if which in ("savant", "all"):
        _summarize_savant(results, seeds, quick, n_permutations, summary)
    return summary


def _accuracies(results, settings, seeds, eval_set="test"):
    """Test accuracies in % of ``settings`` over ``seeds``."""
    return [100 * results[settings, s].metrics[eval_set] for s in seeds]


def _row(experiment, setting, article, ours, note=""):
    ours = np.asarray(ours, dtype=float)
    mean = float(ours.mean())
    row = {"experiment": experiment, "setting": setting, "article": article,
           "mean": round(mean, 2), "min": round(float(ours.min()), 2),
           "max": round(float(ours.max()), 2), "runs": [round(float(v), 2) for v in ours]}
    if article is None:
        row["difference"] = None
        row["verdict"] = note or "beyond the article"
        return row
    diff = mean - article
    row["difference"] = round(diff, 2)
    inside = ours.min() <= article <= ours.max()
    if abs(diff) <= 2 or inside:
        verdict = "agrees" + (" (the article's run lies in our seed range)" if inside else "")
    elif abs(diff) <= 6:
        verdict = f"close ({diff:+.1f} points)"
    else:
        verdict = f"differs ({diff:+.1f} points)"
    row["verdict"] = f"{verdict}{'; ' + note if note else ''}"
    return row


def _summarize_wth(results, seeds, quick, summary):
    plan_ = {s.name + str(s.n_hidden): s for s in plan("wth", quick)}
    sweeps = {}
    for base, label in (("wth_network", "network.py"), ("wth_network2", "network2")):
        sweeps[label] = {n: _accuracies(results, plan_[base + str(n)], seeds)
                         for n in (SWEEP_SIZES if not quick else (30, 2))}
    net30 = sweeps["network.py"][30]
    summary["rows"].append(_row("wth 1", "784-30-10, network.py (quadratic, N(0,1), lr 3)",
                                NIELSEN_30, net30, "Nielsen's book, not the article"))
    for label, by_size in sweeps.items():
        for n, accs in by_size.items():
            if n in ARTICLE_SWEEP:
                summary["rows"].append(_row("wth 2", f"784-{n}-10, {label}",
                                            ARTICLE_SWEEP[n], accs))
    distance = {label: float(np.mean([abs(np.mean(by[n]) - ARTICLE_SWEEP[n])
                                      for n in ARTICLE_SWEEP if n in by]))
                for label, by in sweeps.items() if any(n in by for n in ARTICLE_SWEEP)}
    if distance:
        best = min(distance, key=distance.get)
        summary["findings"].append(
            f"Hidden-size sweep: the article's numbers sit closer to {best} (mean distance "
            + ", ".join(f"{k} {v:.1f}" for k, v in distance.items()) + " points).")
    ce_large = _maybe_quick(ex.WTH_CE_LARGE, quick)
    init_l2 = {"N(0,1), quadratic, no L2 (network.py)": net30,
               "N(0,1/n_in), cross-entropy, L2 (network2)": sweeps["network2"][30],
               "N(0,1), cross-entropy, no L2 (control)": _accuracies(results, ce_large, seeds)}
    for setting, accs in init_l2.items():
        summary["rows"].append(_row("wth 3", f"784-30-10, {setting}", None, accs))
    summary["wth"] = {"sweeps": {k: {str(n): v for n, v in by.items()}
                                 for k, by in sweeps.items()},
                      "sweep_distance": distance, "init_l2": init_l2,
                      "top_bricks": _top_bricks(results[plan_["wth_network30"], seeds[0]].net)}


def _top_bricks(net, k=3):
    out = {}
    for digit in BRICK_DIGITS:
        top = top_bricks(net.weights[1], digit, k)
        out[str(digit)] = {"blue": [int(i) for i in top.blue_idx],
                           "blue_weights": [round(float(w), 3) for w in top.blue_w],
                           "red": [int(i) for i in top.red_idx],
                           "red_weights": [round(float(w), 3) for w in top.red_w]}
    return out


def _savant_settings(quick):
    named = [ex.SAVANT_ORIGINAL, ex.SAVANT_ONCE, ex.SAVANT_EACH_EPOCH, ex.SAVANT_FIXED]
    return {s.name: _maybe_quick(s, quick) for s in named}


def _summarize_savant(results, seeds, quick, n_permutations, summary):
    named = _savant_settings(quick)
    acc = {(name, data): _accuracies(results, named[name], seeds, eval_set)
           for name in ("savant_original", *SHUFFLED_VARIANTS)
           for data, eval_set in (("original", "test"), ("shuffled", "test_shuffled"))}
    summary["rows"].append(_row("savant 4", "784-128-10 on original images, tested on original",
                                ARTICLE_MATRIX["original", "original"],
                                acc["savant_original", "original"]))
    summary["rows"].append(_row("savant 5", "original net, tested on shuffled images",
                                ARTICLE_MATRIX["original", "shuffled"],
                                acc["savant_original", "shuffled"]))
    for variant in SHUFFLED_VARIANTS:
        how = "shuffled once" if variant == "savant_once" else "shuffled anew each epoch"
        for data in ("shuffled", "original"):
            summary["rows"].append(_row("savant 5", f"trained {how}, tested on {data}",
                                        ARTICLE_MATRIX["shuffled", data], acc[variant, data]))
    for variant in SHUFFLED_VARIANTS:
        _explain_savant_gap(results, named[variant], seeds, acc, variant, summary)
    matrices = {variant: [[float(np.mean(acc["savant_original", d])) for d in
                           ("original", "shuffled")],
                          [float(np.mean(acc[variant, d])) for d in ("original", "shuffled")]]
                for variant in SHUFFLED_VARIANTS}
    scores = {name: _grid_scores(results, named[name], seeds, 4, n_permutations)
              for name in ("savant_original", *SHUFFLED_VARIANTS)}
    for name, score in scores.items():
        summary["rows"].append(_row("savant 6", f"grid score (x100) of {name}", None,
                                    [100 * s for s in score["score"]],
                                    f"z {min(score['z']):.1f} to {max(score['z']):.1f}, "
                                    f"largest p {max(score['p_value']):.3g}"))
    grids = {}
    for g in ((7,) if quick else EXTRA_GRIDS):
        settings = dataclasses.replace(named["savant_once"], grid=g)
        grids[str(g)] = {"shuffled": _accuracies(results, settings, seeds, "test_shuffled"),
                         "original": _accuracies(results, settings, seeds, "test"),
                         "grid_score": _grid_scores(results, settings, seeds, g,
                                                    n_permutations)["score"]}
        summary["rows"].append(_row("savant 7", f"grid {g}x{g}, trained shuffled once, "
                                    "tested on shuffled", None, grids[str(g)]["shuffled"]))
    fixed = _accuracies(results, named["savant_fixed"], seeds, "test_fixed")
    summary["rows"].append(_row("savant 7", "one fixed derangement for all images, tested "
                                "under it", None, fixed))
    summary["findings"].append(
        f"A fixed permutation costs the MLP nothing ({np.mean(fixed):.1f}% vs "
        f"{np.mean(acc['savant_original', 'original']):.1f}% on original images); a fresh "
        f"derangement per image drops it to {np.mean(acc['savant_once', 'shuffled']):.1f}% "
        f"(shuffled once) / {np.mean(acc['savant_each_epoch', 'shuffled']):.1f}% (each epoch).")
    summary["savant"] = {"accuracy": {f"{k[0]}|{k[1]}": v for k, v in acc.items()},
                         "matrices": matrices, "grid_scores": scores, "grids": grids,
                         "fixed": fixed, "article_matrix": [[87.0, 11.0], [32.0, 63.0]]}


def _explain_savant_gap(results, settings, seeds, acc, variant, summary):
    """Where the article's (63, 32) sits on our savants' learning curves: the epoch whose mean
    accuracies (shuffled, original test images) are nearest to it, as rows of their own."""
    curves = 100 * np.array([[results[settings, s].history.eval_accuracy[k] for s in seeds]
                             for k in ("test_shuffled", "test")])      # (2, seeds, epochs)
    article = np.array([ARTICLE_MATRIX["shuffled", "shuffled"],
                        ARTICLE_MATRIX["shuffled", "original"]])
    distance = np.abs(curves.mean(axis=1) - article[:, None]).sum(axis=0)
    epoch = int(np.argmin(distance))
    for i, data in enumerate(("shuffled", "original")):
        summary["rows"].append(_row(
            "savant 5", f"{variant}, after epoch {epoch + 1} of {settings.n_epochs}, tested "
            f"on {data}", float(article[i]), curves[i, :, epoch],
            "the epoch nearest to the article"))
    final = [(acc[variant, "shuffled"][j], acc[variant, "original"][j]) for j in range(len(seeds))]
    both = sum(abs(a - article[0]) <= 6 and abs(b - article[1]) <= 6 for a, b in final)
    summary["findings"].append(
        f"{variant}: after all {settings.n_epochs} epochs {both} of {len(seeds)} seeds are within "
        f"6 points of the article's 63 and 32 on both test sets; the mean is "
        f"{np.mean(acc[variant, 'shuffled']):.1f} / {np.mean(acc[variant, 'original']):.1f}. "
        f"Our savants learn more than the article's: its pair is where ours stand after epoch "
        f"{epoch + 1} ({curves[0, :, epoch].mean():.1f} / {curves[1, :, epoch].mean():.1f}), and "
        f"the accuracy on original images spreads over {np.ptp(acc[variant, 'original']):.1f} "
        "points between seeds, so a single run (the article's) says little.")


def _grid_scores(results, settings, seeds, grid, n_permutations):
    out = {"score": [], "z": [], "p_value": []}
    for seed in seeds:
        W1 = results[settings, seed].net.weights[0]
        gs = grid_score(W1, grid, rng=np.random.default_rng(seed), n_permutations=n_permutations)
        out["score"].append(round(float(gs.score), 4))
        out["z"].append(round(float(gs.z), 2))
        out["p_value"].append(float(gs.p_value))
    return out


# -- the report (I/O) ---------------------------------------------------------------------------
def reproduce(which="all", out="results", seeds=3, quick=False, workers=2, progress=None,
              cache=None) -> dict:
    """Train what is missing, write figures, ``results.json`` and ``results.md`` into ``out``.

    Returns the dict stored in ``results.json``.
    """
    which = _check_which(which)
    seeds = _check_count("seeds", seeds)
    workers = _check_count("workers", workers)
    out = _writable_dir(out)
    seed_list = tuple(range(seeds))
    start = time.perf_counter()
    jobs = [(s, seed) for s in plan(which, quick) for seed in seed_list]
    results = run_all(jobs, workers=workers, cache=cache, progress=progress)
    train_seconds = time.perf_counter() - start
    summary = summarize(results, which=which, seeds=seed_list, quick=quick,
                        n_permutations=99 if quick else 999)
    figures = _write_figures(results, out, which, quick, seed_list, summary)
    record = {"which": which, "seeds": list(seed_list), "quick": quick, **summary,
              "figures": figures, "timing": _timing(results, train_seconds,
                                                    time.perf_counter() - start),
              "runs": [{"settings": s.name, "n_hidden": s.n_hidden, "grid": s.grid,
                        "seed": seed, "metrics": r.metrics, "cached": r.cached}
                       for (s, seed), r in results.items()]}
    (out / "results.json").write_text(json.dumps(record, indent=1))
    (out / "results.md").write_text(results_markdown(record))
    return record


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


def _write_figures(results, out, which, quick, seeds, summary) -> list:
    from . import plots
    figures = {}
    seed = seeds[0]
    if which in ("wth", "all"):
        first = results[_maybe_quick(ex.WTH_NETWORK, quick), seed]        # network.py, 30 hidden
        second = results[_maybe_quick(ex.WTH_NETWORK2, quick), seed]      # network2, 30 hidden
        W1, W2 = first.net.weights
        figures["wth_hidden_images.png"] = plots.plot_weight_images(
            hidden_images(W1), ncols=10, titles=[f"neuron {j}" for j in range(W1.shape[1])],
            suptitle="What each of the 30 hidden neurons likes (blue) and dislikes (red)")
        figures["wth_output_bricks.png"] = plots.plot_weight_images(
            np.stack([brick_weights(W2, d) for d in range(10)]), ncols=5,
            titles=[f"digit {d}" for d in range(10)],
            suptitle="Output neurons: the weight of each hidden neuron (5 x 6 grid)")
        for digit in BRICK_DIGITS:
            figures[f"wth_collage_{digit}.png"] = plots.plot_brick_collage(W1, W2, digit, 3)
        figures["wth_assembled_bricks.png"] = plots.plot_assembled_bricks(W1, W2)
        ax = plots.plot_hidden_size_sweep(
            {k: {int(n): v for n, v in by.items()} for k, by in summary["wth"]["sweeps"].items()},
            ARTICLE_SWEEP)
        figures["wth_sweep.png"] = ax.figure
        both = np.concatenate([hidden_images(W1)[:10], hidden_images(second.net.weights[0])[:10]])
        figures["wth_init_l2_images.png"] = plots.plot_weight_images(
            both, ncols=10, titles=[f"N(0,1) #{j}" for j in range(10)]
            + [f"N(0,1/n) L2 #{j}" for j in range(10)],
            suptitle="Top row: N(0,1), no L2. Bottom row: N(0,1/n_in) with L2")
        figures["wth_init_l2_curves.png"] = plots.plot_training_curves(
            {"N(0,1), no L2": first.history, "N(0,1/n_in), L2": second.history})
    if which in ("savant", "all"):
        named = _savant_settings(quick)
        X_shuffled, _, _ = ex.shuffled_test_set(4)
        X_test = ex._dataset("fashion-mnist").test.X
        figures["savant_tile_shuffle.png"] = plots.plot_tile_shuffle(
            X_test[:6].reshape(-1, 28, 28), X_shuffled[:6].reshape(-1, 28, 28), 4)
        for variant in SHUFFLED_VARIANTS:
            ax = plots.plot_accuracy_matrix(
                np.array(summary["savant"]["matrices"][variant]) / 100,
                ["trained on original", "trained on shuffled"],
                ["tested on original", "tested on shuffled"],
                reference=np.array(summary["savant"]["article_matrix"]) / 100,
                title=variant)
            figures[f"savant_matrix_{variant}.png"] = ax.figure
        maps = {name: adjacent_correlation_map(results[named[name], seed].net.weights[0])
                for name in ("savant_original", *SHUFFLED_VARIANTS)}
        figures["savant_correlation_maps.png"] = plots.plot_correlation_maps(maps, 4)
        for g in ((7,) if quick else EXTRA_GRIDS):
            settings = dataclasses.replace(named["savant_once"], grid=g)
            figures[f"savant_correlation_grid{g}.png"] = plots.plot_correlation_maps(
                {f"shuffled once, grid {g}": adjacent_correlation_map(
                    results[settings, seed].net.weights[0])}, g)
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
    return sorted(figures)


def _maybe_quick(settings, quick):
    return _quick(settings) if quick else settings


# -- checks -----------------------------------------------------------------------------------
def _check_which(which):
    if which not in WHICH:
        raise ValueError(f"experiment must be one of {', '.join(WHICH)}, got {which!r}")
    return which


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


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
