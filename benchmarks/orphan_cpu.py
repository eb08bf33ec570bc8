"""The CPU time of sandboxed kernels, which ``getrusage(RUSAGE_CHILDREN)`` alone never sees.

bubblewrap (0.8) with ``--unshare-pid`` starts an init process in the new PID namespace, which
starts the command (the kernel) and reaps it. When the kernel exits, bwrap's outer process exits
at once without reaping that init: the init is reparented to the nearest *child subreaper*
(else the system's init) and the kernel's CPU time goes with it. So a grading worker's
``RUSAGE_CHILDREN`` counts bwrap's launcher, not the kernel.

:class:`OrphanReaper` makes this process a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``)
and, every ``interval`` seconds, walks its descendants (``/proc/<pid>/task/*/children``):
a process first seen below a grading worker is remembered with the task that worker runs
(``on_start(spec, worker_pid)`` of :func:`nnlego.course.grading.parallel.grade`); once it is an
orphan of this process and has exited, it is reaped (``os.wait4``), so its CPU time (and its
kernel's) reaches this process's ``RUSAGE_CHILDREN`` and :attr:`cpu` of that task. This
process's own children (the workers) are never waited for here.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def children(pid) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:        # gone meanwhile
            pass
    return out


class OrphanReaper(threading.Thread):
    def __init__(self, interval=0.05):
        super().__init__(daemon=True)
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
        self.interval, self.me = interval, os.getpid()
        self.task_of_worker = {}            # worker pid -> (student, assignment)
        self.owner = {}                     # descendant pid -> (task, its parent then)
        self.cpu = defaultdict(float)       # (student, assignment) -> CPU s of reaped orphans
        self.lock, self.stopping = threading.Lock(), threading.Event()

    def on_start(self, spec, worker_pid):
        with self.lock:
            self.task_of_worker[worker_pid] = spec["student"], spec["assignment"]

    def scan(self):
        with self.lock:
            for worker, task in self.task_of_worker.items():
                todo = [(pid, worker) for pid in children(worker)]
                while todo:
                    pid, parent = todo.pop()
                    if self.owner.get(pid, (None, parent))[1] == parent:
                        self.owner[pid] = task, parent     # (a pid reused: its current task)
                    todo += [(child, pid) for child in children(pid)]
            for pid in children(self.me):
                task, parent = self.owner.get(pid, (None, self.me))
                if parent == self.me:
                    continue         # our own child (a worker, its launcher): never waited here
                try:
                    done, _, usage = os.wait4(pid, os.WNOHANG)
                except ChildProcessError:
                    continue
                if done:
                    self.cpu[task] += usage.ru_utime + usage.ru_stime
                    del self.owner[pid]

    def run(self):
        while not self.stopping.wait(self.interval):
            self.scan()

    def settle(self, linger=2.0):
        """Reap what is left, waiting up to linger seconds for orphans still running."""
        deadline = time.monotonic() + linger
        while time.monotonic() < deadline:
            self.scan()
            with self.lock:
                if not any(self.owner.get(pid, (None, self.me))[1] != self.me
                           for pid in children(self.me)):
                    return
            time.sleep(self.interval)

    def stop(self, linger=2.0):
        self.stopping.set()
        self.join()
        self.settle(linger)
