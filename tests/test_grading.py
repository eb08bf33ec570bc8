"""The grading machinery's parts, without nbgrader: own_work, the token, the scan, the sandbox.

tests/test_solutions.py grades whole courses with them; these tests pin each part down.
"""

import json
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from support.notebooks import ROOT as REPOSITORY

import nnlego
from nnlego import tiles
from nnlego.course.grading import guard, sandbox, scan


def test_own_work_passes_an_answer_of_its_own():
    with guard.own_work(nnlego.sigmoid):
        value = 0.5 * (1 + np.tanh(0.5 * np.array([0.0])))
    assert value[0] == 0.5


@pytest.mark.parametrize("call", [
    lambda z: nnlego.sigmoid(z),
    lambda z: nnlego.activations.sigmoid(z),                       # another path
    lambda z: __import__("functools").partial(nnlego.sigmoid)(z),
])
def test_own_work_catches_nnlegos_own_piece(call):
    with pytest.raises(AssertionError, match="calls nnlego's own sigmoid"):
        with guard.own_work(nnlego.sigmoid):
            call(np.zeros(3))


def test_own_work_catches_a_call_from_another_thread():
    out = []
    with pytest.raises(AssertionError, match="calls nnlego's own"):
        with guard.own_work(nnlego.sigmoid):
            worker = threading.Thread(target=lambda: out.append(nnlego.sigmoid(np.zeros(2))))
            worker.start()
            worker.join()
    assert out, "the thread ran"


def test_own_work_catches_a_copy_of_the_source():
    import inspect

    copy = {}
    exec(inspect.getsource(tiles.subfactorial), dict(vars(tiles)), copy)
    assert copy["subfactorial"].__code__ is not tiles.subfactorial.__code__
    with pytest.raises(AssertionError, match="subfactorial"):
        with guard.own_work(tiles.subfactorial):
            copy["subfactorial"](5)


def test_own_work_catches_the_profiler_switched_off():
    with pytest.raises(AssertionError, match="switched the profiler off"):
        with guard.own_work(nnlego.sigmoid):
            sys.setprofile(None)
            nnlego.sigmoid(np.zeros(2))


def test_the_token_depends_on_key_nonce_and_cell():
    first = guard.token(b"k" * 32, "n1", "test_a")
    assert first.startswith(guard.TOKEN) and first == guard.token(b"k" * 32, "n1", "test_a")
    others = [guard.token(b"K" * 32, "n1", "test_a"), guard.token(b"k" * 32, "n2", "test_a"),
              guard.token(b"k" * 32, "n1", "test_b")]
    assert len({first, *others}) == 4


@pytest.mark.parametrize(("source", "reason"), [
    ("get_ipython().ast_node_interactivity = 'all'", "IPython"),
    ("import sys\nsys.settrace(None)", "interpreter"),
    ("f = g.__code__", "code objects"),
    ("exec('x = 1')", "run time"),
    ("import threading", "process module"),
    ("import os\nos._exit(0)", "processes"),
    ("print(open('x').read())", "files"),
    ("!cat /etc/passwd", "shell escape"),
    ("from nnlego.course.grading import guard", "grader"),
    ("from nnlego.course import grading", "grader"),
    ("import nnlego . course . grading . guard as g", "grader"),
    ("from nnlego.course import course_map, grading", "grader"),
])
def test_the_scan_flags_the_tools_of_an_attack(source, reason):
    assert any(reason in found for found in scan.findings(source)), scan.findings(source)


def test_the_scan_leaves_plain_numpy_alone():
    source = "def sigmoid(z):\n    # exec and open in a comment do not count\n" \
             "    return 0.5 * (1 + np.tanh(0.5 * z))\n"
    assert scan.findings(source) == []


def test_the_sandbox_binds_no_course_folder_and_no_network(tmp_path):
    work = tmp_path / "autograded" / "alice" / "02_forward_pass"
    work.mkdir(parents=True)
    (tmp_path / "solutions").mkdir()
    command = sandbox.bwrap_command(str(tmp_path / "private" / "kernel.json"), work, key_fd=7)
    bound = [command[i + 1] for i, arg in enumerate(command) if arg in ("--bind", "--ro-bind")]
    assert "--unshare-all" in command and "--clearenv" in command
    assert str(work) in bound and str(tmp_path) not in bound
    assert not [path for path in bound if "solutions" in path or path in ("/", "/root", "/work")]
    assert command[command.index("NNLEGO_GRADER_KEY_FD") + 1] == "7"
    assert "NNLEGO_GRADER_KEY" not in command


def test_the_sandbox_refuses_a_course_root(tmp_path):
    (tmp_path / "gradebook.db").write_text("")
    with pytest.raises(SystemExit, match="refusing"):
        sandbox.check_workdir(tmp_path)


def test_the_kernel_spec_runs_the_launcher():
    spec = sandbox.kernel_spec("/venv/bin/python")
    assert spec["argv"] == ["/venv/bin/python", "-m", "nnlego.course.grading.sandbox",
                            "{connection_file}"]


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="make sandbox installs bubblewrap")
def test_install_kernel_writes_the_spec(tmp_path):
    folder = sandbox.install_kernel(tmp_path)
    argv = json.loads((folder / "kernel.json").read_text())["argv"]
    assert argv[2] == "nnlego.course.grading.sandbox"


def test_review_collects_every_flag(tmp_path):
    folder = tmp_path / "autograded" / "bob" / "02_forward_pass"
    folder.mkdir(parents=True)
    (folder / scan.REVIEW_FILE).write_text(json.dumps(
        {"forward_pass": {"passed": {}, "flags": {"test_sigmoid": ["numpy.allclose was "
                                                                   "replaced"]}}}))
    rows = scan.collect_flags(tmp_path)
    assert rows == [{"student": "bob", "assignment": "02_forward_pass",
                     "notebook": "forward_pass", "piece": "test_sigmoid",
                     "reason": "numpy.allclose was replaced"}]
    assert "bob" in (tmp_path / "review.csv").read_text()


SETUP = ("import numpy as np\nimport nnlego\nfrom nnlego.course.grading import own_work\n"
         "%matplotlib inline")


@pytest.mark.parametrize("source", ["nnlego.sigmoid = f", "np.allclose = lambda *a: True",
                                    "def own_work(*pieces):\n    pass", "np = None"])
def test_the_scan_flags_rebinding_or_patching_the_setup_cells_names(source):
    assert scan.rebinds(source, scan.bound_names(SETUP))


@pytest.mark.parametrize("source", ["import numpy as np", "W = np.zeros(3)\nW[0] = 1",
                                    "net.weights = []", "def sigmoid(z):\n    return z"])
def test_the_scan_leaves_ordinary_assignments_alone(source):
    assert scan.rebinds(source, scan.bound_names(SETUP)) == []


# -- the grading kernel's environment, decided in the grader's process -----------------------
def test_kernel_environment_carries_the_graders_data_home_limits_and_nothing_else(tmp_path):
    environ = {"HOME": "/home/ta", "NNLEGO_DATA": str(tmp_path / "data" / ".." / "data"),
               "NNLEGO_GRADER_MEMORY": "2e9", "OMP_NUM_THREADS": "1", "SECRET_TOKEN": "x",
               "AWS_SECRET_ACCESS_KEY": "y"}
    env = sandbox.kernel_environment(environ)
    assert env["NNLEGO_DATA"] == str((tmp_path / "data").resolve())   # absolute, normalised
    assert env["NNLEGO_GRADER_MEMORY"] == "2e9" and env["OMP_NUM_THREADS"] == "1"
    assert not {"HOME", "SECRET_TOKEN", "AWS_SECRET_ACCESS_KEY"} & set(env)


def test_kernel_environment_without_nnlego_data_is_the_graders_own_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("NNLEGO_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    env = sandbox.kernel_environment()
    assert env["NNLEGO_DATA"] == str((tmp_path / "cache" / "nnlego").resolve())


def test_the_launcher_refuses_a_missing_data_home_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "nowhere"))
    work = tmp_path / "autograded" / "alice" / "02_forward_pass"
    work.mkdir(parents=True)
    with pytest.raises(SystemExit, match=r"nowhere.*does not exist.*make data"):
        sandbox.bwrap_command(str(tmp_path / "private" / "kernel.json"), work, key_fd=None)


def test_the_launcher_binds_and_passes_the_data_home_it_was_given(tmp_path, monkeypatch):
    data = tmp_path / "my data"
    data.mkdir()
    monkeypatch.setenv("NNLEGO_DATA", str(data))
    work = tmp_path / "autograded" / "alice" / "02_forward_pass"
    work.mkdir(parents=True)
    command = sandbox.bwrap_command(str(tmp_path / "private" / "kernel.json"), work, key_fd=None)
    assert ["--ro-bind", str(data), str(data)] == command[command.index(str(data)) - 1:][:3]
    assert command[command.index("NNLEGO_DATA") + 1] == str(data)


def test_a_grader_with_its_own_home_and_data_home_grades_end_to_end(tmp_path):
    """The instructor's case: another HOME, NNLEGO_DATA at a folder of its own, `nnlego grade`
    in the sandbox. The kernel sees that data home (and loads MNIST from it), and the solution
    scores full marks. (Before the grader decided the kernel's environment, the kernel looked
    for the data in the default cache of the user running it, and died where there was none.)"""
    import os
    import subprocess

    import nbformat
    from nbgrader.api import Gradebook

    from nnlego.datasets import cache_path

    if shutil.which("bwrap") is None:
        pytest.fail("the grading sandbox is not installed: run `make sandbox`")
    root, home, data = tmp_path / "course", tmp_path / "home", tmp_path / "elsewhere" / "data"
    for folder in (home, data):
        folder.mkdir(parents=True)
    for name in ("mnist", "fashion-mnist"):
        shutil.copy(cache_path(name), data / f"{name}.npz")
    assignment = "02_forward_pass"
    repo = REPOSITORY
    shutil.copytree(repo / "solutions" / assignment, root / "solutions" / assignment)
    shutil.copy(repo / "nbgrader_config.py", root)
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
           "HOME": str(home), "NNLEGO_DATA": str(data), "LANG": "C.UTF-8"}

    def run(*args):
        done = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

    run("-m", "nbgrader", "generate_assignment", assignment, "--force")
    (source,) = (root / "solutions" / assignment).glob("*.ipynb")
    nb = nbformat.read(source, 4)
    probe = nbformat.v4.new_code_cell(
        "import nnlego.datasets\nprint('DATA HOME', nnlego.datasets.data_home())\n"
        "print('MNIST TEST', len(nnlego.datasets.load_mnist().test[1]))\n")
    nb.cells.insert(2, probe)
    submitted = root / "submitted" / "alice" / assignment
    submitted.mkdir(parents=True)
    nbformat.write(nb, submitted / source.name)
    run("-m", "nnlego", "grade", "--workers", "1", "--no-progress")
    (graded,) = (root / "autograded" / "alice" / assignment).glob("*.ipynb")
    printed = "".join(o.get("text", "") for o in nbformat.read(graded, 4).cells[2].outputs)
    assert f"DATA HOME {data}" in printed and "MNIST TEST 10000" in printed, printed
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(source.stem, assignment, "alice")
        assert (notebook.score, notebook.max_score) == (7, 9)   # 2 written points ungraded


@pytest.mark.parametrize(("engine", "first"), [(None, "ComputeAndJudge"), ("", "ComputeAndJudge"),
                                               ("v2", "ComputeAndJudge"),
                                               ("v1", "ProtectedExecute")])
def test_the_course_grades_with_v2_unless_told_v1(monkeypatch, engine, first):
    from traitlets.config.loader import PyFileConfigLoader

    if engine is None:
        monkeypatch.delenv("NNLEGO_GRADER_ENGINE", raising=False)
    else:
        monkeypatch.setenv("NNLEGO_GRADER_ENGINE", engine)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPOSITORY)).load_config()
    assert config.Autograde.autograde_preprocessors[0].__name__ == first


def test_an_unknown_engine_is_refused_with_the_choices(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("NNLEGO_GRADER_ENGINE", "v3")
    with pytest.raises(ValueError, match="NNLEGO_GRADER_ENGINE='v3': expected 'v2'"):
        PyFileConfigLoader("nbgrader_config.py", path=str(REPOSITORY)).load_config()
