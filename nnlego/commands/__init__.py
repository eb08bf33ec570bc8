"""The subcommands of ``nnlego``: one module each, with ``add_parser(subparsers)``.

The argument types below check a number where argparse reads it, so a bad value is refused
with the flag's name, what was given and what is expected (``nnlego reproduce: error: argument
--seeds: must be an integer >= 1, got '0'``, exit status 2) before anything runs.
"""

from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """An integer >= 1 (``--seeds``, ``--workers``)."""
    return _integer(text, minimum=1)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (``--seed``)."""
    return _integer(text, minimum=0)


def _integer(text: str, *, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
    return value


def seconds(text: str) -> float:
    """A finite number of seconds > 0 (``--timeout``): not 0, not nan, not inf."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return value
