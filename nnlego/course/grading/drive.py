"""Grading v2's grader side of a notebook: the setup and the test cells, run in the grader.

The test cells run in a :class:`~nnlego.course.grading.remote.Scope`: the setup cell's names
are the grader's (it runs here first, with the real nnlego), the student's names come from the
sandboxed child as plain data or as proxies of their functions. ``own_work`` is a no-op here:
the rule it stood for is kept by withholding the pieces from the child
(:mod:`nnlego.course.grading.withheld`).

A test cell's outputs are what it printed (and what the student's code printed during its
calls) and, if it failed, an error output in IPython's shape (``Cell In[N], line L`` frames,
which :mod:`nnlego.course.grading.cell_checks` reads), with a sentence for the errors a test
does not word itself: a name the submission does not define, a sandbox that died or overran.
"""

from __future__ import annotations

import contextlib
import io
import traceback

from nbformat.notebooknode import NotebookNode

from .computer import Capture, python_source
from .remote import Gone, Scope


@contextlib.contextmanager
def own_work(*pieces):
    """In the grader, the pieces are withheld from the child instead (see the module)."""
    yield


class _Shell:
    """``get_ipython()`` for the setup's ``%matplotlib inline`` in the grader."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = run_line_magic


def run_setup(scope: dict, source: str) -> str | None:
    """Run the setup cell in the grader (in ``scope``, a dict); an error's text, or None."""
    import matplotlib

    matplotlib.use("agg")
    scope["get_ipython"] = _Shell
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(python_source(source), "<setup>", "exec"), scope)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        dict.__setitem__(scope, "own_work", own_work)
    return None


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def error_output(ename, evalue, lines) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=list(lines))


class TestRun:
    """One test cell run in the grader."""

    def __init__(self, scope: Scope, source: str, count: int, setup_error: str | None):
        self.scope, self.source, self.count = scope, source, count
        self.filename = f"<cell In[{count}]>"
        self.setup_error = setup_error

    def run(self):
        """``(outputs, passed)``."""
        self.scope.forget()
        printed = Capture()
        error = None
        try:
            if self.setup_error is not None:
                raise RuntimeError(f"the setup cell failed in the grader: {self.setup_error}")
            code = compile(python_source(self.source), self.filename, "exec")
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                exec(code, self.scope)
        except Exception as raised:            # the test failed: the grader says why
            error = raised
        outputs = []
        text = printed.drain()
        if text:
            outputs.append(NotebookNode(output_type="stream", name="stdout", text=text))
        if error is not None:
            outputs.append(self.error_output(error))
        return outputs, error is None

    def error_output(self, error) -> NotebookNode:
        ename, evalue = type(error).__name__, str(error)
        if isinstance(error, NameError) and getattr(error, "name", None):
            evalue = (f"{error.name} is not defined in your notebook: the answer cell that "
                      f"defines it did not run to its end (see its error) or uses another name")
        elif isinstance(error, Gone):
            ename, evalue = "TimeoutError" if "longer" in evalue else "DeadKernelError", \
                f"your code stopped: {evalue}"
        lines = ["-" * 75, f"{ename:<40}Traceback (most recent call last)"]
        source_lines = self.source.split("\n")
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename == self.filename:
                line = source_lines[frame.lineno - 1] if 0 < frame.lineno <= len(
                    source_lines) else ""
                lines += [f"Cell In[{self.count}], line {frame.lineno}", f"    {line.strip()}"]
        lines += [str(note) for note in getattr(error, "__notes__", [])]
        lines.append(f"{ename}: {evalue}")
        return error_output(ename, evalue, lines)
