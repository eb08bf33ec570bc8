"""Self-checks for learners without a grader (``nnlego check PATH.ipynb``): see ``base``."""

from nnlego.course.selfcheck.base import Failed, Piece

__all__ = ["Failed", "Piece"]
