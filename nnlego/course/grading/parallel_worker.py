"""A long-lived grading worker process, and the parent's handle on it.

Starting nbgrader costs seconds of imports; a worker pays them once and then runs task after
task (:func:`nnlego.course.grading.parallel_tasks.grade_here`); each notebook still runs in a fresh
kernel, started the way the course's ``nbgrader_config.py`` says.

Protocol: the parent writes one task spec as a JSON line on the worker's stdin; the worker
answers with one outcome JSON line on its original stdout. A worker that dies (killed, out of
memory, taken down by a submission) or overruns the task's timeout costs the task it was on:
the parent reports that task failed and starts a new worker for the next one. A worker is
SIGKILLed when the thread that started it exits (Linux ``PR_SET_PDEATHSIG``), so when its
parent dies; its kernel then exits on its own (ipykernel's parent poller). Each worker and its
kernels use one BLAS thread: one task per core.

On a Dask cluster, :func:`run_on_this_machine` is the task: each Dask worker thread keeps one
such worker process of its own.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .parallel_tasks import _QUIET, grade_here, outcome_of

MODULE = "nnlego.course.grading.parallel_worker"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def _die_with_parent():
    """In the child, before exec: SIGKILL when the parent thread exits. Linux only."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Worker:
    """The parent's side: one worker process, restarted when it dies."""

    def __init__(self, root):
        self.root, self.process = str(root), None

    def start(self):
        env = {**os.environ, **ONE_THREAD, "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", MODULE, self.root], cwd=self.root, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
            start_new_session=True, preexec_fn=_die_with_parent)

    def run(self, spec, on_start=None) -> dict:
        """Send one task and wait for its outcome (at most spec["timeout"] seconds)."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        start = time.perf_counter()
        if on_start:
            on_start(spec, self.process.pid)
        try:
            self.process.stdin.write((json.dumps(spec) + "\n").encode())
            ready, _, _ = select.select([self.process.stdout], [], [], spec.get("timeout"))
            line = self.process.stdout.readline() if ready else None
        except OSError:           # BrokenPipeError: it died between two tasks
            line = b""
        if line:
            return json.loads(line)
        error = self._stop(timed_out=line is None, timeout=spec.get("timeout"))
        return outcome_of(spec, ok=False, error=error, seconds=time.perf_counter() - start)

    def kill(self):
        """SIGKILL the worker (and its process group), from any thread."""
        process = self.process
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _stop(self, timed_out, timeout):
        self.kill()
        code = self.process.wait()
        self.process = None
        if timed_out:
            return f"stopped after the task timeout of {timeout} s"
        return f"the worker died ({f'signal {-code}' if code < 0 else f'exit {code}'})"

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
                self.process.wait()
        self.process = None


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
    """The worker: task specs in on stdin, outcomes out on the original stdout."""
    root = (argv or sys.argv[1:])[0]
    os.chdir(root)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(_QUIET, 1)
    os.dup2(_QUIET, 2)
    import nbgrader.apps  # noqa: F401  (the slow import, once)
    for line in sys.stdin:
        answers.write(json.dumps(grade_here(json.loads(line))) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
