"""nnlego.articles.savant_questions: the article's open questions, on runs built by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from nnlego.articles import savant
from nnlego.articles import savant_questions as sq
from nnlego.experiments import Result
from nnlego.tiles import random_derangement, random_derangements, shuffle_tiles
from nnlego.training import History


def _result(metrics, W1=None, settings=savant.ORIGINAL):
    net = SimpleNamespace(weights=[W1]) if W1 is not None else None
    return Result(settings, 0, net, History(train_loss=[1.0]), metrics, cached=True)


def _runs(table):
    """{key: [(original %, shuffled %), ...]} -> runs of Results with those final accuracies."""
    return {key: [_result({"test": o / 100, "test_shuffled": s / 100}) for o, s in seeds]
            for key, seeds in table.items()}


def test_augmentation_question_by_hand():
    """Costs are original-only minus mixed (originals) and savant minus mixed (shuffled)."""
    runs = _runs({"original": [(88, 11), (86, 13)], "each_epoch": [(35, 62), (33, 64)],
                  "mixed": [(85, 60), (85, 58)]})
    answer = sq.augmentation_question(runs)
    assert answer["cost_original"] == pytest.approx(2.0)
    assert answer["cost_shuffled"] == pytest.approx(4.0)
    assert answer["helps_originals"] is False
    assert answer["mixed"]["original"]["runs"] == [85.0, 85.0]
    runs["mixed"] = _runs({"m": [(90, 60)]})["m"]
    assert sq.augmentation_question(runs)["helps_originals"] is True


def test_explanation_32_survives_only_when_the_seed_ranges_separate():
    """Permutations' worst seed on originals must beat the derangement net's best."""
    runs = _runs({"each_epoch": [(30, 62), (40, 64)], "permutations": [(66, 61), (70, 63)]})
    answer = sq.explanation_32(runs)
    assert answer["survives"] is True and answer["gain_original"] == pytest.approx(33.0)
    assert answer["tile_in_place"] == pytest.approx(1 / 16)
    assert answer["expected_originals_seen"] == pytest.approx(5 * 60_000 / 20_922_789_888_000)
    runs["permutations"] = _runs({"p": [(39, 61), (70, 63)]})["p"]
    assert sq.explanation_32(runs)["survives"] is False


def _tile_structured_W1(rng, grid=4, n_hidden=32, noise=0.3):
    """Weight vectors shared by the pixels of a tile, plus noise: a savant-like W1 (784, n)."""
    tile = 28 // grid
    per_tile = rng.standard_normal((grid, grid, n_hidden))
    W = np.repeat(np.repeat(per_tile, tile, axis=0), tile, axis=1)     # (28, 28, n_hidden)
    return (W + noise * rng.standard_normal(W.shape)).reshape(784, n_hidden)


def test_degree_of_freedom_question_sees_a_grid_only_where_there_is_one():
    """A tile-structured mixed net has a grid (p <= 0.05); a smooth original one does not."""
    rng = np.random.default_rng(0)
    smooth = np.cumsum(rng.standard_normal((28, 28, 32)), axis=1).reshape(784, 32)
    runs = {"original": [_result({}, smooth)] * 2,
            "each_epoch": [_result({}, _tile_structured_W1(rng))] * 2,
            "mixed": [_result({}, _tile_structured_W1(rng, noise=0.6))] * 2}
    answer = sq.degree_of_freedom_question(runs)
    assert answer["mixed_has_grid"] is True and answer["original_has_grid"] is False
    assert 0 < answer["share_of_savant"] < 1


def test_within_across_matches_a_brute_force_loop():
    """The two halves of the grid score, counted pair by pair."""
    rng = np.random.default_rng(1)
    W = rng.standard_normal((784, 9))
    within, across = sq.within_across(W, 4)
    Z = (W - W.mean(1, keepdims=True)) / W.std(1, keepdims=True)
    inside, straddling = [], []
    for r in range(28):
        for c in range(28):
            for r2, c2 in ((r, c + 1), (r + 1, c)):
                if r2 < 28 and c2 < 28:
                    value = np.mean(Z[r * 28 + c] * Z[r2 * 28 + c2])
                    same = (r // 7, c // 7) == (r2 // 7, c2 // 7)
                    (inside if same else straddling).append(value)
    assert within == pytest.approx(np.mean(inside))
    assert across == pytest.approx(np.mean(straddling))


def test_grid_parts_and_data_grid_scores_see_the_tiles():
    """Tile-structured weights and deranged smooth images: within > across at their grid."""
    rng = np.random.default_rng(2)
    settings = savant.ONCE
    runs = {"once": [_result({}, _tile_structured_W1(rng), settings)],
            "once grid 7": [_result({}, _tile_structured_W1(rng, grid=7), settings)]}
    parts = sq.grid_parts(runs)
    assert sorted(parts) == [4, 7]
    assert all(p["within"] > p["across"] + 0.3 for p in parts.values())
    assert parts[7]["straddling"] == savant.straddling_pairs(7)["straddling"]
    smooth = np.cumsum(np.cumsum(rng.standard_normal((300, 28, 28)), axis=1), axis=2)
    shuffled = shuffle_tiles(smooth, random_derangements(300, 16, rng=rng), 4)
    data = sq.data_grid_scores({4: shuffled.reshape(300, -1)})
    assert data[4]["score"] > 0.2


def test_correlation_length_of_blocky_images():
    """Values constant over aligned runs of 4 pixels: r at lag d is (4 - d) / 4."""
    rng = np.random.default_rng(3)
    images = np.repeat(rng.standard_normal((2000, 28, 7)), 4, axis=2)      # (2000, 28, 28)
    assert sq.correlation_length(images.reshape(2000, -1), level=0.6) == 2
    assert sq.correlation_length(images.reshape(2000, -1), level=0.3) == 3


def test_home_images_undoes_a_fixed_permutation():
    """Weight images trained in shuffled coordinates come back to the original tile order."""
    rng = np.random.default_rng(4)
    home = rng.standard_normal((5, 28, 28))
    perm = random_derangement(16, rng=rng)
    W1 = shuffle_tiles(home, perm, 4).reshape(5, -1).T                     # (784, 5)
    np.testing.assert_array_equal(sq.home_images(W1, perm, 4), home)
    assert not np.allclose(W1.T.reshape(5, 28, 28), home)


def test_tile_similarity_and_repeated_tiles_find_a_copied_pattern():
    """A pattern copied into tiles 0, 5 and 10 of a noise image: those tiles, r = 1."""
    rng = np.random.default_rng(5)
    image = rng.standard_normal((28, 28))
    pattern = rng.standard_normal((7, 7))
    for k in (0, 5, 10):
        r, c = divmod(k, 4)
        image[7 * r:7 * r + 7, 7 * c:7 * c + 7] = pattern
    image[21:, 21:] = 1.0                                                  # a constant tile
    sim = sq.tile_similarity(image[None])
    assert np.isnan(sim[0, 3, 3]) and sim[0, 0, 5] == pytest.approx(1.0)
    assert sim[0, 15, 1] == 0.0
    rep = sq.repeated_tiles(image[None], threshold=0.9)
    assert rep["count"][0] == 3 and sorted(rep["tiles"][0]) == [0, 5, 10]
    assert sq.repeated_tiles(rng.standard_normal((4, 28, 28)), threshold=0.9)["count"].max() == 1


def test_boundary_jump_is_one_for_smooth_images_and_larger_when_shuffled():
    """A smooth image is as smooth across boundaries as inside tiles; its shuffle is not."""
    rng = np.random.default_rng(6)
    x = np.linspace(0, 3, 28)
    smooth = np.sin(x[:, None] + 2 * x[None, :])[None] * rng.uniform(1, 2, (10, 1, 1))
    assert sq.boundary_jump(smooth) == pytest.approx(1.0, abs=0.1)
    shuffled = shuffle_tiles(smooth, random_derangements(10, 16, rng=rng), 4)
    assert sq.boundary_jump(shuffled) > 2


def test_kept_neighbours_matches_an_exact_count_for_a_2x2_grid():
    """Every derangement of 4 tiles listed: the share of adjacent tile pairs kept adjacent."""
    import itertools
    kept = total = 0
    for p in itertools.permutations(range(4)):
        if any(p[k] == k for k in range(4)):
            continue
        for a, b, step in ((0, 1, 1), (2, 3, 1), (0, 2, 2), (1, 3, 2)):
            total += 1
            kept += p[b] == p[a] + step and (step == 2 or p[a] % 2 == 0)
    estimate = sq.kept_neighbours(2, rng=np.random.default_rng(7), n_draws=40_000)
    assert estimate == pytest.approx(kept / total, abs=0.01)
    assert sq.kept_neighbours(4, rng=np.random.default_rng(8)) < kept / total


def test_seed_spread_by_hand():
    """Widths are max - min of the savant's row; gaps are our mean minus the article's."""
    runs = _runs({"original": [(87, 11), (88, 12)], "once": [(34, 66), (40, 67)]})
    spread = sq.seed_spread(runs, "once")
    assert spread["original"]["width"] == pytest.approx(6.0)
    assert spread["original"]["gap"] == pytest.approx(37.0 - 32.0)
    assert spread["shuffled"]["width"] == pytest.approx(1.0)
    assert spread["shuffled"]["gap"] == pytest.approx(66.5 - 63.0)
