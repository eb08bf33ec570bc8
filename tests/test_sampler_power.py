"""The sampler tests of assignments 9 and 12 have the power they claim.

The named bias: 0.01 of probability moved from one derangement of 4 items to another (those two
come out with probabilities 1/9 - 0.01 and 1/9 + 0.01; the other seven 1/9), as in
``tests/wrong_solutions/09_derangements/one_percent_bias.py``. The test: Pearson's chi-square
over the 9 derangements of 4 in ``DRAWS`` draws (or images of 2 x 2 tiles), rejected above
``THRESHOLD``, the ``FALSE_ALARM`` quantile of chi-square with 8 degrees of freedom. Against the
bias its statistic is noncentral chi-square(8) with noncentrality
``DRAWS * sum((p - 1/9)**2 / (1/9)) = DRAWS * 2 * 0.01**2 * 9``.
"""

import re

import numpy as np
import pytest
from support.notebooks import SOLUTIONS

stats = pytest.importorskip("scipy.stats")

BIAS, CELLS = 0.01, 9
DRAWS, THRESHOLD, FALSE_ALARM, POWER = 45_000, 42.70, 1e-6, 0.99


def noncentrality(draws, bias=BIAS, cells=CELLS):
    """Pearson's noncentrality of moving ``bias`` of probability from one cell to another."""
    return draws * 2 * bias ** 2 * cells


def draws_needed(power=POWER, false_alarm=FALSE_ALARM, bias=BIAS, cells=CELLS):
    """The fewest draws (in hundreds) whose chi-square test reaches ``power`` at ``false_alarm``."""
    threshold = stats.chi2.isf(false_alarm, cells - 1)
    draws = 100
    while stats.ncx2.sf(threshold, cells - 1, noncentrality(draws, bias, cells)) < power:
        draws += 100
    return draws


def test_the_threshold_is_the_stated_false_alarm_quantile():
    assert stats.chi2.sf(THRESHOLD, CELLS - 1) <= FALSE_ALARM * 1.01
    assert THRESHOLD == pytest.approx(stats.chi2.isf(FALSE_ALARM, CELLS - 1), abs=0.01)


def test_the_draws_give_the_power_against_a_bias_of_one_percent():
    assert draws_needed() == 39_100 <= DRAWS
    power = stats.ncx2.sf(THRESHOLD, CELLS - 1, noncentrality(DRAWS))
    assert power >= 0.998


def statistic(counts, draws):
    expected = draws / CELLS
    return ((counts - expected) ** 2 / expected).sum(axis=-1)


def test_simulated_multinomials_agree_with_the_computation():
    rng = np.random.default_rng(0)
    biased = np.full(CELLS, 1 / CELLS)
    biased[0] -= BIAS
    biased[1] += BIAS
    rejected = statistic(rng.multinomial(DRAWS, biased, size=4000), DRAWS) > THRESHOLD
    assert rejected.mean() >= POWER
    # The chi-square approximation in the tail: at 1e-3 the uniform's rejections match it.
    uniform = statistic(rng.multinomial(DRAWS, np.full(CELLS, 1 / CELLS), size=100_000), DRAWS)
    assert np.mean(uniform > stats.chi2.isf(1e-3, CELLS - 1)) == pytest.approx(1e-3, abs=4e-4)
    assert np.mean(uniform > THRESHOLD) < 1e-4


@pytest.mark.parametrize("notebook", ["09_derangements/derangements.ipynb",
                                      "12_capstone/capstone.ipynb"])
def test_the_notebooks_use_these_numbers(notebook):
    text = (SOLUTIONS / notebook).read_text()
    assert re.search(r"45000|45_000", text) and "< 42.70" in text, notebook
