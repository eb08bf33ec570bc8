"""nnlego.runner: workers die with their parent; concurrent runs on one cache train once."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

TESTS = Path(__file__).parent

# A script that trains on the tiny stand-in data (tests/test_experiments.py's tiny_dataset).
PRELUDE = f"""
import dataclasses, sys
sys.path.insert(0, {str(TESTS)!r})
from support.tiny_data import tiny_dataset
from nnlego import experiments as ex, runner
from nnlego.articles import savant, wth
with ex.use_data(lambda name: tiny_dataset(name, n_train=2000)):
"""


def _python(script, *args):
    body = textwrap.indent(textwrap.dedent(script), "    ")   # inside PRELUDE's `with`
    return subprocess.Popen([sys.executable, "-c", PRELUDE + body, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_workers_end_when_the_parent_is_killed(tmp_path):
    parent = _python(f"""
        jobs = [(dataclasses.replace(wth.NETWORK, n_epochs=400), seed) for seed in range(4)]
        runner.run_all(jobs, workers=2, cache={str(tmp_path)!r})
        """)
    workers = []
    try:
        deadline = time.time() + 60
        while len(workers) < 2 and time.time() < deadline:
            time.sleep(0.3)
            workers = psutil.Process(parent.pid).children()
        assert len(workers) >= 2, parent.stderr.read() if parent.poll() is not None else ""
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        gone, alive = psutil.wait_procs(workers, timeout=15)
        assert not alive, f"workers still running after their parent died: {alive}"
    finally:   # only this test's processes: the pytest worker may own others (a browser)
        for process in [*workers, parent]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
    assert not list(tmp_path.glob("*.json"))          # nothing finished, nothing half-written


def test_two_processes_on_one_cache_train_an_entry_once(tmp_path):
    script = f"""
        import json, os
        marks = []
        settings = dataclasses.replace(savant.ORIGINAL, n_epochs=3)
        result = ex.run(settings, seed=0, cache={str(tmp_path / "cache")!r},
                        progress=lambda epoch, history: marks.append(epoch))
        print(json.dumps({{"trained_epochs": marks, "cached": result.cached,
                          "test": result.metrics["test"]}}))
        """
    procs = [_python(script) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    import json
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(r["cached"] for r in reports) == [False, True]
    assert sorted(len(r["trained_epochs"]) for r in reports) == [0, 3]
    assert reports[0]["test"] == reports[1]["test"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_listed_twice_trains_once(workers, tmp_path, tiny_data_sets):
    from nnlego import experiments as ex
    from nnlego import runner
    from nnlego.articles import wth
    run = (ex.quick(wth.NETWORK), 0)
    results = runner.run_all([run, run], workers=workers, cache=tmp_path)
    assert list(results) == [run] and not results[run].cached
