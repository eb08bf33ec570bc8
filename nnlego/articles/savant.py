"""Article 2: "Savant syndrome of neural networks" (Frank Zielen).

The article trains Keras' tutorial network (784-128 relu-10 softmax, Adam 1e-3, batch 32, 5
epochs) on Fashion-MNIST, cuts every image into a 4 x 4 grid of tiles and permutes the tiles by a
random derangement per image, and reports a 2 x 2 accuracy matrix (trained on original / shuffled
x tested on original / shuffled) and correlation maps of neighbouring pixels' weight vectors. It
ends with two questions: is the shuffle a form of data augmentation, and would the network treat
it as one more degree of freedom?

Here: its quoted numbers, the named settings (ours go beyond the article: the shuffle every
epoch, one fixed permutation, mixed training, permutations with fixed points, other grids), the
plan, and the analyses. One grid-score null everywhere, :data:`NULL` = ``"offsets"``: the score
of the true grid against the same grid shifted to every other offset. A structure that merely
varies smoothly over the image scores about as high on shifted grids; only one locked to the tile
boundaries beats them all. (Permuting the within/across labels of pairs, the other null of
:func:`nnlego.correlation.grid_score`, ignores that neighbouring pairs are correlated with each
other and gives p-values that are far too small.) Book: chapters 9 and 10.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from .. import experiments
from .._validation import check_positive_int
from ..correlation import adjacent_correlation_map, grid_score, straddle_mask
from ..costs import one_hot
from ..experiments import Settings
from ..network import Network
from ..optimizers import Adam
from ..runtime import single_thread
from ..subnormals import FLUSH_EVERY, count_subnormal
from ._compare import accuracies, row, spread

# -- what the article reports (test accuracy in %) -----------------------------------------------
ARTICLE_MATRIX = {("original", "original"): 87.0, ("original", "shuffled"): 11.0,
                  ("shuffled", "original"): 32.0, ("shuffled", "shuffled"): 63.0}
DATA = ("original", "shuffled")
EVAL_SET = {"original": "test", "shuffled": "test_shuffled"}
NULL = "offsets"
EXTRA_GRIDS = (2, 7, 14)
QUICK_GRIDS = (7,)

# -- the settings ------------------------------------------------------------
ORIGINAL = Settings(
    name="savant_original", dataset="fashion-mnist", sizes=(784, 128, 10),
    activations=("relu", "softmax"), cost="categorical_cross_entropy", init="glorot_uniform",
    optimizer="adam", lr=1e-3, batch_size=32, n_epochs=5)
ONCE = dataclasses.replace(ORIGINAL, name="savant_once", derange="once")
EACH_EPOCH = dataclasses.replace(ORIGINAL, name="savant_each_epoch", derange="each_epoch")
FIXED = dataclasses.replace(ORIGINAL, name="savant_fixed", derange="fixed")
MIXED = dataclasses.replace(ORIGINAL, name="savant_mixed", derange="mixed")
PERMUTATIONS = dataclasses.replace(ORIGINAL, name="savant_permutations", derange="permutations")
NAMED = {s.name: s for s in (ORIGINAL, ONCE, EACH_EPOCH, FIXED, MIXED, PERMUTATIONS)}
experiments.register(*NAMED.values())
SNAPSHOT_RUNS = (ONCE,)       # seed 0's weights while it trains (chapter 10; nnlego.snapshots)
VARIANTS = ("once", "each_epoch")           # the article's shuffled network, read two ways
# Every network trained on images in some order, for the augmentation question.
TRAINED_ON = {"original": "original images", "once": "derangements (once)",
              "each_epoch": "derangements (each epoch)", "mixed": "half originals, half "
              "derangements", "permutations": "uniform permutations (tiles may stay)"}


def plan(quick: bool = False) -> dict:
    """``{key: Settings}``: the named networks and the savant at other grid sizes."""
    settings = {"original": ORIGINAL, "once": ONCE, "each_epoch": EACH_EPOCH, "fixed": FIXED,
                "mixed": MIXED, "permutations": PERMUTATIONS}
    for grid in QUICK_GRIDS if quick else EXTRA_GRIDS:
        settings[f"once grid {grid}"] = dataclasses.replace(ONCE, grid=grid)
    return {k: experiments.quick(s) for k, s in settings.items()} if quick else settings


# -- the analyses ------------------------------------------------------------
def accuracy_matrix(runs, variant="once") -> dict:
    """The article's 2 x 2 matrix: rows trained on original / ``variant``, columns tested on
    original / shuffled; ``{"mean", "min", "max"}``, each ``[[.,.],[.,.]]`` in %, over seeds."""
    cells = [[spread(accuracies(runs, key, EVAL_SET[data])) for data in DATA]
             for key in ("original", variant)]
    return {stat: [[cell[stat] for cell in line] for line in cells]
            for stat in ("mean", "min", "max")}


def article_matrix() -> list:
    """The article's matrix in the layout of :func:`accuracy_matrix`."""
    return [[ARTICLE_MATRIX[trained, tested] for tested in DATA] for trained in DATA]


def curves(runs, key) -> dict:
    """``{"original": (seeds, epochs), "shuffled": ...}``: test accuracy in % after each epoch."""
    return {data: 100 * np.array([r.history.eval_accuracy[EVAL_SET[data]] for r in runs[key]])
            for data in DATA}


def nearest_epoch(runs, key) -> dict:
    """The epoch whose mean accuracies (shuffled, original) lie nearest the article's (63, 32)."""
    c = curves(runs, key)
    target = {d: ARTICLE_MATRIX["shuffled", d] for d in DATA}
    distance = sum(np.abs(c[d].mean(axis=0) - target[d]) for d in DATA)
    epoch = int(np.argmin(distance))
    final_both = sum(all(abs(c[d][s, -1] - target[d]) <= 6 for d in DATA)
                     for s in range(len(runs[key])))
    return {"epoch": epoch + 1, "n_epochs": c["original"].shape[1],
            **{d: spread(c[d][:, epoch]) for d in DATA}, "seeds_within_6_at_end": final_both}


def grid_scores(runs, key) -> dict:
    """Grid score, z and p (null :data:`NULL`) of every seed of ``runs[key]``, at its grid."""
    out = {"score": [], "z": [], "p_value": []}
    for result in runs[key]:
        gs = grid_score(result.net.weights[0], result.settings.grid, null=NULL)
        out["score"].append(round(float(gs.score), 4))
        out["z"].append(round(float(gs.z), 2))
        out["p_value"].append(round(float(gs.p_value), 4))
    return out


def straddling_pairs(grid, side=28) -> dict:
    """How many of the adjacent pixel pairs straddle a tile boundary for ``grid`` tiles a side."""
    mask = straddle_mask(side, side // grid)
    n_pairs, n = mask.size, int(mask.sum())
    return {"grid": grid, "tile_pixels": side // grid, "straddling": n, "pairs": n_pairs,
            "fraction": round(n / n_pairs, 4)}


def augmentation(runs) -> dict:
    """``{key: {"original": [...], "shuffled": [...], "grid_score": [...]}}`` for every network
    trained on images in some order (:data:`TRAINED_ON`): the augmentation question."""
    return {key: {**{d: accuracies(runs, key, EVAL_SET[d]) for d in DATA},
                  "grid_score": grid_scores(runs, key)["score"]}
            for key in TRAINED_ON if key in runs}


def grids(runs) -> dict:
    """``{grid: {"shuffled", "original", "grid_score", "straddling"}}`` for every grid run."""
    keys = {4: "once", **{int(k.rsplit(" ", 1)[1]): k for k in runs if k.startswith("once grid")}}
    return {g: {**{d: accuracies(runs, key, EVAL_SET[d]) for d in DATA},
                "grid_score": grid_scores(runs, key)["score"], **straddling_pairs(g)}
            for g, key in sorted(keys.items())}


def summary(runs) -> dict:
    """Every number of the article's part of ``results.json``."""
    return {"matrices": {v: accuracy_matrix(runs, v) for v in VARIANTS},
            "article_matrix": article_matrix(),
            "nearest_epoch": {v: nearest_epoch(runs, v) for v in VARIANTS},
            "grid_scores": {k: grid_scores(runs, k) for k in ("original", *VARIANTS)},
            "augmentation": augmentation(runs),
            "grids": {str(g): v for g, v in grids(runs).items()},
            "fixed": accuracies(runs, "fixed", "test_fixed")}


def rows(runs, summary_=None) -> list:
    """The article's rows of ``results.md`` (``summary_``: :func:`summary` of ``runs``, if the
    caller has it already; its grid scores are not computed twice)."""
    s = summary(runs) if summary_ is None else summary_
    out = [row("savant 4", "784-128-10 on original images, tested on original",
               ARTICLE_MATRIX["original", "original"], accuracies(runs, "original")),
           row("savant 5", "original net, tested on shuffled images",
               ARTICLE_MATRIX["original", "shuffled"],
               accuracies(runs, "original", "test_shuffled"))]
    for variant in VARIANTS:
        for data in ("shuffled", "original"):
            out.append(row("savant 5", f"trained {TRAINED_ON[variant]}, tested on {data}",
                           ARTICLE_MATRIX["shuffled", data],
                           accuracies(runs, variant, EVAL_SET[data])))
        near = s["nearest_epoch"][variant]
        for data in ("shuffled", "original"):
            out.append(row("savant 5", f"{variant}, after epoch {near['epoch']} of "
                           f"{near['n_epochs']}, tested on {data}",
                           ARTICLE_MATRIX["shuffled", data], near[data]["runs"],
                           "the epoch nearest to the article"))
    for key in ("original", *VARIANTS):
        score = s["grid_scores"][key]
        out.append(row("savant 6", f"grid score (x100) of {key}", None,
                       [100 * v for v in score["score"]],
                       f"z {min(score['z']):.1f} to {max(score['z']):.1f}, largest p "
                       f"{max(score['p_value']):.3g} (null: shifted grids)"))
    for key, acc in s["augmentation"].items():
        if key in ("mixed", "permutations"):
            for data in DATA:
                out.append(row("savant 8", f"trained on {TRAINED_ON[key]}, tested on {data}",
                               None, acc[data]))
    for g, by in s["grids"].items():
        if g != "4":
            out.append(row("savant 7", f"grid {g}x{g}, trained shuffled once, tested on "
                           "shuffled", None, by["shuffled"]))
    out.append(row("savant 7", "one fixed derangement for all images, tested under it", None,
                   accuracies(runs, "fixed", "test_fixed")))
    return out


def findings(runs) -> list:
    """One-line findings for ``results.md``."""
    out = []
    for variant in VARIANTS:
        near = nearest_epoch(runs, variant)
        out.append(
            f"{variant}: after all {near['n_epochs']} epochs {near['seeds_within_6_at_end']} of "
            f"{len(runs[variant])} seeds are within 6 points of the article's 63 and 32 on both "
            f"test sets; its pair is where ours stand after epoch {near['epoch']} "
            f"({near['shuffled']['mean']:.1f} / {near['original']['mean']:.1f}).")
    fixed = np.mean(accuracies(runs, "fixed", "test_fixed"))
    out.append(f"A fixed permutation costs the MLP nothing ({fixed:.1f}% vs "
               f"{np.mean(accuracies(runs, 'original')):.1f}% on original images).")
    if "permutations" in runs:
        perm = np.mean(accuracies(runs, "permutations"))
        der = np.mean(accuracies(runs, "each_epoch"))
        out.append(f"Trained on uniform permutations (tiles may stay in place), the net is right "
                   f"on {perm:.1f}% of original images, against {der:.1f}% for derangements.")
    return out


def figures(runs) -> dict:
    """``{file name: Figure}`` of the article's figures (seed 0)."""
    from .. import plots
    X_shuffled, _, _ = experiments.shuffled_test_set(4)
    X_test = experiments.load_dataset("fashion-mnist").test.X
    figs = {"savant_tile_shuffle.png": plots.plot_tile_shuffle(
        X_test[:6].reshape(-1, 28, 28), X_shuffled[:6].reshape(-1, 28, 28), 4)}
    for variant in VARIANTS:
        figs[f"savant_matrix_{variant}.png"] = plots.plot_accuracy_matrix(
            np.array(accuracy_matrix(runs, variant)["mean"]) / 100,
            ["trained on original", "trained on shuffled"],
            ["tested on original", "tested on shuffled"],
            reference=np.array(article_matrix()) / 100, title=variant).figure
    maps = {key: adjacent_correlation_map(runs[key][0].net.weights[0])
            for key in ("original", *VARIANTS)}
    figs["savant_correlation_maps.png"] = plots.plot_correlation_maps(maps, 4)
    for key in runs:
        if key.startswith("once grid"):
            net = runs[key][0].net
            g = runs[key][0].settings.grid
            figs[f"savant_correlation_grid{g}.png"] = plots.plot_correlation_maps(
                {f"shuffled once, grid {g}": adjacent_correlation_map(net.weights[0])}, g)
    return figs


# -- why Adam can slow down in epoch 2 (issue 29) ------------------------------------------------
def adam_subnormals(X, y, *, n_steps, flush_every=FLUSH_EVERY, seed=0, every=10) -> dict:
    """Subnormal numbers in the savant's Adam state and weights during ``n_steps`` steps.

    Trains :data:`ORIGINAL`'s network and recipe (784-128-10, Adam lr 1e-3, batch 32) on
    ``X (n, 784)``, ``y (n,)`` in float32, shuffled anew every epoch by ``seed``, with
    ``Adam(flush_every=flush_every)`` (None: never flush). Returns ``{"entries", "steps",
    "final": {"weights", "m", "v"}, "mean", "peak", "peak_step", "digest"}``: the counts after
    the last step, the mean and the largest of the totals at steps ``every`` - 1, 2 ``every`` - 1,
    ... (just before a flush would run) and the last step, and a sha256 of the trained
    parameters' bytes (equal digests: bit-identical networks). Book: chapter 9.
    """
    n_steps, every = check_positive_int("n_steps", n_steps), check_positive_int("every", every)
    rng = np.random.default_rng(seed)
    net = Network(list(ORIGINAL.sizes), list(ORIGINAL.activations), ORIGINAL.cost,
                  ORIGINAL.init, rng=rng)
    X, Y = np.asarray(X, np.float32), one_hot(y, ORIGINAL.sizes[-1], dtype=np.float32)
    opt, params = Adam(ORIGINAL.lr, flush_every=flush_every), net.weights + net.biases
    totals, bs = {}, ORIGINAL.batch_size
    order = np.concatenate([rng.permutation(len(X)) for _ in range(-(-n_steps * bs // len(X)))])
    with single_thread():
        for step in range(1, n_steps + 1):
            rows = order[(step - 1) * bs:step * bs]         # shuffled epochs, back to back
            grads_W, grads_b = net.backprop(X[rows], Y[rows])
            opt.step(params, grads_W + grads_b)
            if step % every == every - 1 or step == n_steps:
                totals[step] = count_subnormal(params + opt.m + opt.v)
    final = {"weights": count_subnormal(params), "m": count_subnormal(opt.m),
             "v": count_subnormal(opt.v)}
    peak_step = max(totals, key=totals.get)
    return {"entries": 3 * sum(p.size for p in params), "steps": n_steps, "final": final,
            "mean": float(np.mean(list(totals.values()))), "peak": totals[peak_step],
            "peak_step": peak_step,
            "digest": hashlib.sha256(b"".join(p.tobytes() for p in params)).hexdigest()}
