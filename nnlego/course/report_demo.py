"""A graded demo class and its report's tables: the class report shown in appendix B.

``graded_demo_class(repo, out)`` makes a small course in ``out`` from the course's source
``repo`` (a clone of the repository: ``solutions/``, ``nbgrader_config.py``,
``tests/wrong_solutions/``), writes a synthetic class into ``submitted/``
(:mod:`nnlego.course.grading.synthetic`: solutions, wrong solutions, blanks, missing work, drawn
with ``rng``) and grades it with ``nnlego grade``'s own machinery
(:func:`nnlego.course.grading.parallel.grade`, in the sandbox). What comes back is a course root
with a gradebook, ``autograded/`` and the grader's logs, as after ``make grade``: what
``nnlego report`` reads. The same ``rng`` gives the same class. :func:`course_source` finds
the repository a book is built from.

The appendix shows the report's tables as Markdown (the book styles them and wraps them to a
phone's width): :func:`counts_table`, :func:`errors_table`, :func:`items_table`, every value
escaped (a failure message is text, whatever it holds), and its sentences that depend on the
numbers come from :func:`items_sentence` and :func:`flags_sentence`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

DEMO_ASSIGNMENTS = ("02_forward_pass",)


def graded_demo_class(repo, out, students: int = 10, assignments=DEMO_ASSIGNMENTS, *,
                      rng: np.random.Generator, workers: int = 2) -> Path:
    """Make, fill and grade a course of ``students`` synthetic students in the folder ``out``
    (created; it must be empty or absent). Returns the course root (``out``).

    About 3 s per submission on one core (assignment 2; more for assignments that train);
    the grading failures, if any, raise ``RuntimeError`` with the first failure's log."""
    from nnlego.course.grading import parallel, synthetic

    repo, out = Path(repo), Path(out)
    if not (repo / "solutions").is_dir() or not (repo / "nbgrader_config.py").is_file():
        raise ValueError(f"repo={str(repo)!r} is not the course's source: expected a clone of "
                         "the repository (solutions/ and nbgrader_config.py at its root)")
    if not isinstance(students, int) or students < 1:
        raise ValueError(f"students={students!r}; expected an integer >= 1")
    assignments = list(assignments)
    known = synthetic.assignments_of(repo)
    unknown = [a for a in assignments if a not in known]
    if not assignments or unknown:
        raise ValueError(f"assignments={assignments!r}: unknown {unknown}; choose from {known}")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"out={str(out)!r} is not empty; pass a new folder")
    synthetic.make_course(out, assignments, repo=repo)
    _copy_the_book(repo, out)
    roster = synthetic.draw_class(students, assignments, rng=rng, repo=repo)
    synthetic.write_class(out, roster, rng=rng, repo=repo)
    report = parallel.grade(out, workers=workers)
    if report.failures:
        first = report.failures[0]
        raise RuntimeError(f"{len(report.failures)} demo submission(s) failed to grade; "
                           f"first: {first['student']} {first['assignment']}: {first['error']} "
                           f"(log: {first['log']})")
    return out


def _copy_the_book(repo, out):
    """The publication settings and the chapters, as a clone of the course has them: the
    report's common errors link to the sections that teach their pieces."""
    if (repo / "_config.yml").is_file():
        shutil.copy2(repo / "_config.yml", out / "_config.yml")
    (out / "book").mkdir(exist_ok=True)
    for chapter in (repo / "book").glob("[0-9][0-9]_*.md"):
        shutil.copy2(chapter, out / "book" / chapter.name)


def course_source(start) -> Path:
    """The clone of the repository that holds ``start`` (``solutions/`` and
    ``nbgrader_config.py`` at its root), searched upwards."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir():
            return folder
    raise FileNotFoundError(f"no course source above {start}: the class report's demo grades "
                            "a synthetic class from a clone of the repository (git clone "
                            "https://github.com/nnlego/nnlego; make sandbox)")


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")   # every ASCII punctuation character


def md(value) -> str:
    """``value`` as Markdown that shows it literally: every ASCII punctuation mark
    backslash-escaped (CommonMark allows it for each), line breaks as spaces; None as a dash."""
    if value is None:
        return "–"
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


def _table(headers, rows, align) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _number(value) -> str:
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def counts_table(report) -> str:
    """Per assignment: submitted, graded, flagged, mean score of the maximum, grading time."""
    rows = [[md(a.assignment), str(a.submitted), str(a.graded), str(a.flagged),
             f"{_number(a.mean_score)} / {_number(a.max_score)}",
             "–" if a.grading_seconds is None else f"{a.grading_seconds:.0f} s"]
            for a in report.assignments]
    return _table(["assignment", "submitted", "graded", "flagged", "mean score",
                   "time spent grading"], rows, [":--", "--:", "--:", "--:", "--:", "--:"])


def errors_table(report, top: int = 5) -> str:
    """The ``top`` most common errors (count, check, template, one example, the chapter)."""
    groups = sorted(report.error_groups, key=lambda e: (-e.count, e.assignment, e.cell,
                                                         e.template))[:top]
    rows = [[str(e.count), f"{md(e.cell)} · {md(e.check)}", md(e.template), md(e.example),
             _who(e.students), _link(e.chapter_url)] for e in groups]
    return _table(["students", "check", "template", "example", "who", "revisit"], rows,
                  ["--:", ":--", ":--", ":--", ":--", ":--"])


def _who(students, shown=3) -> str:
    more = f" and {len(students) - shown} more" if len(students) > shown else ""
    return ", ".join(md(s) for s in students[:shown]) + more


def _link(url) -> str:
    """A Markdown link to a web address; anything else (or an address with spaces or angle
    brackets) as text."""
    if url.startswith(("https://", "http://")) and not re.search(r"[\s<>]", url):
        return f"[the section](<{url}>)"
    return md(url)


def items_table(report) -> str:
    """Per graded cell: points, difficulty, discrimination, and a word for the poor ones."""
    rows = [[md(i.cell), _number(i.max_points), _number(i.difficulty),
             _number(i.discrimination), "**discriminates badly**" if i.poor else "ok"]
            for i in report.items]
    return _table(["test cell", "points", "difficulty", "discrimination", "verdict"], rows,
                  [":--", "--:", "--:", "--:", ":--"])


def items_sentence(report) -> str:
    """Which items discriminate badly, in plain words (none, one, or a list)."""
    poor = [i.cell for i in report.items if i.poor]
    if not poor:
        return "No test cell discriminates badly in this class"
    names = ", ".join(poor)
    subject = "One test cell discriminates" if len(poor) == 1 else \
        f"{len(poor)} test cells discriminate"
    return f"{subject} badly in this class: {names}"


def flags_sentence(report) -> str:
    """How many pieces were flagged for review, in words."""
    n = len(report.flags)
    students = len({(f.assignment, f.student) for f in report.flags})
    if n == 0:
        return "The grader flagged nothing for review in this class"
    return (f"The grader flagged {n} piece{'s' * (n != 1)} of {students} "
            f"submission{'s' * (students != 1)} for review")
