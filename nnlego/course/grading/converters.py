"""nbgrader's autograde and feedback steps, reading only what the grader copied for them.

nbgrader 0.9.6 trusts the folders it reads: autograde copies every file of
``submitted/<student>/<assignment>/`` with ``shutil.copy`` (which follows links and blocks on a
FIFO) and reads the notebook by its name; its permission pass ``os.chmod``\\ s every file of the
output folder (following links); feedback copies every file of ``autograded/<s>/<a>/``. A link
in those folders made nbgrader copy the gradebook into a student's feedback or chmod it
read-only; a FIFO hung the task.

:class:`SafeAutograde` and :class:`SafeFeedback` are nbgrader's ``Autograde`` and
``GenerateFeedback`` with the folder they read replaced by a *staged* copy in a private folder
of the task (:func:`nnlego.course.grading.safe_files.copy_regular`: regular files and folders
only, printable UTF-8 names, at most :class:`~nnlego.course.grading.safe_files.Limits` bytes and
files; feedback stages only the notebooks and ``timestamp.txt``), and with a permission pass
that follows no link. What was left out is logged, one line each, and returned with the result
(``"dropped"``); the notebook is still graded. :func:`run` is the task's entry point
(:mod:`nnlego.course.grading.parallel_tasks`).

The kernel's side (it never runs in a folder nbgrader writes) is
:class:`nnlego.course.grading.execute.ProtectedExecute`'s.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.utils import capture_log, temp_attrs
from traitlets.config import Config

from . import safe_files

FEEDBACK_INPUTS = ("*.ipynb", "timestamp.txt")   # all that feedback reads of autograded/


class _Staged:
    """What the two steps share: a staged input folder and a link-free permission pass."""

    staging: Path                   # set by run(): a private folder of the task
    dropped: list
    input_trait = ""               # the CourseDirectory folder that is staged
    keep = None                    # keep(relative, is_folder) of safe_files.copy_regular

    def stage(self) -> dict:
        """Copy the input folder of this student's assignment into the staging folder; the
        CourseDirectory attribute that points nbgrader there."""
        cd = self.coursedir
        if "*" in cd.student_id + cd.assignment_id:
            raise ValueError(f"student={cd.student_id!r}, assignment={cd.assignment_id!r}: "
                             "one student's one assignment at a time")
        source = Path(cd.format_path(getattr(cd, self.input_trait), cd.student_id,
                                     cd.assignment_id))
        staged = self.staging / self.input_trait
        self.dropped = []
        if source.is_dir() and not source.is_symlink():
            target = staged / cd.student_id / cd.assignment_id
            self.dropped = safe_files.copy_regular(source, target, keep=self.keep,
                                                   limits=safe_files.Limits.from_env())
        for line in self.dropped:
            self.log.warning("nnlego: %s: %s", source, line)
        return {self.input_trait: str(staged)}

    def start(self):
        with temp_attrs(self.coursedir, **self.stage()):
            super().start()

    def set_permissions(self, assignment_id, student_id):
        dest = os.path.normpath(self._format_dest(assignment_id, student_id))
        safe_files.set_permissions(dest, int(str(self.permissions), 8))


class SafeAutograde(_Staged, Autograde):
    """nbgrader's Autograde on a staged copy of ``submitted/<student>/<assignment>/``."""

    input_trait = "submitted_directory"


def _feedback_input(relative, is_folder) -> bool:
    return not is_folder and len(relative.parts) == 1 and any(
        fnmatch.fnmatch(relative.name, pattern) for pattern in FEEDBACK_INPUTS)


class SafeFeedback(_Staged, GenerateFeedback):
    """nbgrader's GenerateFeedback on a staged copy of the autograded notebooks (and
    ``timestamp.txt``, which ``nbgrader release_feedback`` reads): nothing else of
    ``autograded/<student>/<assignment>/`` reaches ``feedback/``."""

    input_trait = "autograded_directory"
    keep = staticmethod(_feedback_input)


def run(api, step: str, assignment: str, student: str, staging) -> dict:
    """Run one step (``"autograde"`` or ``"feedback"``) for one student's assignment with
    nbgrader's API object ``api``; nbgrader's result dict, with ``"dropped"`` added."""
    staging = Path(staging)
    staging.mkdir(parents=True, exist_ok=True)
    with temp_attrs(api.coursedir, assignment_id=assignment, student_id=student):
        if step == "autograde":
            app = SafeAutograde(coursedir=api.coursedir, parent=api)
            app.create_student = True
        else:
            app = SafeFeedback(coursedir=api.coursedir, parent=api)
            config = Config()
            config.HTMLExporter.template_name = "feedback"
            app.update_config(config)
        app.force = True
        app.staging, app.dropped = staging, []
        result = capture_log(app)
    result["dropped"] = list(app.dropped)
    return result
