"""Grading v2: the student's process only computes, the grader decides.

:class:`ComputeAndJudge` takes the place of
:class:`~nnlego.course.grading.execute.ProtectedExecute` in nbgrader's autograde chain
(``NNLEGO_GRADER_ENGINE=v2``, read by the course's ``nbgrader_config.py``). For one notebook it:

1. runs the setup cell in the grader (it is the instructor's: nbgrader restores locked cells),
   reads the pieces being graded from the test cells' ``own_work(...)``
   (:func:`~nnlego.course.grading.withheld.pieces_named`) and makes the copy of nnlego without
   them;
2. starts a sandboxed child (:class:`~nnlego.course.grading.remote.Computer`) in a private copy
   of the submission's folder, and runs the setup, answer and other code cells *there*, in order
   (demonstration cells are not run);
3. runs each test cell, visible and hidden tests alike, *in the grader*
   (:class:`~nnlego.course.grading.drive.TestRun`): the student's functions are proxies that
   send plain data to the child and get plain data back, the references are computed by the
   grader's own nnlego. The hidden tests and the reference values never enter the child: there
   is no key to steal, no token to forge, no source to print.

A test cell passes when it runs to its end without an error; the verdicts go to
``resources["nnlego"]["passed"]``, which :class:`~nnlego.course.grading.execute.ScoreByTokens`
turns into scores (and the static review into flags), as with the first engine. A child that
dies or overruns the per-cell timeout is replaced by a fresh one that replays the cells run so
far (at most :attr:`ComputeAndJudge.restarts` times; then the rest is "not run").
"""

from __future__ import annotations

import tempfile

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer

from . import drive, safe_files, warm, withheld
from .execute import _demonstration, _error, _stream, role
from .remote import Computer, Gone, Scope


class ComputeAndJudge(NbGraderPreprocessor):
    """Run a submission's code in a sandboxed child and its tests in the grader."""

    timeout = Integer(None, allow_none=True, config=True,
                      help="seconds a cell (and a test cell's calls) may take; default: the "
                           "course's c.Execute.timeout, else 60")
    restarts = Integer(3, config=True, help="fresh children after one died or overran")
    warm = Bool(True, config=True, help="fork each notebook's child from a zygote that has "
                                        "run the setup (nnlego.course.grading.warm)")

    def preprocess(self, nb, resources):
        record = resources.setdefault("nnlego", {"passed": {}, "flags": {}})
        folder = resources.get("metadata", {}).get("path")
        start = tempfile.mkdtemp(prefix="nnlego-start-")
        try:
            if folder:
                safe_files.copy_regular(folder, start, limits=safe_files.Limits.from_env())
            Notebook(nb, start, self.cell_timeout(), self.restarts, record,
                     warm=self.warm).grade()
        finally:
            safe_files.remove_tree(start)
        return nb, resources

    def cell_timeout(self) -> int:
        if self.timeout is not None:
            return self.timeout
        return int(self.config.get("Execute", {}).get("timeout", 60) or 60)


class Notebook:
    """One notebook's grading run: the grader's scope, the child, the cells run so far."""

    def __init__(self, nb, start, timeout, restarts, record, warm=True):
        self.nb, self.start, self.timeout = nb, start, timeout
        self.restarts_left, self.record, self.warm = restarts, record, warm
        self.scope = Scope(None)            # the grader's names; the child's once it runs
        self.computer: Computer | None = None
        self.copy, self.setup_source = None, ""
        self.replay: list[tuple[str, str]] = []        # (source, name) run in the child so far
        self.not_run: str | None = None
        self.count = 0

    def grade(self):
        cells = self.nb.cells
        setup = next((c for c in cells if role(c) == "setup"), None)
        self.setup_source = setup.source if setup else ""
        if self.warm:
            names, setup_error = warm.grader_setup(
                self.setup_source, lambda names: drive.run_setup(names, self.setup_source))
            dict.update(self.scope, names)
        else:
            setup_error = drive.run_setup(self.scope, self.setup_source)
        tests = [c.source for c in cells if role(c) == "test"]
        self.copy = withheld.nnlego_without(withheld.pieces_named(tests, self.scope))
        try:
            for cell in cells:
                if cell.cell_type == "code":
                    self.count += 1
                    self.cell(cell, setup_error)
        finally:
            if self.computer is not None:
                self.computer.stop()

    def cell(self, cell, setup_error):
        kind = role(cell)
        if kind is None and _demonstration(cell):
            cell.outputs = [_stream("[nnlego-grader: a demonstration, not run at grading]\n",
                                    "stderr")]
            return
        cell.execution_count = self.count
        if not self.child():
            if cell.source.strip():
                cell.outputs = [_error("NotRun", f"not run: {self.not_run}")]
            if kind == "test":
                self.record["passed"][drive.grade_id(cell)] = False
            return
        if kind == "test":
            self.test(cell, setup_error)
        elif kind == "setup" and self.warm:
            setup = self.computer.ready.get("setup") or {}     # the zygote ran it
            cell.outputs = _child_outputs(setup.get("stdout"), setup.get("error"))
        else:
            self.answer(cell)

    def child(self) -> bool:
        """A live child (started, or restarted and replayed); False when none can be had."""
        while self.computer is None or self.computer.dead is not None:
            if self.not_run is not None:
                return False
            if self.computer is not None:
                self.restarts_left -= 1
                if self.restarts_left < 0:
                    self.not_run = f"your code stopped the grader's sandbox too often " \
                                   f"({self.computer.dead})"
                    return False
            try:
                self.computer = self.new_child()
                for source, name in self.replay:
                    self.computer.run(source, name)
            except Gone as error:
                self.not_run = f"the sandbox could not be started again ({error})"
                return False
        return True

    def new_child(self) -> Computer:
        """A fresh child: forked from this assignment's zygote, or started cold."""
        if not self.warm:
            return Computer(self.start, self.copy, timeout=self.timeout)
        try:
            return warm.zygote_for(self.copy, self.setup_source, self.timeout).fork(self.start)
        except Gone:        # a zygote a child killed: once more with a new one
            return warm.zygote_for(self.copy, self.setup_source, self.timeout).fork(self.start)

    def answer(self, cell):
        name = f"<cell In[{self.count}]>"
        try:
            printed, error = self.computer.run(cell.source, name)
        except Gone as gone:
            cell.outputs = [_error("DeadKernelError", f"{gone}: the cells after it run in a "
                                   "fresh sandbox without it")]
            return
        self.replay.append((cell.source, name))
        cell.outputs = _child_outputs(printed, error)

    def test(self, cell, setup_error):
        self.scope.computer = self.computer
        self.computer.cell_left = self.timeout
        try:
            outputs, passed = drive.TestRun(self.scope, cell.source, self.count,
                                            setup_error).run()
        finally:
            self.computer.cell_left = None
        cell.outputs = outputs
        self.record["passed"][drive.grade_id(cell)] = passed


def _child_outputs(printed: str | None, error: dict | None) -> list:
    """A cell's outputs from what the child printed and the error it described."""
    outputs = [_stream(printed)] if printed else []
    if error is not None:
        outputs.append(drive.error_output(error["type"], error["message"],
                                          error["traceback"].split("\n")))
    return outputs
