"""The checks of a test cell, and which of them a graded run passed, failed or never reached.

Today's grader runs a test cell's visible tests (above ``### BEGIN HIDDEN TESTS``) and its
hidden tests (below) as one cell, which stops at its first error. The checks are read from the
instructor's source of the cell (with its hidden tests):

- every ``assert`` statement, and every ``raise AssertionError(...)``, outside a function or
  class the cell defines (inside a loop, ``with`` or ``try`` too), named
  ``assert@<line>: <the condition's first 60 characters>`` (``raise@<line>: ...``), of kind
  ``"visible"`` or ``"hidden"`` by the part it is in;
- one synthetic check per part, ``runs`` (visible) and ``runs (hidden)``: it fails when an error
  is raised outside any check in that part (a call that raises, a name not defined, a timeout).

The failing line comes from the cell's error output: the first frame of the cell itself in the
traceback (``Cell In[N], line L``, or ``<ipython-input-N-...>", line L``; colours stripped).
Checks above it passed; the check that holds it failed with ``ename: evalue``; those below it
were not reached (``None``). A run that ended without a line to blame (a dead kernel, a cell not
run, no pass token) fails its ``runs`` check and leaves every other check unknown (``None``).
Pure functions: text in, plain dicts out.
"""

from __future__ import annotations

import ast
import re

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
RUNS = {"visible": "runs", "hidden": "runs (hidden)"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FRAMES = (re.compile(r"Cell In\s*\[(\d+)\], line (\d+)"),
           re.compile(r"<ipython-input-(\d+)-[0-9a-f]*>\"?, line (\d+)"))
_SKIP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def hidden_lines(source: str) -> set[int]:
    """The 1-based line numbers between the hidden-test markers (the markers included)."""
    hidden, inside = set(), False
    for number, line in enumerate(source.split("\n"), start=1):
        inside = inside or HIDDEN_BEGIN in line
        if inside:
            hidden.add(number)
        inside = inside and HIDDEN_END not in line
    return hidden


def _parse(source: str) -> ast.Module:
    """The cell's syntax tree; magics and shell lines blanked so the line numbers stay."""
    lines = ["" if re.match(r"\s*[!%]", line) else line for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _is_assertion_raise(node) -> bool:
    exc = getattr(node, "exc", None)
    target = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(node, ast.Raise) and isinstance(target, ast.Name) \
        and target.id == "AssertionError"


def _walk(nodes):
    for node in nodes:
        if isinstance(node, _SKIP):
            continue
        yield node
        yield from _walk(ast.iter_child_nodes(node))


def checks_of(source: str) -> list[dict]:
    """The cell's checks in line order, then its ``runs`` checks: ``{"name", "kind", "first",
    "last"}`` (the lines a check spans; a ``runs`` check spans its whole part)."""
    hidden = hidden_lines(source)
    found = []
    for node in _walk(_parse(source).body):
        if isinstance(node, ast.Assert):
            name = f"assert@{node.lineno}: {ast.unparse(node.test)[:60]}"
        elif _is_assertion_raise(node):
            name = f"raise@{node.lineno}: {ast.unparse(node.exc)[:60]}"
        else:
            continue
        kind = "hidden" if node.lineno in hidden else "visible"
        found.append({"name": name, "kind": kind, "first": node.lineno,
                      "last": node.end_lineno or node.lineno})
    found.sort(key=lambda check: check["first"])
    kinds = ["visible"] + (["hidden"] if hidden else [])
    return found + [{"name": RUNS[kind], "kind": kind, "first": None, "last": None}
                    for kind in kinds]


def failing_line(traceback: list[str], execution_count=None) -> int | None:
    """The line of the cell that raised: its first frame in the traceback, else None."""
    for part in traceback:
        for line in ANSI.sub("", part).split("\n"):
            for pattern in _FRAMES:
                match = pattern.search(line)
                if match and (execution_count is None or int(match.group(1)) == execution_count):
                    return int(match.group(2))
    return None


def message_of(error: dict) -> str:
    """``ename: evalue`` of an error output, colours stripped (just ``ename`` without a value)."""
    ename = ANSI.sub("", str(error.get("ename", "Error")))
    evalue = ANSI.sub("", str(error.get("evalue", ""))).strip()
    return f"{ename}: {evalue}" if evalue else ename


def outcomes(source: str, passed: bool, error: dict | None, execution_count=None) -> list[dict]:
    """The cell's checks with ``passed`` (True, False or None: not reached) and ``message``.

    ``passed`` is the grader's verdict on the whole cell; ``error`` its first error output (a
    dict with ``ename``, ``evalue``, ``traceback``) or None.
    """
    checks = checks_of(source)
    out = [{"name": c["name"], "kind": c["kind"], "passed": None, "message": None}
           for c in checks]
    if passed:
        for check in out:
            check["passed"] = True
        return out
    line = failing_line(error.get("traceback", []), execution_count) if error else None
    message = message_of(error) if error else "the cell ended without the grader's pass token"
    if line is None:
        _fail(out, RUNS["visible"], message)
        return out
    part = "hidden" if line in hidden_lines(source) else "visible"
    blamed = next((i for i, c in enumerate(checks) if c["first"] is not None
                   and c["first"] <= line <= c["last"]), None)
    for check, spec in zip(out, checks):
        if spec["first"] is not None:
            check["passed"] = True if spec["last"] < line else None
        elif spec["kind"] == "visible" or part == "hidden":   # the parts that were reached
            check["passed"] = True
    if blamed is None:
        _fail(out, RUNS[part], message)
    else:
        out[blamed].update(passed=False, message=message)
    return out


def _fail(out, name, message):
    for check in out:
        if check["name"] == name:
            check.update(passed=False, message=message)
