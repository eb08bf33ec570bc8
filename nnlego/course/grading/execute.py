"""nbgrader preprocessors: run a submission under tokens, then score by the tokens only.

nbgrader scores a test cell by its *first* error or execute_result, which the submission can
steer (``ast_node_interactivity = "all"``, display hooks, ``set_custom_exc``, post-run events).
Here the score is decided outside the kernel:

1. :class:`ProtectedExecute` (in place of nbgrader's ``Execute``) starts the kernel with a fresh
   secret key (:class:`SandboxKernelManager`; the key goes through the sandbox launcher into the
   guard by a pipe). It appends ``__nnlego_guard__.setup_done()`` to the setup cell and
   ``__nnlego_guard__.passed(nonce, grade_id)`` to every graded test cell, a fresh nonce per
   cell, and restores the source afterwards. The appended statement runs only if every
   statement before it ran without error, and prints ``HMAC(key, nonce:grade_id)`` unless the
   guard finds the kernel tampered with (then it prints review flags instead).
2. It checks each test cell's output for that exact token (and no error output), records the
   verdict in ``resources["nnlego"]`` and removes the token line.
3. :class:`ScoreByTokens` (in place of ``SaveAutoGrades``) gives a test cell its points only
   with a verdict of passed, and marks flagged cells for manual review.

A kernel that dies (``os._exit``, a memory limit) or stays busy after a timed-out cell is
interrupted is stopped: the cells after it are marked "not run", the notebook is still scored
and gets feedback. Output beyond ``max_output_bytes`` per cell is dropped. The course's
demonstrations (code cells tagged ``demonstration`` in solutions/: training and figures for the
learner's eyes, which no test needs) are not run at grading.

The kernel never runs in the folder nbgrader writes (``autograded/<student>/<assignment>/``):
it starts from a private copy of that folder's regular files (which the sandbox binds read-only
and copies into the kernel's own size-bounded tmpfs, :mod:`nnlego.course.grading.sandbox`), and
nothing it writes is ever read back. What comes back from a run is the executed notebook, from
nbgrader's memory, and the grader writes it (and ``nnlego_review.json``) into a folder the
kernel could not write.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import secrets
import shutil
import tempfile
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute, SaveAutoGrades
from traitlets import Integer, Unicode

from nnlego.course.grading import guard, safe_files, sandbox, scan


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager with IPC sockets in a private folder and a fresh grading key."""

    transport = Unicode("ipc")

    def write_connection_file(self, **kwargs):
        if not self._connection_file_written:
            self._private = tempfile.mkdtemp(prefix="nnlego-kernel-")
            self.connection_file = str(Path(self._private) / "kernel.json")
            self.ip = str(Path(self._private) / "ipc")
        return super().write_connection_file(**kwargs)

    async def _async_pre_start_kernel(self, **kw):
        self.grader_key = secrets.token_bytes(32)
        # the launcher's whole environment (jupyter_client passes nothing else on)
        kw["env"] = {**kw.get("env", {}), **sandbox.kernel_environment(),
                     "NNLEGO_GRADER_KEY": self.grader_key.hex()}
        if getattr(self, "released", None):
            kw["env"]["NNLEGO_RELEASED"] = self.released
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart and getattr(self, "_private", None):
            shutil.rmtree(self._private, ignore_errors=True)


def role(cell) -> str | None:
    """"test" for an autograded test cell, "setup" for the locked setup cell, else None."""
    if cell.cell_type != "code":
        return None
    if utils.is_grade(cell) and not utils.is_solution(cell):
        return "test"
    if utils.is_locked(cell) and cell.metadata.nbgrader.get("grade_id") == "setup":
        return "setup"
    return None


def _demonstration(cell) -> bool:
    """A code cell of the course's own that only shows the learner something (trains, draws):
    tagged ``demonstration`` in solutions/ and neither an answer nor a graded cell; skipped at
    grading (:func:`nnlego.course.selfcheck.notebook.is_demonstration`)."""
    from nnlego.course.selfcheck.notebook import is_demonstration

    return (cell.cell_type == "code" and is_demonstration(cell)
            and not utils.is_solution(cell) and not utils.is_grade(cell))


def _stream(text, name="stdout"):
    return NotebookNode(output_type="stream", name=name, text=text)


def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


class ProtectedExecute(Execute):
    """nbgrader's Execute, with the pass tokens, a stop on a dead kernel and an output cap."""

    kernel_name = Unicode("nnlego-sandbox", config=True,
                          help="the kernel spec to grade with (make sandbox installs it)")
    max_output_bytes = Integer(200_000, config=True, help="output kept per cell")
    probe_timeout = Integer(15, config=True,
                        help="seconds a kernel has to answer after a timed-out cell")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self._dead, self._sizes = None, {}
        self._record = resources.setdefault("nnlego", {"passed": {}, "flags": {}})
        metadata = resources.setdefault("metadata", {})
        folder = metadata.get("path")       # where nbgrader writes: the kernel never sees it
        start = tempfile.mkdtemp(prefix="nnlego-start-")
        try:
            if folder:
                safe_files.copy_regular(folder, start, limits=safe_files.Limits.from_env())
            metadata["path"] = start        # the kernel's start: a copy, never read back
            return super().preprocess(nb, resources, km=km)
        finally:
            metadata["path"] = folder
            safe_files.remove_tree(start)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.released = self._released()
        return km

    def _released(self):
        """exercises/<assignment> of the course being graded, if there is one."""
        course = self.config.get("CourseDirectory", {})
        assignment = self.resources.get("nbgrader", {}).get("assignment")
        folder = Path(course.get("root", os.getcwd()), course.get("release_directory",
                                                                  "release"), assignment or "")
        return str(folder.resolve()) if assignment and folder.is_dir() else None

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        if self._dead is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error("NotRun", f"not run: {self._dead}")]
            return cell
        kind, original = role(cell), cell.source
        if kind is None and _demonstration(cell):
            cell.outputs = [_stream("[nnlego-grader: a demonstration, not run at grading]\n",
                                    "stderr")]
            return cell
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        nonce = secrets.token_hex(16)
        if kind == "test":
            cell.source = f"{original}\n__nnlego_guard__.passed({nonce!r}, {grade_id!r})\n"
        elif kind == "setup":
            cell.source = f"{original}\n__nnlego_guard__.setup_done()\n"
        try:
            await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self._dead = "the kernel died in an earlier cell (os._exit, a crash, a limit)"
            cell.outputs.append(_error("DeadKernelError", "the kernel died while running this "
                                       "cell (os._exit, a crash or the memory limit)"))
        finally:
            cell.source = original
        if self._dead is None and any(o.get("ename") == "CellTimeoutError"
                                      for o in cell.get("outputs", [])):
            await self._stop_if_unresponsive()
        if kind == "test":
            self._verdict(cell, grade_id, nonce)
        return cell

    execute_cell = run_sync(async_execute_cell)     # nbclient binds the sync one to its own

    async def _stop_if_unresponsive(self):
        msg_id = self.kc.kernel_info()
        deadline = asyncio.get_running_loop().time() + self.probe_timeout
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                reply = await self.kc.get_shell_msg(timeout=left)
            except queue.Empty:
                break
            if reply["parent_header"].get("msg_id") == msg_id:
                return
        self._dead = "the kernel did not stop after a timed-out cell was interrupted"
        await self.km.shutdown_kernel(now=True)

    def _verdict(self, cell, grade_id, nonce):
        expected = guard.token(self.km.grader_key, nonce, grade_id)
        kept, seen = [], False
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                lines = output.text.split("\n")
                seen = seen or expected in lines
                output.text = "\n".join(line for line in lines
                                        if not line.startswith(guard.TOKEN))
                if not output.text.strip():
                    continue
            kept.append(output)
        cell.outputs = kept
        errors = any(o.output_type == "error" for o in kept)
        flags = [o.text for o in kept if o.output_type == "stream" and guard.FLAG in o.text]
        self._record["passed"][grade_id] = seen and not errors
        if flags:
            self._record["flags"][grade_id] = [line.split(guard.FLAG, 1)[1].strip()
                                               for text in flags for line in text.split("\n")
                                               if guard.FLAG in line]

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        text = content.get("text", "")
        size = len(text) + sum(len(str(v)) for v in content.get("data", {}).values())
        if text.startswith(guard.TOKEN) and size < 200:
            return super().output(outs, msg, display_id, cell_index)
        before = self._sizes.get(cell_index, 0)
        self._sizes[cell_index] = before + size
        if before + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if before <= self.max_output_bytes:
            outs.append(_stream(f"[nnlego-grader: output beyond {self.max_output_bytes:,} "
                                "characters dropped]\n", "stderr"))
        return None


class ScoreByTokens(SaveAutoGrades):
    """Save the grades: a test cell scores only with a valid token; flags ask for review."""

    def preprocess(self, nb, resources):
        record = resources.setdefault("nnlego", {"passed": {}, "flags": {}})
        findings = scan.review(nb, resources.get("metadata", {}).get("path"))
        for grade_id, reasons in scan.copies(nb, resources).items():
            findings.setdefault(grade_id, []).extend(reasons)
        for grade_id, reasons in findings.items():
            record["flags"].setdefault(grade_id, []).extend(reasons)
        scan.annotate(nb, record["flags"])
        scan.write_review(resources, record)
        return super().preprocess(nb, resources)

    def _add_score(self, cell, resources):
        if role(cell) != "test":
            return super()._add_score(cell, resources)
        record = resources["nnlego"]
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id,
                                          self.student_id)
        _, max_points = utils.determine_grade(cell, self.log)
        grade.auto_score = max_points if record["passed"].get(grade_id) else 0.0
        grade.needs_manual_grade = bool(grade.manual_score is not None
                                        or record["flags"].get(grade_id)
                                        or record["flags"].get("*"))
        self.gradebook.db.commit()


def review_summary(record) -> str:
    return json.dumps(record, indent=1, sort_keys=True)
