"""Shared test setup: matplotlib draws off-screen (Agg), so the suite runs headless.

Under pytest-xdist (make test, make test-all) each test file runs on one worker
(``--dist loadfile``), so a file's module- and session-scoped fixtures (the graded course of
test_solutions.py, the class of test_grade_parallel.py) are built once.
"""

import matplotlib

matplotlib.use("Agg")
