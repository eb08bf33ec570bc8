"""Shared test setup: matplotlib draws off-screen (Agg), so the suite runs headless.

Under pytest-xdist (make test, make test-all) each test file runs on one worker
(``--dist loadfile``), so a file's module- and session-scoped fixtures (the graded course of
test_solutions.py, the class of test_grade_parallel.py) are built once.
"""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def tiny_data_sets():
    """Every run of the test trains and tests on tiny stand-ins of MNIST and Fashion-MNIST
    (tests/support/tiny_data.py), through nnlego.experiments.use_data."""
    from support.tiny_data import tiny_dataset

    from nnlego import experiments
    with experiments.use_data(tiny_dataset) as loader:
        yield loader
