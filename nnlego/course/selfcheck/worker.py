"""The process that runs a learner's notebook: its cells, then the pieces' checks.

It runs in a child process of its own (``runner`` starts it, a :class:`nnlego.processes.Child`),
so a learner's cell that exits, hangs or floods its output cannot take the checker down. It
answers one request at a time on the channel to its parent (JSON messages):
``["run", cell_index, source, timeout]`` and ``["check", piece_index, seed, timeout]``. The check
module is imported *before* any learner code runs, so its references to nnlego's own functions are
bound first; before every check, the modules of nnlego and numpy are put back as they were then, so
a learner cell that replaced ``nnlego.activations.sigmoid`` (say) cannot change the reference a
check compares with. A cell that forks, where both copies go on, is reported (the copy that went on
ends at once); the grader's kernel would not survive it. Cells run in IPython (magics work) when it
is installed, else with ``exec``; ``%matplotlib`` lines are skipped (the checker shows no figures).
A cell's output is kept to its last few lines (a cell that prints a lot costs nothing) and never
shown unless the cell fails.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import select
import signal
import sys
import tempfile
import time
import traceback

import numpy as np

from nnlego import processes
from nnlego.course.selfcheck.base import Failed

MATPLOTLIB_MAGIC = re.compile(r"^(\s*)%matplotlib\b.*$", re.M)
KEEP_OUTPUT = 4000                # characters of a cell's output kept (its end)


class TimedOut(BaseException):
    """Raised in the learner's code when a cell or a check runs out of time (a BaseException,
    so that ``except Exception`` in the learner's code does not swallow it)."""


class Tail(io.TextIOBase):
    """A stdout that keeps only the last KEEP_OUTPUT characters written to it."""

    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text = (self.text + str(s))[-KEEP_OUTPUT:]
        return len(s)

    def writable(self):
        return True


def _alarm(signum, frame):
    raise TimedOut()


@contextlib.contextmanager
def deadline(seconds):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class Shell:
    """IPython's shell when there is one (magics, !commands), else plain exec."""

    def __init__(self):
        try:
            from IPython.core.interactiveshell import InteractiveShell
            from traitlets.config import Config
        except ImportError:
            self.shell, self.ns = None, {"__name__": "__main__"}
            return
        config = Config()
        config.HistoryManager.enabled = False
        self.shell = InteractiveShell.instance(config=config, colors="nocolor")
        self.ns = self.shell.user_ns

    def run(self, index, source):
        """Run a cell; return the exception it raised, or None."""
        source = MATPLOTLIB_MAGIC.sub(r"\1pass", source)
        if self.shell is None:
            try:
                exec(compile(source, f"<cell {index}>", "exec"), self.ns)
            except BaseException as error:  # the learner's error, reported by the parent
                return error
            return None
        self.shell.compile.cache = lambda *a, **k: f"<cell {index}>"   # tracebacks say cell N
        result = self.shell.run_cell(source, store_history=False, silent=False)
        return result.error_in_exec or result.error_before_exec


def describe(error, label):
    """One line for a learner: what the cell raised and where."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith("<cell ")]
    where = f", line {frames[-1].lineno}" if frames else ""
    message = str(error).strip().splitlines()
    text = f": {message[0]}" if message else ""
    return f"{label}{where} raised {type(error).__name__}{text}"


def run_cell(shell, index, source, timeout):
    """("ok" | "error" | "timeout" | "not attempted", detail, output)."""
    out = Tail()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), deadline(timeout):
            error = shell.run(index, source)
    except TimedOut as error_:
        error = error_
    if error is None:
        return "ok", "", ""
    if isinstance(error, TimedOut):
        return "timeout", f"cell {index} ran for more than {timeout:g} s and was stopped", out.text
    if isinstance(error, NotImplementedError):
        return "not attempted", describe(error, f"cell {index}"), ""
    return "error", describe(error, f"cell {index}"), out.text


def run_piece(module, ns, index, seed, timeout):
    """("pass" | "fail" | "not attempted", kind, detail) for piece number index."""
    piece = module.PIECES[index]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(len(module.PIECES))[index])
    out = Tail()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), deadline(timeout):
            piece.check(ns, rng)
    except Failed as failure:
        return "fail", failure.kind, failure.detail
    except NotImplementedError as error:
        culprit = _culprit(error)
        return "not attempted", "", (f"{culprit} raises NotImplementedError: write it, and "
                                     "delete the raise line" if culprit else
                                     str(error) or "raises NotImplementedError")
    except TimedOut:
        return "fail", "a time limit", (f"the check did not finish in {timeout:g} s: does a "
                                        "loop in your function never end?")
    except Exception as error:  # the answer returned something the check could not read
        return "fail", "what your function returned", (
            f"could not be checked ({type(error).__name__}: {error}); return what the "
            "docstring says")
    return "pass", "", ""


def _culprit(error):
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith("<cell ")]
    return f"{frames[-1].name} ({frames[-1].filename.strip('<>')})" if frames else ""


REFERENCE_MODULES = ("nnlego", "numpy")   # put back before every check
FORK_WAIT = 5.0   # seconds the checker waits for a forked copy to come back from its cell


def module_state(prefixes=REFERENCE_MODULES) -> dict:
    """{name: (module, copy of its namespace)} of every loaded module under these packages."""
    return {name: (module, dict(vars(module))) for name, module in list(sys.modules.items())
            if module is not None and name.split(".")[0] in prefixes}


def restore(state) -> None:
    """Put every module of ``state`` back: the module object in sys.modules, and each name it
    held (names a learner added are left; nothing of nnlego's reads them)."""
    for name, (module, names) in state.items():
        sys.modules[name] = module
        current = vars(module)
        for key, value in names.items():
            if current.get(key, restore) is not value:
                current[key] = value


class Forks:
    """Cells whose ``os.fork()`` copy went on past the cell (both copies running the checker).

    The copy that comes back from the cell writes the cell's number (which it inherited: the
    cell that forked) into a pipe of the checker's own, then ends at once. The checker knows
    how many forks there were (``os.register_at_fork``), so it waits a little for a copy that
    is slow to come back before it answers (:data:`FORK_WAIT`)."""

    def __init__(self):
        self.pid, self.current, self.seen, self.forks = os.getpid(), None, [], 0
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.register_at_fork(after_in_parent=self._forked)

    def _forked(self):
        if os.getpid() == self.pid:
            self.forks += 1

    def after_cell(self):
        """In a forked copy that came back from the cell: tell the checker, then end."""
        if os.getpid() != self.pid:
            os.write(self._write, f"{self.current}\n".encode())
            os._exit(0)

    def cells(self) -> list[int]:
        """The cells whose forked copy went on, in order, once each."""
        reports, end = [], time.monotonic() + (FORK_WAIT if self.forks else 0)
        while True:
            with contextlib.suppress(BlockingIOError):
                while chunk := os.read(self._read, 4096):
                    reports += chunk.split()
            left = end - time.monotonic()
            if len(reports) >= self.forks or left <= 0:
                break
            select.select([self._read], [], [], left)
        self.forks -= len(reports)
        self.seen = sorted({*self.seen, *map(int, reports)})
        return self.seen


def serve(channel, module_name):
    """The child's main loop: read requests, send answers (a :class:`nnlego.processes.Channel`)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)                    # a learner writing to fd 1 or 2 directly is harmless
    os.dup2(devnull, 2)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ.setdefault("IPYTHONDIR", tempfile.mkdtemp(prefix="nnlego-check-ipython-"))
    sys.stdin = io.StringIO()             # input() in a cell fails at once instead of hanging
    module = importlib.import_module(module_name)
    shell = Shell()
    references, forks = module_state(), Forks()
    channel.send(("ready",))
    while True:
        request = channel.receive()
        if request[0] == "run":
            forks.current = request[1]
            ran = run_cell(shell, *request[1:])
            forks.after_cell()
            channel.send(("ran", *ran))
        elif request[0] == "check":
            restore(references)
            channel.send(("checked", *run_piece(module, shell.ns, *request[1:])))
        elif request[0] == "names":
            channel.send(("names", sorted(k for k in shell.ns if not k.startswith("_")),
                          forks.cells()))
        else:
            break


def main(argv):
    """``python -m nnlego.course.selfcheck.worker READ_FD WRITE_FD MODULE`` (the runner starts
    it)."""
    channel, (module_name,) = processes.parent_channel(argv)
    try:
        serve(channel, module_name)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass                              # the runner went away


if __name__ == "__main__":
    main(sys.argv[1:])


__all__ = ["serve", "run_cell", "run_piece", "TimedOut"]
