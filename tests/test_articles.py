"""nnlego.articles: the book's numbers and results.md come from the same functions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnlego import reproduce as rp
from nnlego.articles import load_runs, savant, wth
from nnlego.experiments import Result
from nnlego.training import History


@pytest.fixture
def tiny_data(tiny_data_sets, tmp_path):
    return tmp_path


def _json(value):
    return json.loads(json.dumps(value))


def test_the_book_s_functions_give_the_numbers_of_results_json(tiny_data):
    """What a chapter computes with load_runs + an article's function is what results.json says."""
    cache = tiny_data / "cache"
    record = rp.reproduce("all", out=tiny_data / "out", seeds=2, quick=True, workers=1,
                          cache=cache)
    stored = rp.load_results(tiny_data / "out")
    for name, module in (("wth", wth), ("savant", savant)):
        runs = load_runs(module.plan(quick=True), seeds=2, cache=cache)
        assert all(r.cached for results in runs.values() for r in results)   # nothing retrained
        assert _json(module.summary(runs)) == stored[name] == _json(record[name])
        assert [row for row in stored["rows"] if row["experiment"].startswith(name)] == _json(
            module.rows(runs))
    sweep = stored["wth"]["sweeps"]["network.py"]
    assert set(sweep) == {"30", "2"} and all(len(v) == 2 for v in sweep.values())


def _result(metrics, curves=None, settings=savant.ORIGINAL):
    history = History(eval_accuracy=curves or {k: [v] for k, v in metrics.items()})
    return Result(settings, 0, None, history, metrics, cached=True)


def test_accuracy_matrix_by_hand():
    runs = {"original": [_result({"test": 0.86, "test_shuffled": 0.10}),
                         _result({"test": 0.88, "test_shuffled": 0.12})],
            "once": [_result({"test": 0.30, "test_shuffled": 0.60}),
                     _result({"test": 0.40, "test_shuffled": 0.70})]}
    matrix = savant.accuracy_matrix(runs, "once")
    assert matrix["mean"] == [[87.0, 11.0], [35.0, 65.0]]
    assert matrix["min"] == [[86.0, 10.0], [30.0, 60.0]]
    assert matrix["max"] == [[88.0, 12.0], [40.0, 70.0]]
    assert savant.article_matrix() == [[87.0, 11.0], [32.0, 63.0]]


def test_nearest_epoch_finds_where_the_article_s_pair_sits_on_the_curves():
    curves = {"test": [0.20, 0.32, 0.40], "test_shuffled": [0.50, 0.63, 0.70]}
    runs = {"once": [_result({"test": 0.40, "test_shuffled": 0.70}, curves)] * 2}
    near = savant.nearest_epoch(runs, "once")
    assert (near["epoch"], near["n_epochs"]) == (2, 3)
    assert near["shuffled"]["mean"] == pytest.approx(63.0)
    assert near["original"]["mean"] == pytest.approx(32.0)
    assert near["seeds_within_6_at_end"] == 0        # 70 / 40 at the end: 7 and 8 points off


@pytest.mark.parametrize("grid", [2, 4, 7, 14])
def test_the_stated_count_of_straddling_pairs_matches_a_brute_force_count(grid):
    side, tile = 28, 28 // grid
    tile_of = lambda r, c: (r // tile, c // tile)
    pairs = [((r, c), (r, c + 1)) for r in range(side) for c in range(side - 1)]
    pairs += [((r, c), (r + 1, c)) for r in range(side - 1) for c in range(side)]
    brute = sum(tile_of(*a) != tile_of(*b) for a, b in pairs)
    counted = savant.straddling_pairs(grid)
    assert (counted["straddling"], counted["pairs"]) == (brute, len(pairs)) == (
        2 * side * (grid - 1), 2 * side * (side - 1))
    assert counted["fraction"] == pytest.approx(brute / len(pairs), abs=1e-4)


def test_sweep_and_its_distance_to_the_article():
    runs = {f"network.py {n}": [_result({"test": acc / 100}, settings=wth.NETWORK)]
            for n, acc in ((10, 93.43), (2, 32.80))}
    sweeps = wth.sweep(runs)
    assert sweeps == {"network.py": {10: [pytest.approx(93.43)], 2: [pytest.approx(32.8)]}}
    assert wth.sweep_distance(sweeps)["network.py"] == pytest.approx(5.0)


def test_top_bricks_table_lists_strongest_first():
    class Net:
        weights = [None, np.zeros((30, 10))]
    Net.weights[1][[4, 9, 2], 0] = [3.0, 2.0, 1.0]
    Net.weights[1][[7, 1], 0] = [-5.0, -0.5]
    table = wth.top_bricks_table(Net, digits=(0,), k=2)
    assert table["0"]["blue"] == [4, 9] and table["0"]["red"] == [7, 1]
