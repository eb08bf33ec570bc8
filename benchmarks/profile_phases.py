"""The timers of ``profile_grading_task.py``: phases by wrapping functions; the kernel start, split.

:class:`Phases` keeps, per path of nested phase names, the calls, wall seconds and CPU seconds of
this process. :func:`patch_grading` wraps the grading's functions (nbgrader's converter steps,
every preprocessor, nnlego's task steps; v1 and plain: nbclient's kernel start and cells; v2:
the grader's setup, the zygote, the child's fork and end, the cells) with timers while it is
active and puts the originals back after. :func:`kernel_start_parts` times the pieces of
the sandboxed kernel's start one by one.
"""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Phases:
    def __init__(self):
        self.rows = {}          # path (tuple of names) -> [calls, wall, cpu]
        self.stack = []

    def call(self, name, function, *args, **kwargs):
        path = (*self.stack, name)
        self.stack.append(name)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            self.stack.pop()
            row = self.rows.setdefault(path, [0, 0.0, 0.0])
            row[0] += 1
            row[1] += time.perf_counter() - wall
            row[2] += time.process_time() - cpu

    def total(self, name) -> float:
        return sum(row[1] for path, row in self.rows.items() if path[-1] == name)

    def total_prefix(self, prefix) -> float:
        return sum(row[1] for path, row in self.rows.items() if path[-1].startswith(prefix))

    @classmethod
    def summed(cls, many):
        out = cls()
        for phases in many:
            for path, row in phases.rows.items():
                mine = out.rows.setdefault(path, [0, 0.0, 0.0])
                for i, value in enumerate(row):
                    mine[i] += value
        return out

    def table(self) -> str:
        tasks = sum(row[1] for path, row in self.rows.items() if len(path) == 1)
        lines = [f"{'phase':<62} {'calls':>5} {'wall s':>8} {'CPU s':>7} {'wall %':>7}"]

        def emit(path, depth):
            calls, wall, cpu = self.rows[path]
            name = "  " * depth + path[-1]
            lines.append(f"{name:<62} {calls:5d} {wall:8.2f} {cpu:7.2f} {100 * wall / tasks:6.1f}%")
            children = [p for p in self.rows if len(p) == len(path) + 1 and p[:-1] == path]
            for child in children:
                emit(child, depth + 1)
            if children:
                rest = wall - sum(self.rows[c][1] for c in children)
                rest_cpu = cpu - sum(self.rows[c][2] for c in children)
                name = "  " * (depth + 1) + "(rest)"
                lines.append(f"{name:<62} {'':5} {rest:8.2f} {rest_cpu:7.2f} "
                             f"{100 * rest / tasks:6.1f}%")

        for path in [p for p in self.rows if len(p) == 1]:
            emit(path, 0)
        return "\n".join(lines)


def _cell_kind(cell) -> str:
    from nnlego.course.grading.execute import _demonstration, role

    if cell.cell_type != "code":
        return "cell: markdown"
    kind = role(cell)
    if kind:
        return {"test": "cell: test (graded)", "setup": "cell: setup"}[kind]
    if cell.metadata.get("nbgrader", {}).get("solution"):
        return "cell: answer"
    if _demonstration(cell):
        return "cell: demonstration (not run at grading)"
    return "cell: other code"


def _timed(phases, name, original):
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        label = name(*args, **kwargs) if callable(name) else name
        return phases.call(label, original, *args, **kwargs)
    return wrapper


def _targets():
    """(owner, attribute, name) of every function timed: a name or name(*args)."""
    from nbclient import NotebookClient
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader import preprocessors as pp
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.base import BaseConverter

    from nnlego.course.grading import (
        converters,
        execute,
        feedback,
        judge,
        parallel_tasks,
        remote,
        scan,
        warm,
        withheld,
    )

    targets = [
        (parallel_tasks, "prepare_db", "task gradebook (a copy of the template)"),
        (parallel_tasks, "_api", "nbgrader's API and config (nbgrader_config.py)"),
        (parallel_tasks, "record_checks", "check outcomes (grading_logs/outcomes)"),
        (converters, "run", lambda api, step, *a, **k: f"nbgrader {step}"),
        (converters._Staged, "stage", "stage the submission (safe copy)"),
        (converters._Staged, "set_permissions", "permissions"),
        (BaseConverter, "init_notebooks", "find the notebooks"),
        (BaseConverter, "init_destination", "init destination"),
        (Autograde, "init_assignment", "gradebook rows; copy the solutions' other files"),
        (BaseConverter, "init_single_notebook_resources", "notebook resources"),
        (BaseConverter, "write_single_notebook", "write the notebook"),
        (HTMLExporter, "from_notebook_node", "HTML export (templates; its preprocessors)"),
        (NotebookClient, "start_new_kernel", "kernel start: launch"),
        (NotebookClient, "start_new_kernel_client", "kernel start: wait until it answers"),
        (NotebookClient, "_cleanup_kernel", "kernel shutdown"),
        (scan, "review", "scan: review flags"),
        (scan, "copies", "scan: copies of the released code"),
        (scan, "write_review", "scan: write nnlego_review.json"),
        (warm, "grader_setup", "v2: the grader's setup (run once per assignment, copied)"),
        (withheld, "nnlego_without", "v2: nnlego's copy without the pieces asked for"),
        (warm, "zygote_for", "v2: the zygote (started once per assignment, then reused)"),
        (warm.Zygote, "fork", "v2: fork the notebook's child"),
        (remote.Computer, "stop", "v2: end the child"),
    ]
    classes = [pp.ClearOutput, pp.DeduplicateIds, pp.OverwriteKernelspec, pp.OverwriteCells,
               pp.CheckCellMetadata, pp.Execute, pp.IgnorePattern, ClearMetadataPreprocessor,
               pp.LimitOutput, pp.SaveAutoGrades, pp.AssignLatePenalties, pp.GetGrades,
               CSSHTMLHeaderPreprocessor, execute.ProtectedExecute, execute.ScoreByTokens,
               judge.ComputeAndJudge, feedback.ClearHiddenTestsAndTheirLines]
    targets += [(cls, "preprocess", cls.__name__) for cls in classes]
    cells = lambda self, cell, *a, **k: _cell_kind(cell)   # noqa: E731
    targets += [(execute.ProtectedExecute, "execute_cell", cells),
                (pp.Execute, "execute_cell", cells),
                (judge.Notebook, "cell", cells)]
    return targets


@contextlib.contextmanager
def patch_grading(phases):
    """Time the grading's functions into phases while active (each owner's own attribute)."""
    saved = []
    for owner, attribute, name in _targets():
        own = owner.__dict__.get(attribute, None)
        saved.append((owner, attribute, own))
        setattr(owner, attribute, _timed(phases, name, getattr(owner, attribute)))
    try:
        yield phases
    finally:
        for owner, attribute, own in reversed(saved):
            if own is None:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, own)


KERNEL_IMPORTS = ("import numpy; from ipykernel.kernelapp import IPKernelApp; import nnlego, "
                  "nnlego.bricks, nnlego.correlation, nnlego.initializers, nnlego.tiles")


def _best(command, repeats=3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def _stock_kernel_start() -> float:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(3):
        start = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return min(times)


def kernel_start_parts() -> str:
    from nnlego.course.grading import sandbox

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="nnlego-profile-kernel-") as tmp:
        work, private = Path(tmp) / "work", Path(tmp) / "private"
        work.mkdir()
        private.mkdir()
        bwrap = sandbox.bwrap_command(str(private / "kernel.json"), work, None)
        bwrap = bwrap[:bwrap.index("--") + 1]
        parts = {
            "Python's start (python -c pass)": _best([python, "-c", "pass"]),
            "the launcher: Python + nnlego.course.grading.sandbox":
                _best([python, "-c", "import nnlego.course.grading.sandbox"]),
            "bwrap + Python's start (bwrap ... python -c pass)":
                _best(bwrap + [python, "-c", "pass"]),
            "bwrap + Python + the kernel's imports (numpy, ipykernel, nnlego)":
                _best(bwrap + [python, "-c", KERNEL_IMPORTS]),
            "the same imports outside the sandbox": _best([python, "-c", KERNEL_IMPORTS]),
            "stock python3 kernel: start until it answers (jupyter_client)":
                _stock_kernel_start(),
        }
    return "\n".join(f"  {name:<68} {seconds:6.2f} s" for name, seconds in parts.items())
