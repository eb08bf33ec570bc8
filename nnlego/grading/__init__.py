"""Grading the course's nbgrader assignments: in parallel, on a cluster, and synthetic classes."""
