"""Article 1: "WTH does a neural network even learn? A newcomer's dilemma" (Nityesh Agarwal).

The article trains the network of chapter 1 of Michael Nielsen's *Neural Networks and Deep
Learning* (network.py: 784-30-10 sigmoid, quadratic cost, N(0, 1) weights, SGD with lr 3.0 on
mini-batches of 10, 30 epochs), draws its hidden neurons as "Lego bricks", shrinks the hidden
layer, and compares network.py's weights with network2's (cross-entropy, N(0, 1/n_in), L2).

Here: its quoted numbers, the named settings, the plan, and the functions that turn trained runs
(``{key: [Result per seed]}``, see :mod:`nnlego.articles`) into the book's and ``results.md``'s
tables. Book: chapters 5 to 8.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import experiments
from ..bricks import top_bricks
from ..experiments import Settings, with_hidden
from . import wth_bricks
from ._compare import accuracies, row

# -- what the article reports ------------------------------------------------------------
ARTICLE_SWEEP = {10: 93.43, 5: 86.65, 4: 83.73, 3: 58.75, 2: 22.80}   # test accuracy in %
NIELSEN_30 = 95.0        # "about 95%": Nielsen's book for network.py's 784-30-10, not the article
# The article's top-3 bricks (hidden-neuron indices) of digits 0, 1 and 8, strongest first.
ARTICLE_TOP_BRICKS = {0: {"blue": (3, 6, 26), "red": (5, 18, 22)},
                      1: {"blue": (0, 11, 16), "red": (7, 20)},
                      8: {"blue": (1, 6, 14), "red": (7, 24, 27)}}
BRICK_DIGITS = tuple(ARTICLE_TOP_BRICKS)
SWEEP_SIZES = (30, 10, 5, 4, 3, 2)
QUICK_SWEEP_SIZES = (30, 2)

# -- the settings: Nielsen's two recipes, and one change at a time between them -------------------
NETWORK = Settings(
    name="wth_network", dataset="mnist", sizes=(784, 30, 10), activations=("sigmoid", "sigmoid"),
    cost="quadratic", init="large", optimizer="sgd", lr=3.0, batch_size=10, n_epochs=30)
NETWORK2 = dataclasses.replace(
    NETWORK, name="wth_network2", cost="cross_entropy", init="scaled", lr=0.5,
    l2=5.0 / 50_000)                    # Nielsen's lambda = 5.0 over n = 50,000 training images
CE_LARGE = dataclasses.replace(NETWORK2, name="wth_ce_large", init="large", l2=0.0)
CE_SCALED = dataclasses.replace(NETWORK2, name="wth_ce_scaled", l2=0.0)
CE_LARGE_L2 = dataclasses.replace(NETWORK2, name="wth_ce_large_l2", init="large")
# 3blue1brown's network: two hidden layers of 16, trained with network.py's recipe (our choice:
# the videos show the architecture, not a recipe).
THREE_B1B = dataclasses.replace(NETWORK, name="wth_3b1b", sizes=(784, 16, 16, 10),
                                activations=("sigmoid", "sigmoid", "sigmoid"))
RECIPES = {"network.py": NETWORK, "network2": NETWORK2}
# Chapter 8's runs: each pair differs in exactly one setting (the cost keeps its own lr).
ONE_CHANGE = {"N(0,1), quadratic, no L2 (network.py)": "network.py 30",
              "N(0,1), cross-entropy, no L2": "ce_large",
              "N(0,1/n_in), cross-entropy, no L2": "ce_scaled",
              "N(0,1), cross-entropy, L2": "ce_large_l2",
              "N(0,1/n_in), cross-entropy, L2 (network2)": "network2 30"}
SNAPSHOT_RUNS = (NETWORK,)    # seed 0's weights while it trains (chapter 5; nnlego.snapshots)
NAMED = {s.name: s for s in (NETWORK, NETWORK2, CE_LARGE, CE_SCALED, CE_LARGE_L2, THREE_B1B)}
experiments.register(*NAMED.values())


def plan(quick: bool = False) -> dict:
    """``{key: Settings}``: the sweep of both recipes, the one-change runs, 3blue1brown's net."""
    sizes = QUICK_SWEEP_SIZES if quick else SWEEP_SIZES
    settings = {f"{recipe} {n}": with_hidden(base, n)
                for recipe, base in RECIPES.items() for n in sizes}
    settings.update({"ce_large": CE_LARGE, "ce_scaled": CE_SCALED, "ce_large_l2": CE_LARGE_L2,
                     "3b1b": THREE_B1B})
    return {k: experiments.quick(s) for k, s in settings.items()} if quick else settings


# -- the analyses ------------------------------------------------------------
def sweep(runs) -> dict:
    """``{recipe: {n_hidden: [test accuracy % per seed]}}`` for every size in ``runs``."""
    out = {}
    for key in runs:
        recipe, _, n = key.rpartition(" ")
        if recipe in RECIPES:
            out.setdefault(recipe, {})[int(n)] = accuracies(runs, key)
    return out


def sweep_distance(sweeps) -> dict:
    """``{recipe: mean |ours - article|}`` in points over the article's sizes we ran."""
    return {recipe: float(np.mean([abs(np.mean(by[n]) - ARTICLE_SWEEP[n])
                                   for n in ARTICLE_SWEEP if n in by]))
            for recipe, by in sweeps.items() if any(n in by for n in ARTICLE_SWEEP)}


def one_change(runs) -> dict:
    """``{label: [test accuracy % per seed]}`` of chapter 8's one-change-at-a-time runs."""
    return {label: accuracies(runs, key) for label, key in ONE_CHANGE.items() if key in runs}


def top_bricks_table(net, digits=BRICK_DIGITS, k=3) -> dict:
    """``{digit: {"blue": [...], "blue_weights": [...], "red": [...], "red_weights": [...]}}``."""
    out = {}
    for digit in digits:
        top = top_bricks(net.weights[1], digit, k)
        out[str(digit)] = {"blue": [int(i) for i in top.blue_idx],
                           "blue_weights": [round(float(w), 3) for w in top.blue_w],
                           "red": [int(i) for i in top.red_idx],
                           "red_weights": [round(float(w), 3) for w in top.red_w]}
    return out


def summary(runs) -> dict:
    """Every number of the article's part of ``results.json``."""
    sweeps = sweep(runs)
    return {"sweeps": {r: {str(n): v for n, v in by.items()} for r, by in sweeps.items()},
            "sweep_distance": sweep_distance(sweeps), "one_change": one_change(runs),
            "top_bricks": top_bricks_table(runs["network.py 30"][0].net),
            "article_top_bricks": {str(d): v for d, v in ARTICLE_TOP_BRICKS.items()},
            "three_b1b": accuracies(runs, "3b1b"), "hierarchy": wth_bricks.hierarchy(runs),
            "partial_use": wth_bricks.partial_use(runs),
            "output_use": wth_bricks.output_partial_use(runs),
            "brick_questions": wth_bricks.brick_questions(runs),
            "knockouts": wth_bricks.knockouts(runs),
            "negative_drive": wth_bricks.negative_drive_table(runs),
            "seed_matching": wth_bricks.seed_matching(runs),
            "permutation_check": wth_bricks.permutation_check(runs["network.py 30"][0]),
            "cleanliness": wth_bricks.cleanliness(runs, ONE_CHANGE)}


def rows(runs, summary_=None) -> list:
    """The article's rows of ``results.md`` (``summary_``: :func:`summary` of ``runs``, if the
    caller has it already; its analyses are not computed twice)."""
    summary_ = summary(runs) if summary_ is None else summary_
    sweeps = sweep(runs)
    out = [row("wth 1", "784-30-10, network.py (quadratic, N(0,1), lr 3)", NIELSEN_30,
               sweeps["network.py"][30], "Nielsen's book, not the article")]
    out += [row("wth 2", f"784-{n}-10, {recipe}", ARTICLE_SWEEP[n], accs)
            for recipe, by in sweeps.items() for n, accs in by.items() if n in ARTICLE_SWEEP]
    out += [row("wth 3", f"784-30-10, {label}", None, accs)
            for label, accs in one_change(runs).items()]
    out.append(row("wth 1", "784-16-16-10 (3blue1brown's), network.py's recipe", None,
                   accuracies(runs, "3b1b")))
    return out + _argument_rows(summary_)


def _argument_rows(s) -> list:
    """The rows that test the article's argument (chapters 5, 6, 8), from :func:`summary`."""
    h, use = s["hierarchy"], s["partial_use"]
    out = [row("wth 4", "3b1b first layer: smoothness inside the ink, trained", None,
               h["trained"], f"untrained {np.mean(h['untrained']):.3f}, edge/loop templates "
               f"{h['templates']:.3f}"),
           row("wth 4", "3b1b first layer: r^2 of the best edge/loop template, trained", None,
               h["best_r2_trained"], f"untrained {np.mean(h['best_r2_untrained']):.3f}"),
           row("wth 5", "784-30-10: % of activations between 0.1 and 0.9 (partial use)", None,
               [100 * v for v in use["between"]]),
           row("wth 5", "784-30-10: % of (neuron, digit) pairs on for 10-90% of the digit's "
               "images", None, [100 * v for v in use["digit_cells_between"]])]
    out += _output_use_rows(s)
    knock = s["knockouts"]
    for d in BRICK_DIGITS:
        by = knock[str(d)]
        out.append(row("wth 5", f"digit {d}: recall drop (points) with its top-3 blue bricks "
                       "out", None, [100 * v for v in by["top3"]],
                       f"3 random neurons out: {100 * np.mean(by['random_mean']):.1f} points"))
    drive = s["negative_drive"]
    out.append(row("wth 5", "digit 8: % of its output's drive from negative terms", None,
                   [100 * seed[8] for seed in drive["per_seed"]],
                   f"rank of 8 among the digits per seed: {drive['rank_of_8']}"))
    matched = s["seed_matching"]
    if matched["trained"]:
        out.append(row("wth 5", "matched r of hidden neurons between seeds, trained", None,
                       matched["trained"], f"untrained {np.mean(matched['untrained']):.3f}, "
                       f"pixels shuffled {np.mean(matched['pixels_shuffled']):.3f}"))
    for label, c in s["cleanliness"].items():
        out.append(row("wth 6", f"1000 x mean |w| at never-inked pixels, {label}", None,
                       [1000 * w for w in c["blank_weight"]["runs"]],
                       f"smoothness {c['smoothness']['mean']:.3f}"))
    return out


def _output_use_rows(s) -> list:
    """Partial use in the article's sense, and chapter 5's questions (from :func:`summary`)."""
    use, questions = s["output_use"], s["brick_questions"]
    rings = questions["rings"]
    return [row("wth 5", "784-30-10: bricks carrying 80% of a digit's drive (mean over digits)",
                None, [float(np.mean(n)) for n in use["n_for_fraction"]],
                f"range {min(map(min, use['n_for_fraction']))} to "
                f"{max(map(max, use['n_for_fraction']))}"),
            row("wth 5", "784-30-10: ring score of 0's top-3 blue bricks (mean)", None,
                [float(np.mean(r["top"])) for r in rings],
                f"other neurons {np.mean([np.mean(r['others']) for r in rings]):.2f}, "
                f"the mean 0 {rings[0]['digit_mean']:.2f}"),
            row("wth 5", "784-30-10: 0's strongest red brick on for every digit (1 = yes)",
                None, [float(red[0]["always_on"]) for red in questions["reds"]])]


def findings(runs) -> list:
    """One-line findings for ``results.md``."""
    distance = sweep_distance(sweep(runs))
    if not distance:
        return []
    best = min(distance, key=distance.get)
    return [f"Hidden-size sweep: the article's numbers sit closer to {best} (mean distance "
            + ", ".join(f"{k} {v:.1f}" for k, v in distance.items()) + " points)."]


def figures(runs) -> dict:
    """``{file name: Figure}`` of the article's figures (seed 0)."""
    from .. import plots
    from ..bricks import brick_weights, hidden_images
    first, second = runs["network.py 30"][0], runs["network2 30"][0]
    W1, W2 = first.net.weights
    figs = {"wth_hidden_images.png": plots.plot_weight_images(
                hidden_images(W1), ncols=10, titles=[f"neuron {j}" for j in range(W1.shape[1])],
                suptitle="What each of the 30 hidden neurons likes (blue) and dislikes (red)"),
            "wth_output_bricks.png": plots.plot_weight_images(
                np.stack([brick_weights(W2, d) for d in range(10)]), ncols=5,
                titles=[f"digit {d}" for d in range(10)],
                suptitle="Output neurons: the weight of each hidden neuron (5 x 6 grid)"),
            "wth_assembled_bricks.png": plots.plot_assembled_bricks(W1, W2),
            "wth_sweep.png": plots.plot_hidden_size_sweep(sweep(runs), ARTICLE_SWEEP).figure}
    for digit in BRICK_DIGITS:
        figs[f"wth_collage_{digit}.png"] = plots.plot_brick_collage(W1, W2, digit, 3)
    both = np.concatenate([hidden_images(W1)[:10], hidden_images(second.net.weights[0])[:10]])
    figs["wth_init_l2_images.png"] = plots.plot_weight_images(
        both, ncols=10, titles=[f"N(0,1) #{j}" for j in range(10)]
        + [f"N(0,1/n) L2 #{j}" for j in range(10)],
        suptitle="Top row: N(0,1), no L2. Bottom row: N(0,1/n_in) with L2")
    return figs
