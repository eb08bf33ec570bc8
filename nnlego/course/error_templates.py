"""Failure messages as templates: the same mistake with other numbers is the same message.

A check fails with a message such as ``sigmoid([-1000, 1000]) should be [0, 1], got [nan 1.]``;
another student's run of the same mistake prints other numbers. :func:`template` masks what
varies from run to run, in this order: NumPy array reprs (``array([...])`` and bracketed lists
of numbers, printed over several lines too) become ``<array>``; quoted names and values
(``'sigmoid'``, ``"W"``: no blank inside the quotes) become ``<name>``; shapes (``(3, 4)``,
``(5,)``, ``()``) become ``<shape>``; numbers (integers, decimals, exponents, signs, ``nan``,
``inf``) become ``<n>``; runs of blanks become one space. A number inside a word (``float32``,
``W0``) stays: it names something. Messages that differ after masking are different failures.
"""

from __future__ import annotations

import re

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b"
_BRACKETS = re.compile(rf"(?<![\w\]\)])\[(?:\s|,|\[|\]|\.\.\.|{_NUMBER})*\]")
_QUOTED = re.compile(r"'[^'\s]{1,80}'|\"[^\"\s]{1,80}\"")
_SHAPE = re.compile(r"(?<![\w\]\)])\((?:\s*-?\d+\s*,)*\s*-?\d*\s*\)")
_NUMBERS = re.compile(rf"(?<![\w.<])(?:{_NUMBER})(?![\w.])")


def _mask_array_calls(text: str) -> str:
    """``array(...)`` (parentheses balanced) replaced by ``<array>``."""
    out, start = [], 0
    for match in re.finditer(r"\barray\(", text):
        if match.start() < start:
            continue
        depth, end = 0, None
        for index in range(match.end() - 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            if depth == 0:
                end = index + 1
                break
        if end is None:
            break
        out.append(text[start:match.start()] + "<array>")
        start = end
    return "".join(out) + text[start:]


def template(message: str) -> str:
    """The message with what varies between runs masked (see the module docstring)."""
    text = _mask_array_calls(str(message))
    text = _QUOTED.sub("<name>", text)
    previous = None
    while previous != text:                       # nested bracket lists, innermost first
        previous, text = text, _BRACKETS.sub("<array>", text)
    text = _SHAPE.sub("<shape>", text)
    text = _NUMBERS.sub("<n>", text)
    return re.sub(r"\s+", " ", text).strip()


def group(messages) -> dict[str, list[int]]:
    """{template: positions of the messages that have it}, in order of first appearance."""
    out: dict[str, list[int]] = {}
    for index, message in enumerate(messages):
        out.setdefault(template(message), []).append(index)
    return out
