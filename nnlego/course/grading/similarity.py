"""Copied answers: an answer cell that reproduces the course's solution or nnlego's own source.

The public repository holds the solutions and nnlego's implementation of every piece, so a
student can paste either and score full marks. The static review (:mod:`.scan`) flags such an
answer for a human's look; it never changes a score.

An answer is compared as a *normalised token stream*: parsed, docstrings dropped, unparsed
(so comments, blank lines, quotes and layout vanish), then tokenised with every name that is
not an attribute, a keyword or a builtin written ``N`` (renaming variables changes nothing), and
every string ``S``. Two streams are alike by difflib's ratio (matching tokens over all). The
answer is flagged when its stream *is* the solution cell's (:data:`SAME_AS_SOLUTION`), or is at
least :data:`THRESHOLD` alike to an nnlego function it (or the solution) names, and that
reference is at least :data:`MIN_TOKENS` tokens long: short answers (``1 / (1 +
np.exp(-z))``) are written alike by honest students, so only a long stretch is evidence.

Calibration (tests/test_similarity.py, measured on the repository): a wrong answer that is the
solution with one slip (``tests/wrong_solutions/``) is up to 0.99 alike to the solution, so
only an identical stream counts against the solution; against nnlego's functions, the right
answers of ``tests/correct_alternatives/`` and the wrong ones stay at or below 0.86, pasted
functions at 1.0. Solution cells under 40 tokens (10 of the 42 answer code cells: sigmoid,
subfactorial, ...) are never flagged: a pasted one-liner and an honest one look the same.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import io
import json
import keyword
import re
import tokenize
from functools import cache, lru_cache
from pathlib import Path

SAME_AS_SOLUTION = 1.0     # the solution's cell: the same stream, names and layout aside
THRESHOLD = 0.92           # an nnlego function: this alike or more
MIN_TOKENS = 40
PACKAGE = Path(__file__).resolve().parents[2]
_KEEP = set(dir(builtins)) | set(keyword.kwlist)
_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$", re.M)


def _strip_docstrings(tree):
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                isinstance(getattr(body[0], "value", None), ast.Constant) and \
                isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return tree


def normalised(source) -> list[str]:
    """The token stream of source (a string or an AST node) as the module says; [] if it does
    not parse."""
    try:
        tree = source if isinstance(source, ast.AST) else ast.parse(_MARKERS.sub("", source))
        text = ast.unparse(_strip_docstrings(tree))
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return []
    out, previous = [], ""
    for token in tokens:
        if token.type == tokenize.NAME:
            out.append(token.string if token.string in _KEEP or previous == "." else "N")
        elif token.type == tokenize.STRING:
            out.append("S")
        elif token.type in (tokenize.OP, tokenize.NUMBER):
            out.append(token.string)
        elif token.type == tokenize.INDENT:
            out.append("<indent>")
        elif token.type == tokenize.DEDENT:
            out.append("<dedent>")
        previous = token.string
    return out


def alike(answer: list[str], reference: list[str]) -> float:
    if not answer or not reference:
        return 0.0
    return difflib.SequenceMatcher(None, answer, reference, autojunk=False).ratio()


@lru_cache(maxsize=1)
def _function_nodes() -> dict[str, list[tuple[str, ast.AST]]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(node.name, []).append((f"{module}.{node.name}", node))
    return found


@cache
def nnlego_function(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(module.name, tokens) of every function called name in nnlego's own source."""
    return tuple((where, tuple(normalised(node))) for where, node in
                 _function_nodes().get(name, []))


def _names(source) -> set[str]:
    try:
        tree = ast.parse(_MARKERS.sub("", source))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
        {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def copied(answer: str, solution: str | None) -> list[str]:
    """The reasons to review an answer cell that reproduces the solution's cell (solution, or
    None) or an nnlego function; [] for an answer of one's own."""
    tokens, reasons = normalised(answer), []
    if not tokens:
        return reasons
    reference = normalised(solution or "")
    score = alike(tokens, reference)
    if len(reference) >= MIN_TOKENS and score >= SAME_AS_SOLUTION:
        reasons.append(f"reproduces the course's solution (similarity {score:.2f})")
    try:
        parts = [n for n in ast.parse(answer).body if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        parts = []
    for name in sorted(_names(answer) | _names(solution or "")):
        for where, reference in nnlego_function(name):
            score = max((alike(normalised(part), reference) for part in parts), default=0.0)
            if len(reference) >= MIN_TOKENS and score >= THRESHOLD:
                reasons.append(f"reproduces nnlego's own {where} (similarity {score:.2f})")
    return reasons


def solution_cells(root, assignment: str, notebook: str) -> dict[str, str]:
    """{grade_id: source} of the answer cells of the course's source notebook ({} if none)."""
    for folder in ("solutions", "source"):
        path = Path(root) / folder / assignment / f"{notebook}.ipynb"
        if path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells
                    if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    return {}
