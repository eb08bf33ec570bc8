"""``make exercises`` (``nnlego course exercises``): the released notebooks from the source,
all or nothing.

``nbgrader generate_assignment A --force`` deletes ``exercises/A/`` before it writes the new
one, so a run that fails half-way (a gradebook on a database that cannot hold the notebooks'
text, a damaged source notebook, a full disk) used to leave a released notebook deleted. Here
every assignment is generated into a staging folder beside ``exercises/`` first; only when
every one has succeeded is each ``exercises/A/`` replaced by its new version (one rename each).
A failure leaves ``exercises/`` byte for byte as it was, and says so in one line.

Before anything runs, the gradebook is checked (a PostgreSQL database that is not UTF-8 is
refused with the ``createdb`` command that makes a right one), and the files are created
private to the instructor (:mod:`nnlego.course.privacy`): the gradebook holds the hidden tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .grading import gradebook as gbook
from .privacy import private_files, public

STAGING = ".exercises-new"


def course_directory(root, db_url=None) -> CourseDirectory:
    """nbgrader's view of the course in root (its nbgrader_config.py), db_url overriding."""
    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"root={str(root)!r} has no nbgrader_config.py; run from the "
                                "course's root (the repository root) or pass --root")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.merge(Config({"CourseDirectory": {"root": str(root)}}))
    if db_url:
        config.merge(Config({"CourseDirectory": {"db_url": db_url}}))
    return CourseDirectory(config=config)


def assignments_of(root, source="solutions") -> list[str]:
    return sorted(p.name for p in (Path(root) / source).iterdir()
                  if p.is_dir() and p.name[:1].isdigit())


def generate_exercises(root=".", assignments=None, db_url=None) -> list[str]:
    """Regenerate exercises/A/ from solutions/A/ for every assignment (or those named), all or
    nothing (see the module). Returns the assignments generated; raises GradebookError or
    RuntimeError (one line, exercises/ untouched) on a failure."""
    root = Path(root).resolve()
    cd = course_directory(root, db_url)
    known = assignments_of(root, cd.source_directory)
    assignments = known if assignments is None else list(assignments)
    unknown = sorted(set(assignments) - set(known))
    if unknown:
        raise ValueError(f"assignments={unknown} are not in {cd.source_directory}/; "
                         f"expected some of {known}")
    url = gbook.driver_url(cd.db_url)
    gbook.check_encoding(url)
    gbook.alembic_on_path()
    release, staging = root / cd.release_directory, root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with private_files(root):
            api = _api(root, url, staging)
            for assignment in assignments:
                _generate(api, assignment, staging)
        for assignment in assignments:
            public(staging / assignment)          # what students get: readable by all
            _swap(staging / assignment, release / assignment)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return assignments


def _api(root: Path, db_url: str, staging: Path):
    """nbgrader's API on the course, writing the released versions into the staging folder:
    every assignment generated in this one process (one nbgrader start, not one per
    assignment)."""
    from nbgrader.apps import NbGraderAPI

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.merge(Config({"CourseDirectory": {"root": str(root), "db_url": db_url,
                                             "release_directory": staging.name}}))
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _generate(api, assignment: str, staging: Path) -> None:
    done = api.generate_assignment(assignment, force=True, create=True)
    if not done.get("success") or not (staging / assignment).is_dir():
        text = (done.get("error") or "") + (done.get("log") or "")
        lines = [line for line in text.splitlines() if line.strip()]
        why = next((line for line in reversed(lines) if "Error" in line or "error" in line),
                   lines[-1] if lines else "no released notebook was written")
        raise RuntimeError(f"nbgrader generate_assignment {assignment} failed ({why.strip()}); "
                           f"exercises/ was left as it was")


def _swap(new: Path, target: Path) -> None:
    """Put new where target is, one rename each way (the old version removed last)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
