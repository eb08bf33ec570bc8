"""Check outcomes: what every check of every graded test cell did, one record per submission.

After each autograde task the grader (in its worker, outside the kernel) reads the autograded
notebooks and writes ``<course root>/grading_logs/outcomes/<assignment>/<student>.json``
(whole, through a temporary file and one rename that replaces a link rather than following
it). The class report (:mod:`nnlego.course.class_report`) reads them. The format is the one a
grading engine that runs each check on its own writes too, so it says nothing of cells that
stop at their first error; version 1::

    {"version": 1,
     "assignment": "02_forward_pass", "student": "s001",
     "seconds": 3.1,                      # the task's grading time, or null
     "flags": {"forward_pass": {"test_forward": ["the answer ..."]}},
                                          # the grader's review flags: notebook -> piece -> reasons
     "cells": [{"notebook": "forward_pass", "grade_id": "test_sigmoid",
                "points": 0.0, "max_points": 2.0, "passed": false,
                "checks": [{"name": "assert@5: isinstance(s, np.ndarray) and ...",
                            "kind": "visible",          # or "hidden"
                            "passed": true,             # true, false, or null: not reached
                            "message": null},           # "ename: evalue" of a failed check
                           ...]}]}

A check's ``name`` is stable across students (the same source gives the same names), so
checks are counted across a class by ``(assignment, grade_id, name)``. How today's grader
finds the checks and which one failed: :mod:`nnlego.course.grading.cell_checks`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from nnlego import files
from nnlego.course.grading import cell_checks

VERSION = 1
FOLDER = ("grading_logs", "outcomes")
REVIEW_FILE = "nnlego_review.json"     # scan.REVIEW_FILE (kept here: no kernel-side import)
_NAME = re.compile(r"^[^/\\\x00]+$")


def path_of(course_root, assignment: str, student: str) -> Path:
    """Where the record of one submission lives; ValueError for a name that is not one folder."""
    for label, name in (("assignment", assignment), ("student", student)):
        if not isinstance(name, str) or not _NAME.match(name) or name in (".", ".."):
            raise ValueError(f"{label}={name!r} is not a folder name; expected one path "
                             "component such as '02_forward_pass' or 'student_001'")
    return Path(course_root).joinpath(*FOLDER, assignment, f"{student}.json")


def _role(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
        return None
    return meta.get("grade_id")


def instructor_sources(source_folder) -> dict[tuple[str, str], str]:
    """{(notebook, grade_id): source} of the test cells in the solutions' notebooks."""
    out = {}
    for path in sorted(Path(source_folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if _role(cell):
                out[path.stem, _role(cell)] = cell.source
    return out


def _first_error(cell):
    return next((dict(o) for o in cell.get("outputs", []) if o.get("output_type") == "error"),
                None)


def cell_records(nb, notebook: str, sources: dict, verdicts: dict, scores: dict) -> list[dict]:
    """The records of the test cells of one autograded notebook (see the module's format)."""
    out = []
    for cell in nb.cells:
        grade_id = _role(cell)
        if grade_id is None:
            continue
        max_points = float(cell.metadata["nbgrader"].get("points", 0))
        error = _first_error(cell)
        passed = bool(verdicts[grade_id]) if grade_id in verdicts else error is None
        points = scores.get(grade_id)
        points = float(points) if points is not None else (max_points if passed else 0.0)
        source = sources.get((notebook, grade_id), cell.source)
        out.append({"notebook": notebook, "grade_id": grade_id, "points": points,
                    "max_points": max_points, "passed": passed,
                    "checks": cell_checks.outcomes(source, passed, error,
                                                   cell.get("execution_count"))})
    return out


def _review(folder: Path) -> dict:
    try:
        data = json.loads((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def make_record(autograded, source, assignment: str, student: str, *, seconds=None,
                result=None) -> dict:
    """The record of one submission from its autograded folder and the solutions' folder.

    ``result`` is the task's gradebook result (:func:`gradebook.read_result`), whose auto
    scores are the cells' points; without it a cell has its points when the grader passed it.
    """
    autograded = Path(autograded)
    review, sources = _review(autograded), instructor_sources(source)
    cells, flags = [], {}
    for path in sorted(autograded.glob("*.ipynb")):
        notebook = path.stem
        verdicts = (review.get(notebook) or {}).get("passed") or {}
        graded = ((result or {}).get("notebooks") or {}).get(notebook) or {}
        scores = {cell: values[0] for cell, values in (graded.get("grades") or {}).items()}
        cells += cell_records(nbformat.read(path, as_version=4), notebook, sources, verdicts,
                              scores)
        if (review.get(notebook) or {}).get("flags"):
            flags[notebook] = review[notebook]["flags"]
    return {"version": VERSION, "assignment": assignment, "student": student,
            "seconds": None if seconds is None else float(seconds), "flags": flags,
            "cells": cells}


def write(course_root, data: dict) -> Path:
    """Write one record whole to its place; refuses a linked folder on the way."""
    path = path_of(course_root, data["assignment"], data["student"])
    folder = Path(course_root)
    for part in path.relative_to(course_root).parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            raise OSError(f"{folder} is a link; the grader writes only into its own "
                          "grading_logs/ folder: remove the link")
        folder.mkdir(exist_ok=True)
    return files.write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def record(course_root, student: str, assignment: str, *, seconds=None, result=None,
           autograded="autograded", source="solutions") -> Path:
    """Write the record of one graded submission; returns its path.

    ``autograded`` and ``source`` are the course's folders (nbgrader's ``autograded_directory``
    and ``source_directory``), relative to ``course_root``.
    """
    root = Path(course_root)
    data = make_record(root / autograded / student / assignment, root / source / assignment,
                       assignment, student, seconds=seconds, result=result)
    return write(root, data)


def read(course_root, assignments=None):
    """Every record under the course's ``grading_logs/outcomes/`` (of ``assignments`` only, if
    given), sorted by assignment and student; files that are not version-1 records are skipped."""
    base = Path(course_root).joinpath(*FOLDER)
    wanted = None if assignments is None else set(assignments)
    for path in sorted(base.glob("*/*.json")):
        if wanted is not None and path.parent.name not in wanted:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("version") == VERSION:
            yield data
