"""Warm forks, fresh per notebook: what one submission does in its child is gone for the next.

The real sandboxed zygote (bubblewrap, ``make sandbox``) forks children for two "students" in a
row; the first attacks everything it can reach (modules, the setup's names, files in every
writable folder, threads, processes left running, the zygote itself), the second must see none
of it.
"""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

import nnlego
from nnlego.course.grading import warm, withheld
from nnlego.course.grading.remote import Gone

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="the grading sandbox needs bubblewrap: make sandbox")

SETUP = "import numpy as np\nimport nnlego\nDATA = np.arange(5.0)\nprint('setup ran once')\n"

ATTACK = """
import os, threading, time, subprocess
import numpy as np
np.sum = lambda *args, **kwargs: 42                     # a module patched
DATA[:] = -1                                            # the setup's data changed
import nnlego
nnlego.EXTRA = "left behind"
for folder in (".", os.environ["HOME"], "/dev/shm"):     # files in every writable folder
    with open(os.path.join(folder, "planted.txt"), "w") as handle:
        handle.write("from the first student")
threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
if os.fork() == 0:                                      # a process left running
    os.setsid()
    time.sleep(300)
    os._exit(0)
"""

CHECK = """
import os
import numpy as np
import nnlego
seen = {
    "sum": int(np.sum([1, 2])),
    "data": DATA.tolist(),
    "extra": hasattr(nnlego, "EXTRA"),
    "files": sorted(f for folder in (".", os.environ["HOME"], "/dev/shm")
                    for f in os.listdir(folder) if f.startswith("planted")),
    "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "me": os.getpid(),
    "parent": os.getppid(),
}
"""


@pytest.fixture
def zygote(tmp_path):
    started = warm.Zygote(withheld.nnlego_without([nnlego.sigmoid]), SETUP, timeout=20)
    yield started
    started.stop()


def test_the_setup_runs_once_and_every_child_starts_from_it(zygote, tmp_path):
    (tmp_path / "mine.txt").write_text("the submission's file")
    first = zygote.fork(tmp_path)
    assert first.ready["setup"] == {"stdout": "setup ran once\n", "error": None}
    assert first.run("print(open('mine.txt').read())", "<cell In[2]>") == (
        "the submission's file\n", None)
    first.stop()


def test_what_one_submission_does_is_gone_for_the_next(zygote, tmp_path):
    first = zygote.fork(tmp_path)
    printed, error = first.run(ATTACK, "<cell In[2]>")
    assert error is None, error
    first.stop()
    second = zygote.fork(tmp_path)
    printed, error = second.run(CHECK, "<cell In[2]>")
    assert error is None, error
    seen = second.get("seen")
    assert seen["sum"] == 3 and seen["data"] == [0, 1, 2, 3, 4] and not seen["extra"]
    assert seen["files"] == []
    # left: bwrap's init (1), the zygote (the child's parent) and the child itself
    assert seen["processes"] == sorted({1, seen["parent"], seen["me"]}), seen
    second.stop()


def test_a_child_cannot_read_the_zygotes_memory(zygote, tmp_path):
    child = zygote.fork(tmp_path)
    printed, error = child.run("import os\n"
                               "open(f'/proc/{os.getppid()}/mem', 'rb').read(1)",
                               "<cell In[2]>")
    assert error is not None and error["type"] in ("PermissionError", "OSError"), error
    child.stop()


def test_a_child_that_kills_the_zygote_costs_only_a_new_zygote(tmp_path):
    copy = withheld.nnlego_without([])
    first = warm.zygote_for(copy, SETUP, 20).fork(tmp_path)
    try:                                # the sandbox ends with its zygote, this child too
        first.run("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", "<cell In[2]>")
    except Gone:
        pass
    first.stop()
    time.sleep(0.5)
    again = warm.zygote_for(copy, SETUP, 20)
    assert again.alive()
    child = again.fork(tmp_path)
    assert child.run("print(DATA.sum())", "<cell In[2]>") == ("10.0\n", None)
    child.stop()
    warm.stop_all()


def test_a_child_that_overruns_is_ended_and_the_zygote_forks_again(zygote, tmp_path):
    child = zygote.fork(tmp_path)
    child.timeout = 2
    with pytest.raises(Gone, match="longer than 2 s"):
        child.run("while True:\n    pass\n", "<cell In[2]>")
    after = zygote.fork(tmp_path)
    assert after.run("print('next')", "<cell In[2]>") == ("next\n", None)
    after.stop()


def test_each_notebook_gets_its_own_copy_of_the_graders_setup():
    def run(names):
        names.update(np=np, nnlego=nnlego, data=np.zeros(3), nets=[np.ones(2)])
        names["alias"] = names["nets"][0]
        return None

    first, error = warm.grader_setup("setup source", run)
    first["data"][0] = 9.0
    first["nets"][0][0] = 7.0
    second, _ = warm.grader_setup("setup source", run)
    assert error is None and second["data"][0] == 0.0 and second["nets"][0][0] == 1.0
    assert second["np"] is np and second["alias"] is second["nets"][0]
