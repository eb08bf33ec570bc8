"""Shared test setup: matplotlib draws off-screen (Agg), so the suite runs headless.

Under pytest-xdist (make test, make test-all: ``--dist loadgroup``) the expensive shared
fixtures are built once: the nbgrader course of test_solutions.py is graded one assignment per
worker (its tests of one assignment go to one worker, which grades that assignment's batch of
submissions once), and the module-scoped class of test_grade_parallel.py stays on one worker."""

import matplotlib
import pytest

matplotlib.use("Agg")


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.path.name == "test_grade_parallel.py":
            item.add_marker(pytest.mark.xdist_group("grade-parallel"))
        elif item.path.name == "test_solutions.py":
            params = getattr(item, "callspec", None)
            # the course-wide checks grade assignment 2's batch (test_solutions.A1)
            assignment = (params.params.get("assignment") if params else None) or "02_forward_pass"
            item.add_marker(pytest.mark.xdist_group(f"course-{assignment}"))
