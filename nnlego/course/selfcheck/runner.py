"""Check a learner's notebook: run its cells in a child process, then every piece's check.

:func:`check_notebook` returns a :class:`Report` (what each cell did, a verdict per piece); it
prints nothing (``nnlego.commands.check`` prints). Each cell and each check has ``timeout``
seconds: the child stops the learner's code itself (a signal), and if even that does not come
back (a C-level hang) or the child dies (``os._exit``, a crash), the runner starts a fresh
child, runs again the cells that had worked, and goes on. A cell that fails costs only the
pieces that need the names it would have defined. A cell that ends or forks its process is
different: the grader's kernel would stop there, so no piece whose tests come after that cell
passes. The child is a :class:`nnlego.processes.Child`: a session of its own, ended whole at the
end (nothing it started outlives the check), dying with the checker, its crashes said in words.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nnlego import processes
from nnlego.course.selfcheck import notebook, registry

GRACE = 10.0            # seconds past a timeout before the child is killed
WORKER = "nnlego.course.selfcheck.worker"
SETUP_FACTOR = 10       # the setup cell may fetch the data on a first run: 10 x the timeout


@dataclass
class CellResult:
    cell: notebook.Cell
    status: str                     # "ok", "error", "timeout", "crashed", "not attempted"
    detail: str = ""


@dataclass
class Verdict:
    piece: str
    status: str                     # "pass", "fail", "not attempted"
    kind: str = ""
    detail: str = ""


@dataclass
class Report:
    assignment: str
    path: Path
    seed: int
    cells: list[CellResult] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(v.status == "pass" for v in self.verdicts)

    def count(self, status: str) -> int:
        return sum(v.status == status for v in self.verdicts)


class Child:
    """The worker process, restarted (and its good cells replayed) when it dies or hangs.

    A plain ``python -m nnlego.course.selfcheck.worker`` (not multiprocessing, which would import
    the caller's main script again), in the notebook's folder as Jupyter would run it; its
    stdout and stderr go nowhere. After an answer that did not come, ``failure`` says why.
    """

    def __init__(self, module_name, folder):
        self.replay, self.failure = [], None
        self.worker = processes.Child(WORKER, module_name, cwd=folder, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.worker.start()
        if self.worker.receive(120.0) is None:
            raise OSError(f"could not start {sys.executable} -m {WORKER} (it "
                          f"{self.worker.failure}): is nnlego installed for this Python "
                          "(pip install nnlego)?")
        for request in self.replay:
            self.ask(request, request[-1], replaying=True)

    def ask(self, request, timeout, replaying=False):
        """The child's answer, or None if it died or hung (it is then restarted)."""
        if not self.worker.running:
            self.start()
        answer = self.worker.ask(request, timeout + GRACE)
        if answer is None:
            self.failure = self.worker.failure
            if not replaying:
                self.start()
            return None
        if request[0] == "run" and answer[1] == "ok" and not replaying:
            self.replay.append(request)
        return answer

    def stop(self):
        self.worker.stop()


def check_notebook(path, *, assignment=None, seed=None, timeout=60.0, pieces=None,
                   all_cells=False, progress=None) -> Report:
    """Run the notebook at path and check its pieces (all, or those named in ``pieces``).

    ``progress(step, label)`` is called before every cell and check (for a progress bar);
    ``steps(path, ...)`` says how many there are.
    """
    path = Path(path)
    nb = notebook.read(path)
    assignment = registry.resolve(assignment) if assignment else registry.identify(path, nb)
    module_name = registry.modules()[assignment]
    module = registry.load(module_name)
    chosen = select(module, pieces)
    seed = secrets.randbelow(10**8) if seed is None else int(seed)
    report = Report(assignment, path, seed)
    cells = notebook.cells_to_run(nb, all_cells)
    child = Child(module_name, path.resolve().parent)
    try:
        for cell in cells:
            _tick(progress, f"running {cell.label}")
            allowed = timeout * SETUP_FACTOR if cell.role == "setup" else timeout
            answer = child.ask(("run", cell.index, cell.source, allowed), allowed)
            if answer is None:
                report.cells.append(CellResult(cell, "crashed", f"{cell.label} stopped the "
                                               "Python process running it (or hung in C code); "
                                               f"the process {child.failure}"))
            else:
                report.cells.append(CellResult(cell, answer[1], answer[2]))
        answer = child.ask(("names",), 30.0)
        names = set(answer[1]) if answer else set()
        stop = kernel_stop(report, forked=answer[2] if answer else [])
        tests = test_cells(nb)
        for index in chosen:
            piece = module.PIECES[index]
            _tick(progress, f"checking {piece.name}")
            verdict = _verdict(child, piece, index, names, report, seed, timeout)
            report.verdicts.append(_after_stop(verdict, piece, stop, tests))
    finally:
        child.stop()
    return report


def kernel_stop(report, forked=()) -> tuple[int, str] | None:
    """(cell index, what happened) of the first cell where the grader's kernel would stop:
    a cell that ended or crashed its process, or forked it with both copies going on."""
    events = [(r.cell.index, f"{r.cell.label} stopped the Python process running it "
               "(os._exit, a crash, or a hang in C code)")
              for r in report.cells if r.status == "crashed"]
    labels = {r.cell.index: r.cell.label for r in report.cells}
    events += [(i, f"{labels.get(i, f'cell {i}')} forked its process (os.fork) and both copies "
                "went on") for i in forked]
    return min(events, default=None)


def test_cells(nb) -> dict[str, int]:
    """{grade id: cell index (1-based)} of the notebook's graded test cells."""
    return {notebook.nbgrader(c)["grade_id"]: i for i, c in enumerate(nb["cells"], 1)
            if notebook.is_test(c) and notebook.nbgrader(c).get("grade_id")}


def _after_stop(verdict, piece, stop, tests):
    """A passing verdict turned into a failure when the grader's kernel would have stopped
    before one of the piece's tests (or where the notebook does not say where they are)."""
    if stop is None or verdict.status != "pass":
        return verdict
    positions = [tests[g] for g in piece.covers if g in tests]
    if positions and all(p < stop[0] for p in positions):
        return verdict
    return Verdict(piece.name, "fail", "your notebook",
                   f"{stop[1]}: the grader's kernel would stop there, so this piece's tests, "
                   "which come after it, would score 0. Remove that line and run again")


def select(module, pieces):
    """Indices of the pieces to check; ValueError listing the names if one is unknown."""
    names = [p.name for p in module.PIECES]
    if not pieces:
        return list(range(len(names)))
    unknown = [p for p in pieces if p not in names]
    if unknown:
        raise ValueError(f"--piece {unknown[0]!r}: {module.ASSIGNMENT} has no such piece; "
                         f"choose one of {', '.join(names)}")
    return [names.index(p) for p in pieces]


def steps(path, *, assignment=None, pieces=None, all_cells=False) -> int:
    """How many cells and checks check_notebook will go through."""
    nb = notebook.read(path)
    assignment = registry.resolve(assignment) if assignment else registry.identify(path, nb)
    module = registry.load(registry.modules()[assignment])
    return len(notebook.cells_to_run(nb, all_cells)) + len(select(module, pieces))


def _verdict(child, piece, index, names, report, seed, timeout):
    missing = [n for n in piece.needs if n not in names]
    if missing:
        return Verdict(piece.name, *_missing(missing, report))
    answer = child.ask(("check", index, seed, timeout), timeout)
    if answer is None:
        return Verdict(piece.name, "fail", "a time limit", "the check stopped the Python process "
                       f"running it (os._exit?) or hung in C code; the process {child.failure}")
    return Verdict(piece.name, *answer[1:])


def _missing(missing, report):
    """Why the names are not there: a failed cell that defines one, or not written yet."""
    for result in report.cells:
        if result.status != "ok" and set(missing) & result.cell.defines():
            status = "not attempted" if result.status == "not attempted" else "fail"
            return status, "your notebook", f"{', '.join(missing)} not defined: {result.detail}"
    return "not attempted", "", f"{', '.join(missing)} not defined in the notebook"


def _tick(progress, label):
    if progress is not None:
        progress(label)


__all__ = ["check_notebook", "Report", "Verdict", "CellResult", "steps", "select"]
