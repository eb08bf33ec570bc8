"""Shared test setup: matplotlib draws off-screen (Agg), so the suite runs headless."""

import matplotlib

matplotlib.use("Agg")
