"""Article 1's argument, tested: edges and loops, "almost random", and "not really Lego bricks".

The article's verdict on the hidden neurons of the 784-30-10 network is that they are *not
really* Lego bricks: they are used partially (not switched fully on or off) and make sense only
in combination. These functions put numbers on each part of that argument from trained runs
(``{key: [Result per seed]}`` of :func:`nnlego.articles.wth.plan`), on the MNIST test images:

- :func:`hierarchy` (chapter 5): 3blue1brown's 784-16-16-10 network: are its first-layer images
  smoother than the untrained network's, and how well does the best edge or loop template
  explain each one?
- :func:`brick_questions` (chapter 5): the article's "look for yourself" questions measured;
- :func:`output_partial_use`, :func:`partial_use`, :func:`knockouts`,
  :func:`negative_drive_table` (chapter 6): how the bricks are used, in the output weights (the
  article's sense of "partially") and in the activations;
- :func:`seed_matching`, :func:`permutation_check` (chapter 6): do two seeds learn the same
  bricks, and why a brick's index means nothing across runs;
- :func:`cleanliness` (chapter 8): what init and L2, one at a time, do to the weight images.

The analyses themselves live in :mod:`nnlego.brick_use`, :mod:`nnlego.knockout`,
:mod:`nnlego.matching` and :mod:`nnlego.smoothness`; here they meet the article's networks.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import experiments
from ..brick_use import activation_use, digit_use, negative_drive, output_use
from ..bricks import hidden_images
from ..knockout import knockout_drops, smallest_breaking_set, top_vs_random_knockout
from ..matching import match_neurons, permute_hidden, shuffle_pixels
from ..network import Network
from ..smoothness import all_templates, ink_mask, spatial_smoothness, template_match
from . import wth_questions
from ._compare import spread

DIGITS = (0, 1, 8)
N_RANDOM = 200              # random knock-out sets per digit: the null of "top-3 matter"


def _test_set():
    return experiments.load_dataset("mnist").test


def _mask():
    return ink_mask(experiments.load_dataset("mnist").train.X)


def untrained(result) -> Network:
    """The network ``result`` started from: the same settings and its seed's "init" stream."""
    s = result.settings
    return Network(list(s.sizes), list(s.activations), s.cost, s.init,
                   rng=experiments.run_streams(result.seed)["init"])


def hierarchy(runs, key="3b1b") -> dict:
    """Per seed: the mean smoothness of the first layer's images inside the inked area, trained
    and untrained; the same for the templates; the mean r^2 of each image's best template."""
    mask, templates = _mask(), all_templates()
    out = {"trained": [], "untrained": [], "templates": [], "best_r2_trained": [],
           "best_r2_untrained": []}
    for result in runs[key]:
        for name, net in (("trained", result.net), ("untrained", untrained(result))):
            images = hidden_images(net.weights[0])
            out[name].append(float(np.nanmean(spatial_smoothness(images, mask))))
            out[f"best_r2_{name}"].append(float(np.mean(template_match(images, templates,
                                                                       mask).r2)))
    out["templates"] = float(np.nanmean(spatial_smoothness(templates.images, mask)))
    return out


def partial_use(runs, key="network.py 30") -> dict:
    """Per seed: the shares of (test image, hidden neuron) activations near 0 (< 0.1), near 1
    (> 0.9) and in between; and the share of (neuron, digit) pairs where the neuron is on (> 0.5)
    for between 10% and 90% of the digit's images: used on some of them only."""
    X, y = _test_set()
    uses = [activation_use(r.net, X) for r in runs[key]]
    out = {part: [float(getattr(u, part).mean()) for u in uses]
           for part in ("near_zero", "between", "near_one")}
    on = [digit_use(r.net, X, y) for r in runs[key]]
    out["digit_cells_between"] = [float(np.mean((s > 0.1) & (s < 0.9))) for s in on]
    return out


def output_partial_use(runs, key="network.py 30", fraction=0.8) -> dict:
    """Per seed, per digit: how many bricks carry ``fraction`` of the digit's drive, and the
    largest brick's share of it (:func:`nnlego.brick_use.output_use`)."""
    X, y = _test_set()
    uses = [output_use(r.net, X, y, fraction) for r in runs[key]]
    return {"fraction": fraction,
            "n_for_fraction": [[int(n) for n in u.n_for_fraction] for u in uses],
            "top_share": [[float(t) for t in u.top_share] for u in uses]}


def brick_questions(runs, key="network.py 30", digit=0) -> dict:
    """Per seed: :func:`~nnlego.articles.wth_questions.ring_answer` for ``digit``'s top-3 blue
    bricks and :func:`~nnlego.articles.wth_questions.red_brick_answer` for its top-3 red ones
    (chapter 5's questions; the noise images are drawn with seed 0)."""
    X, y = _test_set()
    mask = _mask()
    return {"rings": [wth_questions.ring_answer(r.net, X, y, mask, digit,
                                                rng=np.random.default_rng(0))
                      for r in runs[key]],
            "reds": [wth_questions.red_brick_answer(r.net, X, y, digit) for r in runs[key]]}


def knockouts(runs, key="network.py 30", digits=DIGITS) -> dict:
    """Knock-outs per seed: the largest single-neuron drop of any digit's recall, how many
    neurons alone cost some digit over 10 points (and how many of those also cost a second digit
    over 5: ``costly_shared``); per digit the drop with its top-3 blue bricks out vs 3 random
    neurons out, and the smallest (greedy) set that halves its recall."""
    X, y = _test_set()
    out = {"max_single_drop": [], "neurons_costing_10pts": [], "costly_shared": [],
           **{str(d): {"top3": [], "random_mean": [], "random_std": [], "breaking_set": []}
              for d in digits}}
    for result in runs[key]:
        drops = knockout_drops(result.net, X, y)
        out["max_single_drop"].append(float(drops.max()))
        out["neurons_costing_10pts"].append(int(np.sum(drops.max(axis=1) > 0.10)))
        costly = drops[drops.max(axis=1) > 0.10]                 # (n_costly, n_classes)
        out["costly_shared"].append(int(np.sum(np.sum(costly > 0.05, axis=1) >= 2)))
        rng = np.random.default_rng(result.seed)
        for d in digits:
            cmp = top_vs_random_knockout(result.net, X, y, d, 3, rng=rng, n_random=N_RANDOM)
            brk = smallest_breaking_set(result.net, X, y, d, threshold=0.5)
            by = out[str(d)]
            by["top3"].append(float(cmp.top_drop))
            by["random_mean"].append(float(cmp.random_mean))
            by["random_std"].append(float(cmp.random_std))
            by["breaking_set"].append(len(brk.neurons) if brk.broken else None)
    return out


def negative_drive_table(runs, key="network.py 30") -> dict:
    """Per digit (mean over seeds): the share of negative hidden-to-output weights and the share
    of the output's drive from negative terms; and each seed's digit with the largest share."""
    X, y = _test_set()
    drives = [negative_drive(r.net, X, y) for r in runs[key]]
    shares = np.array([d.negative_drive_share for d in drives])     # (seeds, 10)
    return {"negative_weight_share": np.mean([d.negative_weight_share for d in drives],
                                             axis=0).round(3).tolist(),
            "negative_drive_share": shares.mean(axis=0).round(3).tolist(),
            "per_seed": shares.round(4).tolist(),
            "most_negative_digit": [int(np.argmax(s)) for s in shares],
            "rank_of_8": [int(np.sum(s > s[8])) + 1 for s in shares]}


def seed_matching(runs, key="network.py 30") -> dict:
    """Mean matched correlation of hidden-neuron images between every pair of seeds: trained,
    untrained (the same seeds' starting weights) and trained with one side's pixels shuffled."""
    mask = _mask()
    out = {"trained": [], "untrained": [], "pixels_shuffled": []}
    for a, b in itertools.combinations(runs[key], 2):
        Wa, Wb = a.net.weights[0], b.net.weights[0]
        out["trained"].append(float(match_neurons(Wa, Wb, mask=mask).correlations.mean()))
        out["untrained"].append(float(match_neurons(
            untrained(a).weights[0], untrained(b).weights[0], mask=mask).correlations.mean()))
        shuffled = shuffle_pixels(Wb, rng=np.random.default_rng(b.seed), mask=mask)
        out["pixels_shuffled"].append(float(match_neurons(Wa, shuffled,
                                                          mask=mask).correlations.mean()))
    return out


def permutation_check(result, seed=0) -> dict:
    """A copy with its hidden neurons permuted predicts exactly as the network does."""
    X, _ = _test_set()
    perm = np.random.default_rng(seed).permutation(result.net.sizes[1])
    permuted = permute_hidden(result.net, perm)
    same = bool(np.array_equal(permuted.predict(X), result.net.predict(X)))
    return {"perm": perm.tolist(), "identical_predictions": same,
            "max_output_difference": float(np.abs(permuted.forward(X)
                                                  - result.net.forward(X)).max())}


def cleanliness(runs, keys) -> dict:
    """Per one-change run (``{label: key}``): test accuracy, the mean absolute weight of hidden
    neurons at pixels that never see ink, and the images' smoothness inside the inked area."""
    X_train = experiments.load_dataset("mnist").train.X
    never_inked, mask = X_train.max(axis=0) == 0, _mask()
    out = {}
    for label, key in keys.items():
        rows = [(100 * r.metrics["test"], float(np.abs(r.net.weights[0][never_inked]).mean()),
                 float(np.nanmean(spatial_smoothness(hidden_images(r.net.weights[0]), mask))))
                for r in runs[key]]
        acc, blank, smooth = zip(*rows)
        out[label] = {"accuracy": spread(acc), "blank_weight": spread(blank, 4),
                      "smoothness": spread(smooth, 3)}
    return out
