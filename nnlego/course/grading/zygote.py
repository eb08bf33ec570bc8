"""Warm forks, fresh per notebook: a sandboxed process that has imported NumPy and nnlego and run
an assignment's setup cell once, and forks a fresh child (:mod:`nnlego.course.grading.computer`)
for every notebook.

``python -m nnlego.course.grading.zygote`` runs inside the sandbox with its stdin a Unix socket to
the grader (:class:`nnlego.course.grading.warm.Zygote` starts it). Requests, one
:mod:`~nnlego.course.grading.link` frame each:

- ``prepare`` ``source``: run the setup cell (the instructor's; nbgrader restores it in every
  submission) in the namespace every child starts from; answers ``done`` with what it printed
  and its error;
- ``fork`` with ``files`` (name and blob of each file of the submission's folder), followed on
  the socket by the child's own socket (``SCM_RIGHTS``): the zygote first ends every other
  process of the sandbox and empties its writable folders (the working folder, the scratch
  folder, ``/dev/shm``), then writes the files into the working folder and forks; the child
  answers ``ready`` on its socket and serves the grader there; the zygote answers ``forked``;
- ``clean``: end every other process and empty the folders now (a child that overran).

Isolation: each child is a fork of the zygote, which never runs a student's code, so a module a
submission patched, a thread it left or a global it set is gone for the next one; its files and
processes are removed before the next fork. The zygote is not dumpable (``PR_SET_DUMPABLE`` 0),
so a child cannot read or write its memory through ``ptrace`` or ``/proc``. A child that kills
the zygote only costs a new one (the grader starts it).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import sys
import time

WRITABLE = ("/nnlego-work", "/nnlego-scratch", "/dev/shm")
PR_SET_DUMPABLE = 4


def _not_dumpable():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def end_the_others():
    """SIGKILL every process of the sandbox but this one (and its init), and reap them."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            if os.waitpid(-1, 0)[0] == 0:
                break
        except ChildProcessError:
            break
    for _ in range(200):                # orphans are reaped by the sandbox's init: wait for it
        if {int(p) for p in os.listdir("/proc") if p.isdigit()} <= {1, os.getpid()}:
            return
        time.sleep(0.01)


def empty(folder: str):
    """Remove everything inside ``folder`` (made writable first: a child may chmod)."""
    if not os.path.isdir(folder):
        return
    for root, folders, _ in os.walk(folder):
        for name in folders:
            try:
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
            except OSError:
                pass
    for entry in os.scandir(folder):
        path = entry.path
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def write_files(files: dict, blobs: list[bytes], folder: str = WRITABLE[0]):
    """The submission's files, from the grader, into the working folder."""
    for name, index in files.items():
        parts = name.split("/")
        if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
            continue                          # (the grader sends relative names only)
        path = os.path.join(folder, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(blobs[index])


class Zygote:
    """The zygote's loop: prepare once, then fork per notebook."""

    def __init__(self, control: socket.socket):
        from .computer import Server
        from .link import Link

        self.control = control
        self.link = Link(control.fileno(), control.fileno())
        self.template = Server(None)
        self.setup = {"stdout": "", "error": None}

    def serve(self):
        while True:
            message, blobs = self.link.receive()
            op = message.get("op")
            if op == "prepare":
                self.prepare(message["source"])
            elif op == "fork":
                from .link import value_of

                contents = value_of(message, blobs) or []
                self.fork(message.get("files", {}), [bytes(array) for array in contents])
            elif op == "clean":
                self.clean()
                self.link.send({"op": "done"})
            else:                               # "bye", or anything else: the end
                end_the_others()
                os._exit(0)

    def prepare(self, source):
        error = self.template.run_cell(source, "<cell In[1]>")
        self.setup = {"stdout": self.template.capture.drain(), "error": error}
        self.link.send({"op": "done", **self.setup})

    def clean(self):
        end_the_others()
        for folder in WRITABLE:
            empty(folder)
        os.chdir(WRITABLE[0])

    def fork(self, files, blobs):
        _, fds, _, _ = socket.recv_fds(self.control, 1, 1)
        self.clean()
        write_files(files, blobs)
        pid = os.fork()
        if pid == 0:
            self.control.close()
            self.child(fds[0])
        for fd in fds:
            os.close(fd)
        self.link.send({"op": "forked"})

    def child(self, fd):
        from .link import Link

        server = self.template
        server.link = Link(fd, fd)
        server.objects.clear()
        server.send({"op": "ready", "pid": os.getpid(), "setup": self.setup})
        try:
            server.serve()
        finally:
            os._exit(0)


def in_a_sandbox() -> bool:
    """Whether this process is the sandbox's command (bwrap's init is its parent, pid 1): the
    only place where ending "every other process" ends only the sandbox's."""
    return os.getppid() == 1 and os.getpid() < 64 and os.path.isdir(WRITABLE[0])


def main():
    if not in_a_sandbox():
        raise SystemExit("nnlego zygote: run only inside the grading sandbox "
                         "(nnlego.course.grading.warm starts it)")
    control = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    _not_dumpable()
    from .kernel import enter_workdir

    enter_workdir()
    import matplotlib
    import numpy  # noqa: F401

    import nnlego  # noqa: F401

    matplotlib.use("agg")
    zygote = Zygote(control)
    sys.stdout = sys.stderr = zygote.template.capture
    zygote.link.send({"op": "ready", "pid": os.getpid()})
    zygote.serve()


if __name__ == "__main__":
    main()
