"""grades.csv without the assignments nobody has handed in yet.

nbgrader's CSV export (``nbgrader export``, its ``CsvExportPlugin``) writes a row for every
student and every assignment of the gradebook, and 0 for a submission it lacks. ``make
exercises`` puts all ten assignments into the gradebook at once, so an assignment not yet
handed out read as 0 for everyone. Here an assignment counts as *released* once anyone has
handed it in (the gradebook holds a submission of it): only those are exported, with nbgrader's
own exporter and columns, and a student who handed nothing in still gets 0 for them.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.plugins import CsvExportPlugin

from . import gradebook as gbook
from .parallel import load_course


def handed_in(gb) -> list[str]:
    """The assignments of the gradebook with at least one submission, sorted."""
    return sorted(a.name for a in gb.assignments if a.submissions)


def export_grades(root=".", out="grades.csv", *, every=False, db_url=None):
    """Write out (relative to root): nbgrader's CSV of the released assignments, or of all of
    them with every=True. Returns (exported, left out): two lists of assignment names."""
    course = load_course(root, db_url)
    path = course.root / out
    with gbook.opened(course.db_url, course.course_id) as gb:
        every_name = sorted(a.name for a in gb.assignments)
        chosen = every_name if every else handed_in(gb)
        if chosen:
            CsvExportPlugin(to=str(path), assignment=chosen).export(gb)
        else:           # the plugin reads an empty list as "every assignment"
            Path(path).write_text(_header())
    return chosen, [name for name in every_name if name not in chosen]


def _header() -> str:
    return ("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,"
            "late_submission_penalty,score,max_score\n")
