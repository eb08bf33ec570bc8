"""A long-lived grading worker process, and the parent's handle on it.

Starting nbgrader costs seconds of imports; a worker pays them once and then runs task after
task (:func:`nnlego.course.grading.parallel_tasks.grade_here`); each notebook still runs in a fresh
kernel, started the way the course's ``nbgrader_config.py`` says.

The process is a :class:`nnlego.processes.Child`: the parent sends one task spec, the worker
answers with one outcome (JSON messages over two pipes of their own). A worker that dies (killed,
out of memory, taken down by a submission) or overruns the task's timeout costs the task it was
on: the parent reports that task failed, in words ("the worker died: killed by SIGKILL (out of
memory?)", "the worker timed out after 3600 s"), and starts a new worker for the next one. A
worker runs in a process group of its own, ended whole, and is SIGKILLed when the thread that
started it exits (Linux ``PR_SET_PDEATHSIG``), so when its parent dies; its kernel's sandbox
launcher dies with it (:func:`nnlego.course.grading.sandbox.die_with_the_grader`). Each worker and
its kernels use one BLAS thread: one task per core.

On a Dask cluster, :func:`run_on_this_machine` is the task: each Dask worker thread keeps one
such worker process of its own.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from nnlego import processes

from .parallel_tasks import _QUIET, grade_here, outcome_of

MODULE = "nnlego.course.grading.parallel_worker"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


class Worker:
    """The parent's side: one worker process, restarted when it dies."""

    def __init__(self, root):
        self.root = str(root)
        env = {**os.environ, **ONE_THREAD, "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        self.child = processes.Child(MODULE, self.root, cwd=self.root, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def run(self, spec, on_start=None) -> dict:
        """Send one task and wait for its outcome (at most spec["timeout"] seconds)."""
        if not self.child.running:
            self.child.start()
        start = time.perf_counter()
        if on_start:
            on_start(spec, self.child.process.pid)
        outcome = self.child.ask(spec, spec.get("timeout"))
        if outcome is not None:
            return outcome
        return outcome_of(spec, ok=False, error=f"the worker {self.child.failure}",
                          seconds=time.perf_counter() - start)

    def kill(self):
        """SIGKILL the worker (and its process group), from any thread."""
        self.child.kill()

    def close(self):
        self.child.stop()


_THIS_THREAD = threading.local()


def run_on_this_machine(spec: dict, template: bytes | None = None) -> dict:
    """The Dask task: run spec on this thread's own worker process (started on first use),
    with the template gradebook sent by the client (kept in a private folder of this machine)."""
    if template is not None:
        spec = {**spec, "template": str(_local_copy(template))}
    worker = getattr(_THIS_THREAD, "worker", None)
    if worker is None or worker.root != spec["root"]:
        if worker is not None:
            worker.close()
        worker = _THIS_THREAD.worker = Worker(spec["root"])
    return worker.run(spec)


def _local_copy(template: bytes) -> Path:
    folder = Path(tempfile.gettempdir()) / f"nnlego-grade-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"template-{hashlib.sha256(template).hexdigest()[:16]}.db"
    if not path.is_file():
        part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        part.write_bytes(template)
        part.replace(path)
    return path


def main(argv=None):
    """The worker: task specs in, outcomes out, on the channel to its parent."""
    channel, (root,) = processes.parent_channel(sys.argv[1:] if argv is None else argv)
    os.chdir(root)
    os.dup2(_QUIET, 1)
    os.dup2(_QUIET, 2)
    import nbgrader.apps  # noqa: F401  (the slow import, once)
    while True:
        try:
            spec = channel.receive()
        except EOFError:       # the parent closed the channel, or went away
            return
        channel.send(grade_here(spec))


if __name__ == "__main__":
    main()
