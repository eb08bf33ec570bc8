"""Child processes, supervised one way: the reproduction pool (:mod:`nnlego.runner`), the grading
workers (:mod:`nnlego.course.grading.parallel_worker`), the grading sandbox and the self-check
(:mod:`nnlego.course.selfcheck.runner`) all start, watch and end their processes here.

Four things, written once:

- **dying with the parent**: :func:`die_with_parent` asks Linux (``prctl(PR_SET_PDEATHSIG)``) to
  send a signal when the *thread* that started this process ends, and ends this process at once
  if its parent is already gone; elsewhere it does nothing and says so (returns False), and
  :func:`watch_parent` (a thread) is the portable fallback;
- **a process group of its own**: :func:`start` begins a child in a new session (so a signal
  from the terminal does not reach it, and everything it starts is in its group) that dies with
  the thread that starts it; :func:`end_group` ends the whole group, grandchildren too: SIGTERM,
  then SIGKILL to whatever still runs after ``grace`` seconds;
- **waiting with a deadline**: :meth:`Child.ask` returns the child's answer, or None once the
  child died or ran out of time (it is then ended, group and all);
- **crash reports in words**: :func:`exit_sentence` ("killed by SIGKILL (out of memory?)",
  "exited with code 3") and :func:`timeout_sentence` ("timed out after 60 s").

A :class:`Child` is ``python -m MODULE READ_FD WRITE_FD ARGS...``: it talks JSON messages (plain
data, never pickles) over two pipes of its own, so its stdin, stdout and stderr stay free for
whatever it runs. The child's end is :func:`parent_channel`. POSIX only, as the course is.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

GRACE = 5.0                 # seconds between SIGTERM and SIGKILL when a group is ended
PR_SET_PDEATHSIG = 1        # <linux/prctl.h>
HINTS = {                   # what a signal usually means, said after its name
    "SIGKILL": "out of memory?", "SIGSEGV": "a crash in C code", "SIGBUS": "a crash in C code",
    "SIGABRT": "aborted, a crash in C code?", "SIGXCPU": "its CPU time limit",
    "SIGXFSZ": "its file size limit", "SIGTERM": "asked to end", "SIGPIPE": "its reader went away",
}


def _find_prctl():
    """libc's prctl, looked up once here (never after a fork), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()


def die_with_parent(sig: int = signal.SIGKILL, *, parent: int | None = None) -> bool:
    """Have the kernel send ``sig`` to this process when the thread that started it ends.

    Call it in the child (a pool's initializer, or :func:`start`'s ``preexec_fn``). Returns True
    if the request took, False where the system has no ``PR_SET_PDEATHSIG`` (not Linux): then use
    :func:`watch_parent`. With ``parent`` (the pid that started this process), a parent that died
    before the request took effect ends this process at once (exit status 1), as the signal
    would have.
    """
    armed = _PRCTL is not None and _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    return armed


def watch_parent(parent: int, interval: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process (exit status 1) once ``parent`` is no longer its
    parent: dying with the parent where :func:`die_with_parent` cannot ask the kernel."""
    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name="nnlego-watch-parent", daemon=True)
    thread.start()
    return thread


def start(argv, *, parent_death: int = signal.SIGKILL, **popen) -> subprocess.Popen:
    """``subprocess.Popen(argv, **popen)`` in a session (and process group) of its own, sent
    ``parent_death`` when the calling thread ends (:func:`die_with_parent`)."""
    arm = partial(die_with_parent, parent_death, parent=os.getpid())
    return subprocess.Popen(argv, start_new_session=True, preexec_fn=arm, **popen)


def end_group(process: subprocess.Popen, grace: float = GRACE) -> int:
    """End ``process`` and everything in its process group (it leads one: :func:`start`), and
    return its exit status (negative: the signal that ended it).

    SIGTERM first; whatever of the group still runs ``grace`` seconds later gets SIGKILL
    (``grace=0``: SIGKILL at once). Safe from any thread, and on a process that already ended.
    """
    if grace > 0:
        _signal_group(process.pid, signal.SIGTERM)
        end = time.monotonic() + grace
        while _group_runs(process) and time.monotonic() < end:
            time.sleep(0.05)
    _signal_group(process.pid, signal.SIGKILL)
    return process.wait()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_runs(process) -> bool:
    """Whether a process of the group still runs. Linux: any member in /proc that is not a
    zombie (an orphan's zombie may never be reaped in a container); elsewhere: the leader."""
    if not Path("/proc/self/stat").is_file():
        return process.poll() is None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(group) == process.pid and state not in "ZX":
                return True
    return False


def exit_sentence(returncode: int | None) -> str:
    """A process's exit status in words: "exited with code 3", "killed by SIGKILL (out of
    memory?)", "killed by signal 99"; None (still running) is "is still running"."""
    if returncode is None:
        return "is still running"
    if returncode >= 0:
        return f"exited with code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        return f"killed by signal {-returncode}"
    return f"killed by {name}" + (f" ({HINTS[name]})" if name in HINTS else "")


def timeout_sentence(seconds: float) -> str:
    """What ended a process that ran out of time, in words: "timed out after 60 s"."""
    return f"timed out after {seconds:g} s"


class Channel:
    """One end of a :class:`Child`'s two pipes: JSON messages, one at a time, either way."""

    def __init__(self, read_fd: int, write_fd: int):
        self._in = Connection(read_fd, writable=False)
        self._out = Connection(write_fd, readable=False)

    def send(self, message) -> None:
        """Send plain data (what ``json.dumps`` takes); OSError if the other end is gone."""
        self._out.send_bytes(json.dumps(message).encode())

    def receive(self, timeout: float | None = None):
        """The next message (tuples come back as lists), or TimeoutError after ``timeout``
        seconds (None: wait for ever); EOFError if the other end is gone."""
        if not self._in.poll(timeout):
            raise TimeoutError(timeout)
        return json.loads(self._in.recv_bytes())

    def close(self) -> None:
        self._in.close()
        self._out.close()


def parent_channel(argv) -> tuple[Channel, list[str]]:
    """In a :class:`Child`'s process: the channel to its parent, and the arguments after it."""
    if len(argv) < 2 or not all(a.isdigit() for a in argv[:2]):
        raise SystemExit(f"expected READ_FD WRITE_FD ARGS..., got {argv!r}: this module is a "
                         "worker process, started by nnlego.processes.Child, not by hand")
    return Channel(int(argv[0]), int(argv[1])), list(argv[2:])


class Child:
    """A long-lived worker process: ``python -m module READ_FD WRITE_FD *args``, started by
    :func:`start` (its own session, dying with the thread that starts it), asked one message at a
    time (:meth:`ask`). ``popen`` goes to ``subprocess.Popen`` (``cwd``, ``env``, ``stdout``...).

    After a failed :meth:`ask`, ``failure`` says what happened, to follow "the worker":
    "timed out after 60 s", "died: killed by SIGKILL (out of memory?)".
    """

    def __init__(self, module: str, *args, grace: float = GRACE, **popen):
        self.argv = [sys.executable, "-m", module]
        self.args, self.grace, self.popen = [str(a) for a in args], grace, popen
        self.process, self.channel, self.failure = None, None, None

    @property
    def running(self) -> bool:
        """Started and not yet ended by :meth:`stop` (it may have died on its own since)."""
        return self.process is not None

    def start(self) -> None:
        """Start the process (ending first the one this Child still runs, if any)."""
        self.stop()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        try:
            self.process = start([*self.argv, str(child_reads), str(child_writes), *self.args],
                                 pass_fds=(child_reads, child_writes), **self.popen)
        except BaseException:
            os.close(parent_reads)
            os.close(parent_writes)
            raise
        finally:
            os.close(child_reads)
            os.close(child_writes)
        self.channel, self.failure = Channel(parent_reads, parent_writes), None

    def ask(self, message, timeout: float | None):
        """Send ``message`` and return the answer, waiting at most ``timeout`` seconds (None:
        for ever). None if the child died or ran out of time: it is then ended, its group too,
        and ``failure`` says which."""
        if self.process is None:
            raise RuntimeError("the child is not running: call start() before ask()")
        try:
            self.channel.send(message)
        except OSError:               # it died between two messages
            return self._died()
        return self.receive(timeout)

    def receive(self, timeout: float | None):
        """The child's next message within ``timeout`` seconds, or None as for :meth:`ask`."""
        try:
            return self.channel.receive(timeout)
        except TimeoutError:
            self.stop()
            self.failure = timeout_sentence(timeout)
            return None
        except (EOFError, OSError):
            return self._died()

    def _died(self):
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(self.grace)         # its own exit status, not our SIGTERM's
        self.failure = f"died: {exit_sentence(self.stop())}"
        return None

    def stop(self) -> int | None:
        """End the child and its group (:func:`end_group`); its exit status, None if none ran."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        try:
            return end_group(process, self.grace)
        finally:
            self.channel.close()

    def kill(self) -> None:
        """SIGKILL the child's group now (:func:`end_group` without grace), from any thread
        (Ctrl-C): the thread waiting in :meth:`ask` then sees it die."""
        process = self.process
        if process is not None:
            end_group(process, grace=0)


__all__ = ["die_with_parent", "watch_parent", "start", "end_group", "exit_sentence",
           "timeout_sentence", "Channel", "parent_channel", "Child", "GRACE"]
