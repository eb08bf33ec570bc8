"""nnlego.processes, the one supervisor: a child dies with its parent, a timeout ends the whole
process group (grandchildren too, SIGTERM or not), crashes are said in words, and where the
system cannot tie a child to its parent nothing is asked of it.

Every process killed here is one this file started (directly, or through the parent or child it
started): never every child of the test process, which may run others (a browser).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnlego import processes

TESTS = Path(__file__).parent
LINUX = sys.platform.startswith("linux")


def running(pid: int) -> bool:
    """Whether pid runs (a zombie has ended: orphans' zombies may never be reaped here)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status


def wait_until(condition, seconds) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_if_running(pid, marker):
    """SIGKILL pid if it still runs *and* is the process this test started (its command line
    holds marker), not another that reused the pid."""
    with contextlib.suppress(OSError):
        if running(pid) and marker in Path(f"/proc/{pid}/cmdline").read_text():
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def child():
    """A Child running tests/support/child_process.py, stopped (group and all) after the test."""
    started = processes.Child("support.child_process", grace=0.5, cwd=TESTS)
    yield started
    started.stop()


# -- crash reports in words -------------------------------------------------------------------
@pytest.mark.parametrize("returncode, sentence", [
    (0, "exited with code 0"), (3, "exited with code 3"),
    (-signal.SIGKILL, "killed by SIGKILL (out of memory?)"),
    (-signal.SIGSEGV, "killed by SIGSEGV (a crash in C code)"),
    (-signal.SIGXCPU, "killed by SIGXCPU (its CPU time limit)"),
    (-signal.SIGHUP, "killed by SIGHUP"), (-99, "killed by signal 99"),
    (None, "is still running")])
def test_an_exit_status_in_words(returncode, sentence):
    assert processes.exit_sentence(returncode) == sentence


def test_a_timeout_in_words():
    assert processes.timeout_sentence(60) == "timed out after 60 s"
    assert processes.timeout_sentence(0.5) == "timed out after 0.5 s"


@pytest.mark.parametrize("request_, failure", [
    (["exit", 3], "died: exited with code 3"),
    (["signal", "SIGKILL"], "died: killed by SIGKILL (out of memory?)"),
    (["signal", "SIGSEGV"], "died: killed by SIGSEGV (a crash in C code)")])
def test_a_child_that_dies_is_reported_in_words_and_starts_again(child, request_, failure):
    child.start()
    assert child.ask(["echo", {"plain": [1, 2.5, "data"]}], 60) == \
        ["echo", {"plain": [1, 2.5, "data"]}]
    assert child.ask(request_, 60) is None
    assert child.failure == failure and not child.running
    child.start()
    assert child.ask(["echo", 1], 60) == ["echo", 1] and child.failure is None


# -- timeouts end the whole group -------------------------------------------------------------
@pytest.mark.parametrize("ignores_sigterm", [False, True])
def test_a_timeout_ends_the_whole_group_grandchildren_too(child, tmp_path, ignores_sigterm):
    pid_file = tmp_path / "grandchild.pid"
    child.start()
    leader = child.process.pid
    try:
        assert child.ask(["hang", str(pid_file), ignores_sigterm], 3) is None
        assert child.failure == "timed out after 3 s" and not child.running
        grandchild = int(pid_file.read_text())
        assert wait_until(lambda: not running(grandchild), 5), \
            f"the grandchild {grandchild} outlived the timeout of its group"
        assert not running(leader)
    finally:
        if pid_file.exists():
            kill_if_running(int(pid_file.read_text()), "time.sleep")


def test_end_group_on_a_process_that_already_ended_gives_its_status():
    process = processes.start([sys.executable, "-c", "raise SystemExit(4)"])
    process.wait()
    assert processes.end_group(process, grace=0.5) == 4


# -- dying with the parent --------------------------------------------------------------------
PARENT = textwrap.dedent("""
    import os, subprocess, sys, time
    from nnlego import processes
    mode = sys.argv[1]
    if mode != "prctl":
        processes._PRCTL = None          # as on a system without PR_SET_PDEATHSIG
    child = processes.start([sys.executable, "-c", CHILD, mode, str(os.getpid())],
                            stdout=subprocess.PIPE, text=True)
    child.stdout.readline()              # its watchdog (if any) runs
    print(child.pid, flush=True)
    time.sleep(600)
    """)
CHILD = textwrap.dedent("""
    import sys, time
    from nnlego import processes
    if sys.argv[1] == "watchdog":
        processes.watch_parent(int(sys.argv[2]), interval=0.1)
    print("ready", flush=True)
    time.sleep(600)   # nnlego-test-orphan
    """)


@pytest.mark.parametrize("mode, dies", [
    pytest.param("prctl", True, marks=pytest.mark.skipif(not LINUX, reason="Linux prctl")),
    ("watchdog", True), ("none", False)])
def test_a_parent_killed_with_sigkill_leaves_no_child_behind(mode, dies):
    """("none": nothing ties the child to its parent, and it survives: the check can fail.)"""
    script = f"CHILD = {CHILD!r}\n{PARENT}"
    parent = subprocess.Popen([sys.executable, "-c", script, mode], cwd=TESTS,
                              stdout=subprocess.PIPE, text=True)
    child_pid = None
    try:
        child_pid = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
        gone = wait_until(lambda: not running(child_pid), 10 if dies else 2)
        assert gone == dies, f"mode {mode}: the child {'outlived' if dies else 'died with'} " \
                             "its parent"
    finally:
        parent.kill()
        parent.wait()
        if child_pid:
            kill_if_running(child_pid, "nnlego-test-orphan")


def test_a_parent_gone_before_the_request_ends_the_child_at_once():
    script = ("import sys\nfrom nnlego import processes\nprocesses._PRCTL = None\n"
              "processes.die_with_parent(parent=int(sys.argv[1]))\nprint('went on')\n")
    def run(parent):
        return subprocess.run([sys.executable, "-c", script, str(parent)], cwd=TESTS,
                              capture_output=True, text=True, timeout=60)
    gone = run(os.getpid() + 10**6)      # not its parent: the parent is taken to be dead
    assert (gone.returncode, gone.stdout) == (1, "")
    alive = run(os.getpid())             # its real parent
    assert (alive.returncode, alive.stdout) == (0, "went on\n")


def test_without_prctl_nothing_is_asked_and_the_caller_is_told(monkeypatch):
    monkeypatch.setattr(processes, "_PRCTL", None)
    assert processes.die_with_parent(signal.SIGTERM) is False
    monkeypatch.setattr(processes.sys, "platform", "darwin")
    assert processes._find_prctl() is None


def test_the_request_is_pr_set_pdeathsig_with_the_signal(monkeypatch):
    calls = []
    monkeypatch.setattr(processes, "_PRCTL", lambda *args: calls.append(args) or 0)
    assert processes.die_with_parent(signal.SIGTERM) is True
    assert calls == [(1, int(signal.SIGTERM), 0, 0, 0)]
    monkeypatch.setattr(processes, "_PRCTL", lambda *args: -1)    # refused (EINVAL)
    assert processes.die_with_parent(signal.SIGTERM) is False


# -- errors that say the fix ------------------------------------------------------------------
def test_asking_a_child_not_started_says_start_it(child):
    with pytest.raises(RuntimeError, match=r"call start\(\) before ask\(\)"):
        child.ask(["echo", 1], 1)


def test_a_worker_module_run_by_hand_says_who_starts_it():
    with pytest.raises(SystemExit, match="started by nnlego.processes.Child"):
        processes.parent_channel(["a-notebook.ipynb"])
