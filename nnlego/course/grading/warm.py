"""Warm forks for grading v2: the grader's side of the sandboxed zygote, and the grader's own
setup, each done once per assignment in a grading process.

- :class:`Zygote` starts :mod:`nnlego.course.grading.zygote` in the sandbox (with the copy of
  nnlego the assignment allows) and has it run the setup cell once; :meth:`Zygote.fork` gives a
  fresh :class:`~nnlego.course.grading.remote.Computer` per notebook, forked from it with the
  submission's files, over a socket of its own. A zygote that died is replaced.
- :func:`zygote_for` keeps at most :data:`KEEP` zygotes per process (the most recently used),
  keyed by the nnlego copy and the setup cell's source.
- :func:`grader_setup` runs the setup cell in the grader once per source and hands every
  notebook its own copy of the names it bound (arrays, networks and containers copied; modules,
  functions and classes shared), so what one student's calls did to them never reaches the next.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import socket
import subprocess
import tempfile
import time
import types
from pathlib import Path

import numpy as np

from . import link as framing
from . import safe_files, sandbox
from .remote import Computer, Gone

KEEP = 2
_ZYGOTES: dict[tuple, Zygote] = {}
_SETUPS: dict[str, tuple] = {}


class Zygote:
    """A sandboxed process that has run one assignment's setup and forks a child per notebook."""

    def __init__(self, nnlego_copy, setup: str, timeout: float = 60.0):
        self.timeout = timeout
        self.empty = tempfile.mkdtemp(prefix="nnlego-zygote-")
        ours, theirs = socket.socketpair()
        self.socket = ours
        self.process = sandbox.start(sandbox.zygote_command(self.empty, nnlego_copy),
                                     stdin=theirs, stdout=subprocess.DEVNULL)
        theirs.close()
        self.link = framing.Link(ours.fileno(), ours.fileno())
        if self._answer(max(timeout, 60.0)).get("op") != "ready":
            self.stop()
            raise Gone("the zygote did not start")
        self.link.send({"op": "prepare", "source": setup})
        self.setup = self._answer(max(timeout, 600.0))

    def _answer(self, seconds):
        try:
            message, _ = self.link.receive(time.monotonic() + seconds)
        except framing.LinkError as error:
            self.stop()
            raise Gone(f"the zygote stopped answering ({error})") from None
        return message

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, start, limits=None) -> Computer:
        """A fresh child with the files of the folder ``start`` (regular files only, within
        ``limits``), forked from this zygote."""
        names, blobs = _files(start, limits)
        ours, theirs = socket.socketpair()
        try:
            self.link.send({"op": "fork", "files": names},
                           [np.frombuffer(blob, dtype=np.uint8) for blob in blobs],
                           has_value=True)
            socket.send_fds(self.socket, [b"F"], [theirs.fileno()])   # the child's socket
            if self._answer(self.timeout).get("op") != "forked":
                raise Gone("the zygote did not fork")
        except (framing.LinkError, OSError) as error:
            self.stop()
            raise Gone(f"the zygote is gone ({error})") from None
        finally:
            theirs.close()
        link = framing.Link(ours.fileno(), ours.fileno())

        def end(now):
            ours.close()
            if now and self.alive():
                self.clean()

        return Computer(None, timeout=self.timeout, channel=(link, end))

    def clean(self):
        """End the zygote's children and empty the sandbox's folders now."""
        try:
            self.link.send({"op": "clean"})
            self._answer(30)
        except (Gone, framing.LinkError):
            pass

    def stop(self):
        """End the zygote: asked to (it ends its children first, so every CPU second is
        accounted to the grader's process), else killed."""
        if self.process.poll() is None:
            try:
                self.link.send({"op": "bye"})
                self.process.wait(timeout=5)
            except (framing.LinkError, OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.socket.close()
        safe_files.remove_tree(self.empty)


def _files(start, limits) -> tuple[dict, list[bytes]]:
    names, blobs = {}, []
    if start is None:
        return names, blobs
    staged = Path(tempfile.mkdtemp(prefix="nnlego-fork-"))
    try:
        safe_files.copy_regular(start, staged / "files", limits=limits or
                                safe_files.Limits.from_env())
        for path in sorted((staged / "files").rglob("*")):
            if path.is_file() and not path.is_symlink():
                names[path.relative_to(staged / "files").as_posix()] = len(blobs)
                blobs.append(path.read_bytes())
    finally:
        safe_files.remove_tree(staged)
    return names, blobs


def zygote_for(nnlego_copy, setup: str, timeout: float) -> Zygote:
    """This process's zygote for an assignment (started, or restarted if it died)."""
    key = (str(nnlego_copy), hashlib.sha256(setup.encode()).hexdigest(), timeout)
    zygote = _ZYGOTES.pop(key, None)
    if zygote is not None and not zygote.alive():
        zygote.stop()
        zygote = None
    if zygote is None:
        if not _ZYGOTES:
            atexit.register(stop_all)
        zygote = Zygote(nnlego_copy, setup, timeout)
    _ZYGOTES[key] = zygote                      # the most recently used last
    while len(_ZYGOTES) > KEEP:
        _ZYGOTES.pop(next(iter(_ZYGOTES))).stop()
    return zygote


def stop_all():
    while _ZYGOTES:
        _ZYGOTES.popitem()[1].stop()


def grader_setup(source: str, run) -> tuple[dict, str | None]:
    """``(names, error)`` of the setup cell in the grader: ``run(scope_dict) -> error`` runs
    it once per source in this process; every call returns a fresh copy of its names."""
    key = hashlib.sha256(source.encode()).hexdigest()
    if key not in _SETUPS:
        names: dict = {}
        error = run(names)
        _SETUPS.clear()                          # one assignment's data at a time
        _SETUPS[key] = (names, error)
    names, error = _SETUPS[key]
    return fresh_copy(names), error


def fresh_copy(names: dict) -> dict:
    """The names with their data copied (one memo: aliases stay aliases) and their code
    shared."""
    memo: dict = {}
    copied = {}
    for name, value in names.items():
        if isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                              type)) or callable(value) and not hasattr(value, "__dict__"):
            copied[name] = value
            continue
        try:
            copied[name] = copy.deepcopy(value, memo)
        except Exception:
            copied[name] = value
    return copied

