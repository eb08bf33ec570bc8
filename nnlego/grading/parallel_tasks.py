"""One grading task: autograde (or write the feedback of) one student's one assignment.

A task is a plain dict (a *spec*) so that it travels to a Dask worker as easily as to a thread::

    {"step": "autograde" | "feedback", "root": course root, "assignment": ..., "student": ...,
     "template": template gradebook (autograde), "db_url": main gradebook (feedback),
     "extension": seconds or None, "log": log file, "timeout": seconds}

``run_task(spec)`` runs ``nbgrader autograde ASSIGNMENT --student STUDENT --force`` (or
``generate_feedback``) in a subprocess in the course root, so ``nbgrader_config.py`` (its
kernel, its grading steps) applies as it does to a plain ``nbgrader`` call; Dask workers run
tasks this way. On one machine, long-lived workers (:mod:`nnlego.grading.parallel_worker`) run
the same task with nbgrader's Python API and save the seconds of imports per task.
Autograding writes into a task's own copy of the template gradebook
(:mod:`nnlego.grading.gradebook`). A task returns an *outcome* dict, ``{"ok", "step",
"student", "assignment", "seconds", "log", "error", "result"}``, and never raises: a failing or
killed task costs only that task.

The subprocess is killed when the process that started it dies (Linux ``PR_SET_PDEATHSIG``);
its kernel exits on its own when its parent goes (ipykernel's parent poller). Each kernel uses one
BLAS thread: one task per core.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .gradebook import read_result, sqlite_url, task_gradebook

ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def _die_with_parent():
    """In the child, before exec: SIGKILL when the parent (thread) exits. Linux only."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def command(spec: dict, db_url: str) -> list[str]:
    subcommand = "autograde" if spec["step"] == "autograde" else "generate_feedback"
    return [sys.executable, "-m", "nbgrader", subcommand, spec["assignment"],
            "--student", spec["student"], "--force", f"--db={db_url}"]


def run_logged(cmd, *, cwd, log, timeout) -> int:
    """Run cmd with its output in the file log; its return code (negative: killed by a signal)."""
    env = {**os.environ, **ONE_THREAD,
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True, preexec_fn=_die_with_parent)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            out.write(f"\nnnlego grade: stopped after the task timeout of {timeout} s\n")
            return -signal.SIGKILL


def prepare_db(spec: dict, tmp) -> str:
    """The gradebook URL a task writes to: its own copy of the template (autograde), or the
    main gradebook, only read (feedback)."""
    if spec["step"] != "autograde":
        return spec["db_url"]
    return sqlite_url(task_gradebook(spec["template"], Path(tmp) / "gradebook.db",
                                     spec["assignment"], spec["student"], spec.get("extension")))


def result_of(spec: dict, db_url: str, success: bool, error: str) -> dict:
    """The outcome fields of a finished nbgrader run: ok, and the result or the error."""
    if not success:
        return {"ok": False, "error": error}
    if spec["step"] != "autograde":
        return {"ok": True}
    return {"ok": True, "result": read_result(db_url, spec["assignment"], spec["student"])}


def run_task(spec: dict) -> dict:
    """Run one task as an ``nbgrader`` command; its outcome (see the module). Never raises."""
    outcome = {key: spec[key] for key in ("step", "student", "assignment", "log")}
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="nnlego-grade-") as tmp:
            db_url = prepare_db(spec, tmp)
            code = run_logged(command(spec, db_url), cwd=spec["root"], log=spec["log"],
                              timeout=spec.get("timeout"))
            how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            outcome.update(result_of(spec, db_url, code == 0,
                                     f"nbgrader {spec['step']} failed ({how})"))
    except Exception as error:      # a task never takes the run down with it
        outcome.update(ok=False, error=f"{type(error).__name__}: {error}")
    outcome["seconds"] = time.perf_counter() - start
    return outcome
