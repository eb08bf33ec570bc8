"""Grade a class in parallel: one task per (student, assignment), on local cores or on Dask.

``grade(root)`` finds every submission in ``submitted/<student>/<assignment>/``, leaves out
those graded and unchanged since (:mod:`nnlego.course.grading.planning`: a resubmission is
graded again) unless ``force``, and students not on the roster unless ``include_unknown``,
and runs the rest as tasks (:mod:`nnlego.course.grading.parallel_tasks`) on ``workers``
long-lived worker processes (:mod:`nnlego.course.grading.parallel_worker`, one thread of this
process each), or on the workers of a Dask cluster (``scheduler="tls://host:8786"``, with
the course's certificates: :mod:`~nnlego.course.grading.tls`) that share the course directory.
The calling process is the gradebook's only writer: it merges each task's result as it
arrives (:mod:`nnlego.course.grading.gradebook`), so SQLite never sees two writers and PostgreSQL
sees one short transaction per task. A failed or killed task is logged and left ungraded; the next
run grades only what is missing.

``step="feedback"`` writes ``feedback/<student>/<assignment>/`` the same way for every graded
submission (reading the gradebook only), again when the autograded notebook changed. Logs:
``grading_logs/<step>/<assignment>/<student>.log``; beside each, the ``.json`` record of what
the task was made from (:mod:`nnlego.course.grading.records`).
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue
from statistics import fmean

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..privacy import course_umask, private_files
from . import gradebook as gbook
from . import tls
from .course_lock import course_lock
from .parallel_tasks import outcome_of
from .parallel_worker import Worker, run_on_this_machine
from .planning import LOGS, STEPS, plan, submissions  # noqa: F401 (the planner's API, here too)
from .records import record_path, write_digest


@dataclass(frozen=True)
class Course:
    root: Path
    db_url: str
    course_id: str
    folders: dict            # step name -> folder: submitted, autograded, feedback

    def folder(self, step, student, assignment) -> Path:
        return self.root / self.folders[step] / student / assignment


def load_course(root=".", db_url=None) -> Course:
    """The course in root, set up by its nbgrader_config.py; db_url overrides its gradebook."""
    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"root={str(root)!r} has no nbgrader_config.py; run nnlego grade "
                                "from the course's root (the repository root) or pass --root")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.merge(Config({"CourseDirectory": {"root": str(root)}}))
    if db_url:
        config.merge(Config({"CourseDirectory": {"db_url": db_url}}))
    cd = CourseDirectory(config=config)
    return Course(root, gbook.driver_url(cd.db_url), cd.course_id, {
        "submitted": cd.submitted_directory, "autograde": cd.autograded_directory,
        "feedback": cd.feedback_directory})


@dataclass
class Report:
    step: str
    course: Course
    planned: list          # (student, assignment) run this time
    skipped: list          # (student, assignment) unchanged since it was done, skipped
    why: dict = field(default_factory=dict)       # planned task -> "new", "changed", "forced"
    unknown: list = field(default_factory=list)   # tasks of students not on the roster
    roster: int = 0                               # students in the gradebook (the roster)
    include_unknown: bool = False                 # were those graded all the same
    outcomes: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)   # assignment -> counts and mean score

    @property
    def failures(self):
        return [o for o in self.outcomes if not o["ok"]]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def grade(root=".", *, step="autograde", workers=None, scheduler=None, force=False, db_url=None,
          assignments=None, students=None, timeout=3600, on_plan=None, on_outcome=None,
          on_start=None, wait=False, include_unknown=False, certs=None,
          insecure_scheduler=False) -> Report:
    """Run one step over the class; see the module docstring. Returns a Report.

    on_plan(report) is called once the tasks are known, on_outcome(outcome) after each task,
    on_start(spec, worker_pid) as a local worker takes a task (from the worker's thread).
    One run at a time per course (:mod:`~nnlego.course.grading.course_lock`): another raises
    CourseBusy, or with wait=True waits for it. A gradebook that cannot be used raises
    GradebookError naming it and the fix. A scheduler must be ``tls://`` with the course's
    certificates (certs: their folder, :mod:`~nnlego.course.grading.tls`); a plain one only
    with insecure_scheduler=True.
    """
    course = load_course(root, db_url)
    security = tls.client_security(scheduler, certs, insecure_scheduler) if scheduler else None
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers={workers}; expected at least 1 (the default: one per core)")
    with private_files(course.root), \
            course_lock(course.root, course.db_url, course.course_id, wait=wait, logs=LOGS):
        return _run(course, step, workers, (scheduler, security), force, assignments, students,
                    timeout, on_plan, on_outcome, on_start, include_unknown)


def _run(course, step, workers, scheduler, force, assignments, students, timeout, on_plan,
         on_outcome, on_start, include_unknown) -> Report:
    if step == "autograde":
        gbook.check_writable(course.db_url)
    with gbook.opened(course.db_url, course.course_id) as gb, \
            tempfile.TemporaryDirectory(prefix="nnlego-grade-") as private:
        chosen = plan(course, step, gb, assignments=assignments, students=students,
                      force=force, include_unknown=include_unknown)
        report = Report(step, course, chosen.todo, chosen.done, chosen.why, chosen.unknown,
                        chosen.roster, include_unknown)
        if on_plan:
            on_plan(report)
        # The template holds the hidden tests (source cells): private to us, never in the course.
        template = Path(private) / "template.db"
        if step == "autograde" and chosen.todo:
            gbook.make_template(course.db_url, course.course_id, template)
        specs = [task_spec(course, step, gb, s, a, timeout, template) for s, a in chosen.todo]
        results = (_dask(specs, *scheduler, template) if scheduler[0]
                   else _local(specs, workers, course.root, on_start))
        for outcome in results:
            if outcome["ok"] and step == "autograde":
                _merge(gb, outcome)
            if outcome["ok"]:       # what it was made from: the next run skips it if unchanged
                task = outcome["student"], outcome["assignment"]
                write_digest(record_path(course.root / LOGS, step, *task), chosen.digests[task])
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        report.summary = summarize(gb, report)
    return report


def task_spec(course, step, gb, student, assignment, timeout, template) -> dict:
    spec = {"step": step, "root": str(course.root), "student": student, "assignment": assignment,
            "log": str(course.root / LOGS / step / assignment / f"{student}.log"),
            "timeout": timeout, "umask": course_umask(course.root)}
    if step == "autograde":
        spec["template"] = str(template)
        spec["extension"] = gbook.extension_seconds(gb, assignment, student)
    else:
        spec["db_url"] = course.db_url
    return spec


def _merge(gb, outcome):
    try:
        gbook.merge_result(gb, outcome["assignment"], outcome["student"], outcome.pop("result"))
    except Exception as error:
        gb.db.rollback()
        outcome.update(ok=False, error=f"merging into the gradebook failed: {error}")


def _local(specs, workers, root, on_start=None):
    """Outcomes as they finish, from `workers` long-lived worker processes (one thread each)."""
    pending, done, stopping = deque(specs), Queue(), threading.Event()
    pool = [Worker(root) for _ in range(min(workers, len(specs)))]

    def serve(worker):
        try:
            while not stopping.is_set():
                try:
                    spec = pending.popleft()
                except IndexError:
                    return
                done.put(_guarded(worker, spec, on_start))
        finally:
            worker.close()

    threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in pool]
    for thread in threads:
        thread.start()
    try:
        for _ in specs:
            yield done.get()
    except BaseException:          # Ctrl-C or a closed generator: stop every worker now
        stopping.set()
        for worker in pool:
            worker.kill()
        raise
    for thread in threads:
        thread.join()


def _guarded(worker, spec, on_start):
    try:
        return worker.run(spec, on_start)
    except Exception as error:     # a bug here must not hang the run: the task fails
        return outcome_of(spec, ok=False, seconds=0.0, error=f"{type(error).__name__}: {error}")


def _dask(specs, address, security, template):
    """Outcomes as they finish, from the workers of the Dask cluster at address; the template
    travels to each worker machine once (scattered), not through the shared directory."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ImportError("scheduler= needs Dask distributed: pip install -e '.[scale]'") from None
    run = uuid.uuid4().hex[:8]
    with Client(address, security=security, timeout="20s") as client:
        keys = [f"nnlego-{s['step']}-{s['assignment']}-{s['student']}-{run}" for s in specs]
        shipped = (client.scatter(template.read_bytes(), broadcast=True)
                   if template.is_file() else None)
        futures = (client.map(run_on_this_machine, specs, key=keys, pure=False, template=shipped)
                   if specs else [])
        by_key = dict(zip(keys, specs))
        for future in dask_completed(futures):
            try:
                yield future.result()
            except Exception as error:     # the worker died (KilledWorker) or was lost
                yield outcome_of(by_key[future.key], ok=False, seconds=0.0,
                                 error=f"{type(error).__name__}: {error}")


def _review_flags(course, student, assignment) -> bool:
    """True if the course's grading step flagged a piece for review (its review file)."""
    try:
        from .scan import REVIEW_FILE, read_review  # the sandboxed grader's (issue 15)
    except ImportError:
        return False
    review = read_review(course.folder("autograde", student, assignment) / REVIEW_FILE)
    return any(isinstance(record, dict) and record.get("flags") for record in review.values())


def summarize(gb, report) -> dict:
    """Per assignment: tasks, graded, failed, flagged (nbgrader's flag or the grading step's
    review flags), mean score and max score."""
    failed = {(o["student"], o["assignment"]) for o in report.failures}
    in_gradebook = gbook.graded(gb)
    summary = {}
    for student, assignment in sorted(report.planned + report.skipped, key=lambda t: t[::-1]):
        row = summary.setdefault(assignment, {"tasks": 0, "graded": 0, "failed": 0,
                                              "flagged": 0, "scores": [], "max_score": None})
        row["tasks"] += 1
        row["failed"] += (student, assignment) in failed
        if (student, assignment) in in_gradebook and (student, assignment) not in failed:
            info = gbook.submission_summary(gb, assignment, student)
            row["graded"] += 1
            row["flagged"] += info["flagged"] or _review_flags(report.course, student, assignment)
            row["scores"].append(info["score"])
            row["max_score"] = info["max_score"]
    for row in summary.values():
        row["mean_score"] = fmean(row.pop("scores")) if row["graded"] else None
    return summary
