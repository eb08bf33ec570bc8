"""The contract of a self-check: pieces that check a learner's answers on fresh inputs.

A self-check is not the course's hidden tests. It checks properties on fresh random inputs and
compares with nnlego's own implementation, so a learner without a grader can tell whether an
answer is right. One module per assignment, ``nnlego/course/selfcheck/aNN_<assignment>.py``,
defines::

    ASSIGNMENT = "06_bricks_tested"          # the folder name under solutions/ and exercises/
    PIECES = (Piece("knock_out", covers=("test_knock_out",), needs=("knock_out",),
                    check=check_knock_out), ...)

``check(ns, rng)`` gets the learner's notebook namespace (the names its cells defined) and a
fresh generator; it returns quietly when the piece is right and raises :class:`Failed` naming
the kind of input that failed otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np


class Failed(AssertionError):
    """A piece failed: ``kind`` is the kind of input (e.g. "a batch of one image"), ``detail``
    what was wrong and how to fix it."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


Check = Callable[[Mapping[str, object], np.random.Generator], None]


@dataclass(frozen=True)
class Piece:
    """One piece of an assignment: ``name`` as the learner knows it, the test cells of the
    course it stands for (``covers``: their nbgrader grade ids), the names it needs from the
    notebook (``needs``) and its ``check``."""

    name: str
    covers: tuple[str, ...]
    needs: tuple[str, ...]
    check: Check
