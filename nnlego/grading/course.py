"""Grade a whole course so that one bad submission costs its author only that notebook.

nbgrader's ``autograde`` already goes on to the next student after a failure, but it exits 1,
and a Makefile loop stopped there. Here every assignment is graded in one batched call (fast:
one nbgrader start-up per assignment), and a batch that fails is retried one student at a
time (:func:`grade_one`, the unit a parallel grader can call), so everyone else is graded and
gets feedback. What failed is reported at the end, and the exit status says so.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from nnlego.grading.scan import REVIEW_FILE


def _nbgrader(*args, root: Path) -> bool:
    env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                            check=False)
    return result.returncode == 0


def submissions(root: Path, assignment: str, folder: str = "submitted") -> list[str]:
    """The students with a folder ``<folder>/<student>/<assignment>/``."""
    return sorted(p.parent.name for p in (root / folder).glob(f"*/{assignment}") if p.is_dir())


def grade_one(assignment: str, student: str, *, root: str | os.PathLike = ".") -> bool:
    """Autograde one student's submission of one assignment (regrading it); True on success."""
    return _nbgrader("autograde", assignment, "--student", student, "--create", "--force",
                     root=Path(root))


def grade(assignments, *, root: str | os.PathLike = ".") -> list[tuple[str, str]]:
    """Autograde every submission of these assignments; the (assignment, student) that failed."""
    root, failed = Path(root), []
    for assignment in assignments:
        students = submissions(root, assignment)
        if not students or _nbgrader("autograde", assignment, "--create", "--force", root=root):
            continue
        failed += [(assignment, student) for student in students
                   if not grade_one(assignment, student, root=root)]
    _report("autograding", failed)
    return failed


def feedback(assignments, *, root: str | os.PathLike = ".") -> list[tuple[str, str]]:
    """Feedback pages for every autograded submission, one student at a time after a failure."""
    root, failed = Path(root), []
    for assignment in assignments:
        students = submissions(root, assignment, "autograded")
        if not students or _nbgrader("generate_feedback", assignment, "--force", root=root):
            continue
        failed += [(assignment, student) for student in students
                   if not _nbgrader("generate_feedback", assignment, "--student", student,
                                    "--force", root=root)]
    _report("feedback", failed)
    return failed


def review(*, root: str | os.PathLike = ".", out: str = "review.csv") -> list[dict]:
    """Every flag of every autograded notebook, written to ``review.csv`` and returned."""
    root, rows = Path(root), []
    for path in sorted((root / "autograded").glob(f"*/*/{REVIEW_FILE}")):
        student, assignment = path.parent.parent.name, path.parent.name
        for notebook, record in json.loads(path.read_text()).items():
            for piece, reasons in record.get("flags", {}).items():
                rows += [{"student": student, "assignment": assignment, "notebook": notebook,
                          "piece": piece, "reason": reason} for reason in reasons]
    with open(root / out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, ["student", "assignment", "notebook", "piece", "reason"])
        writer.writeheader()
        writer.writerows(rows)
    flagged = sorted({(r["student"], r["assignment"]) for r in rows})
    print(f"{len(flagged)} submission(s) flagged for manual review (details in {out})"
          + "".join(f"\n  {student} {assignment}" for student, assignment in flagged))
    return rows


def _report(step, failed):
    if failed:
        print(f"{step} failed for {len(failed)} submission(s); everyone else is done:\n"
              + "\n".join(f"  {student} {assignment}" for assignment, student in failed),
              file=sys.stderr)
