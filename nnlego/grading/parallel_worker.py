"""A long-lived grading worker process, and the parent's handle on it.

Starting ``nbgrader`` costs seconds of imports; a worker pays them once and then grades task
after task with nbgrader's Python API (``NbGraderAPI.autograde`` / ``generate_feedback``, the
same code as the ``nbgrader`` command) on the course's own ``nbgrader_config.py``. Each
notebook still runs in a fresh kernel, started the way that config says.

Protocol: the parent writes one task spec (:mod:`nnlego.grading.parallel_tasks`) as a JSON line
on the worker's stdin; the worker answers with one outcome JSON line on its original stdout
(its fds 1 and 2 go to the task's log meanwhile). A worker that dies (killed, out of memory, a
kernel that took it down) costs the task it was on: the parent reports that task failed and
starts a new worker for the next one. A worker is SIGKILLed when its parent dies.
"""

from __future__ import annotations

import copy
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .parallel_tasks import ONE_THREAD, _die_with_parent, prepare_db, result_of

MODULE = "nnlego.grading.parallel_worker"


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

    @property
    def pid(self):
        return None if self.process is None else self.process.pid

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
        except (BrokenPipeError, OSError):
            line = b""
        if line:
            return json.loads(line)
        error = self._stop(timed_out=line is None, timeout=spec.get("timeout"))
        return {**{k: spec[k] for k in ("step", "student", "assignment", "log")}, "ok": False,
                "error": error, "seconds": time.perf_counter() - start}

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
        return f"the worker died ({'signal ' + str(-code) if code < 0 else f'exit {code}'})"

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


def _api(root, db_url):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    config = copy.deepcopy(config)
    config.CourseDirectory.root = root
    config.CourseDirectory.db_url = db_url
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def grade_here(spec) -> dict:
    """Run one task in this process with nbgrader's API; its outcome. Never raises."""
    outcome = {key: spec[key] for key in ("step", "student", "assignment", "log")}
    start = time.perf_counter()
    Path(spec["log"]).parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="nnlego-grade-") as tmp, \
                open(spec["log"], "w") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            db_url = prepare_db(spec, tmp)
            api = _api(spec["root"], db_url)
            if spec["step"] == "autograde":
                result = api.autograde(spec["assignment"], spec["student"], force=True,
                                       create=True)
            else:
                result = api.generate_feedback(spec["assignment"], spec["student"], force=True)
            log.write(result.get("log") or "")
            log.write(result.get("error") or "")
            log.flush()
            outcome.update(result_of(spec, db_url, result["success"],
                                     f"nbgrader {spec['step']} failed"))
    except Exception as error:
        outcome.update(ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        os.dup2(_QUIET, 1)
        os.dup2(_QUIET, 2)
    outcome["seconds"] = time.perf_counter() - start
    return outcome


_QUIET = os.open(os.devnull, os.O_WRONLY)


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
