"""One grading task: autograde (or write the feedback of) one student's one assignment.

A task is a plain dict (a *spec*), so it travels to a worker process or a Dask worker as JSON::

    {"step": "autograde" | "feedback", "root": course root, "assignment": ..., "student": ...,
     "template": template gradebook (autograde), "db_url": main gradebook (feedback),
     "extension": seconds or None, "log": log file, "timeout": seconds}

``grade_here(spec)`` runs it with nbgrader's Python API (``NbGraderAPI.autograde`` /
``generate_feedback``: the code behind ``nbgrader autograde ASSIGNMENT --student STUDENT
--force``, as :mod:`nnlego.course.grading.converters` makes it read only a staged copy of the
submission) on the course's own ``nbgrader_config.py``, so its kernel and grading steps apply;
it runs inside a worker process (:mod:`nnlego.course.grading.parallel_worker`), never in the parent.
Autograding writes into the task's own copy of the template gradebook
(:mod:`nnlego.course.grading.gradebook`), then the checks' outcomes into
``grading_logs/outcomes/`` (:mod:`nnlego.course.grading.outcomes`). A task returns an
*outcome* dict, ``{"ok", "step", "student", "assignment", "seconds", "cpu_seconds", "log",
"error", "result"}`` (and ``"dropped"``: one line per file of the submission left out), and never
raises; ``cpu_seconds`` is the task's CPU time, user + system, of this process and of the
children it waited for: the kernel's launcher, not a kernel that bwrap sandboxed (bwrap leaves
that process to be reaped elsewhere; ``benchmarks/orphan_cpu.py`` counts it).
"""

from __future__ import annotations

import copy
import os
import resource
import tempfile
import time
from pathlib import Path

from . import outcomes
from .gradebook import read_result, sqlite_url, task_gradebook

_QUIET = os.open(os.devnull, os.O_WRONLY)


def outcome_of(spec: dict, **fields) -> dict:
    return {**{key: spec[key] for key in ("step", "student", "assignment", "log")}, **fields}


def prepare_db(spec: dict, tmp) -> str:
    """The gradebook URL a task writes to: its own copy of the template (autograde), or the
    main gradebook, only read (feedback)."""
    if spec["step"] != "autograde":
        return spec["db_url"]
    return sqlite_url(task_gradebook(spec["template"], Path(tmp) / "gradebook.db",
                                     spec["assignment"], spec["student"], spec.get("extension")))


def result_of(spec: dict, db_url: str, success: bool) -> dict:
    """The outcome fields of a finished nbgrader run: ok, and the result or the error."""
    if not success:
        return {"ok": False, "error": f"nbgrader {spec['step']} failed (see its log)"}
    if spec["step"] != "autograde":
        return {"ok": True}
    return {"ok": True, "result": read_result(db_url, spec["assignment"], spec["student"])}


def _api(root, db_url, umask=0o077):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = copy.deepcopy(PyFileConfigLoader("nbgrader_config.py", path=root).load_config())
    config.CourseDirectory.root = root
    config.CourseDirectory.db_url = db_url
    # nbgrader sets its own modes (autograded 444, feedback 644; written as octal digits in
    # an int): the course's umask still holds
    config.Autograde.permissions = int(f"{0o444 & ~umask:o}")
    config.GenerateFeedback.permissions = int(f"{0o644 & ~umask:o}")
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def record_checks(spec: dict, api, outcome: dict, seconds: float, log) -> None:
    """Write the submission's check outcomes (:mod:`~nnlego.course.grading.outcomes`); a
    failure is logged, never fails the grading."""
    try:
        outcomes.record(spec["root"], spec["student"], spec["assignment"], seconds=seconds,
                        result=outcome.get("result"),
                        autograded=api.coursedir.autograded_directory,
                        source=api.coursedir.source_directory)
    except Exception as error:
        log.write(f"\nnnlego: the check outcomes were not recorded: "
                  f"{type(error).__name__}: {error}\n")


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children waited for, so far."""
    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def grade_here(spec: dict) -> dict:
    """Run one task in this process, its output (fds 1 and 2) in its log; its outcome."""
    from . import converters

    start, cpu_start = time.perf_counter(), cpu_seconds()
    os.umask(spec.get("umask", 0o077))     # the course's files: the instructor's (privacy.py)
    Path(spec["log"]).parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="nnlego-grade-") as tmp, \
                open(spec["log"], "w") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            db_url = prepare_db(spec, tmp)
            api = _api(spec["root"], db_url, spec.get("umask", 0o077))
            result = converters.run(api, spec["step"], spec["assignment"], spec["student"],
                                    Path(tmp) / "staged")
            log.write("".join(f"nnlego: left out of the submission: {line}\n"
                              for line in result["dropped"]) + (result.get("error") or ""))
            outcome = outcome_of(spec, **result_of(spec, db_url, result["success"]))
            if result["dropped"]:
                outcome["dropped"] = result["dropped"]
            if outcome["ok"] and spec["step"] == "autograde":
                record_checks(spec, api, outcome, time.perf_counter() - start, log)
            log.flush()
    except Exception as error:
        outcome = outcome_of(spec, ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        os.dup2(_QUIET, 1)
        os.dup2(_QUIET, 2)
    outcome["seconds"] = time.perf_counter() - start
    outcome["cpu_seconds"] = cpu_seconds() - cpu_start
    return outcome
