"""The Dask route is authenticated (issue 26, part 5): TLS with the course's certificates.

A Dask scheduler runs any client's code as the user who started its workers; the issue ran a
task as the instructor from another account. ``nnlego course certs DIR`` makes a certificate
authority and a certificate (keys readable by the owner only); a local cluster started with
them (the appendix's recipe) refuses a client without them, and one with another authority's;
``nnlego grade --scheduler tls://... --certs DIR`` grades through it. A plain ``tcp://``
scheduler is refused in one line naming the fix, unless ``--insecure-scheduler``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
distributed = pytest.importorskip("distributed", reason="the scale extra: '.[scale]'")
from support.notebooks import ROOT  # noqa: E402

from nnlego.course.grading import gradebook as gbook  # noqa: E402
from nnlego.course.grading import parallel, synthetic, tls  # noqa: E402

pytestmark = pytest.mark.slow
ASSIGNMENT, NOTEBOOK = "02_forward_pass", "forward_pass"


def nnlego(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    return subprocess.run([sys.executable, "-m", "nnlego", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls") / "certs"
    done = nnlego("course", "certs", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def cluster(certs):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  protocol="tls://", security=tls.security(certs),
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture
def course(tmp_path):
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    root = synthetic.make_course(tmp_path / "course", [ASSIGNMENT], repo=ROOT)
    folder = root / "submitted" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(synthetic.variants(ASSIGNMENT, ROOT)["solution"], folder / f"{NOTEBOOK}.ipynb")
    return root


def test_the_certificates_are_private_files(certs):
    assert os.stat(certs).st_mode & 0o777 == 0o700
    for name in (tls.CA, tls.CA_KEY, tls.CERT, tls.KEY):
        assert (certs / name).is_file()
    for name in (tls.CA_KEY, tls.KEY):
        assert os.stat(certs / name).st_mode & 0o077 == 0, name


# A client of the cluster, in a process of its own: what a stranger on the machine would run.
# It prints SERVED only if the cluster ran its task. (A refused client may also hang in the
# TLS handshake: in its own process a hang is a timeout, never the test's.)
STRANGER = """
import os, sys
from pathlib import Path
import distributed
from nnlego.course.grading import tls
address, certs, target = sys.argv[1:4]
security = tls.security(tls.make_certs(Path(certs))) if certs else None
with distributed.Client(address, security=security, timeout="5s") as client:
    client.submit(os.listdir, target).result(timeout=5)
print("SERVED")
"""


def test_a_client_without_the_courses_certificates_is_refused(cluster, certs, tmp_path):
    address = cluster.scheduler_address
    assert address.startswith("tls://")
    for stranger in ("", str(tmp_path / "stranger")):     # no certificates; another authority's
        try:
            done = subprocess.run([sys.executable, "-c", STRANGER, address, stranger,
                                   str(ROOT / "solutions")], capture_output=True, text=True,
                                  timeout=60)
        except subprocess.TimeoutExpired:
            continue                                       # it never got in
        assert done.returncode != 0 and "SERVED" not in done.stdout, (stranger, done.stdout)
    with distributed.Client(address, security=tls.security(certs), timeout="60s") as client:
        assert client.submit(sum, [1, 2]).result(timeout=60) == 3     # the course's: served


def test_grade_runs_on_the_tls_cluster(cluster, certs, course):
    report = parallel.grade(course, scheduler=cluster.scheduler_address, certs=certs)
    assert not report.failures, report.failures
    dump = gbook.dump(gbook.sqlite_url(course / "gradebook.db"), "nnlego")
    cells = dump["alice", ASSIGNMENT, NOTEBOOK][3]
    tests = {name: auto for name, (auto, _, _) in cells.items() if name.startswith("test_")}
    assert tests and all(score and score > 0 for score in tests.values()), tests


def test_a_plain_scheduler_is_refused_unless_insecure(course, certs):
    before = (course / "gradebook.db").read_bytes()
    with pytest.raises(ValueError, match="--insecure-scheduler"):
        parallel.grade(course, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="--certs DIR"):
        parallel.grade(course, scheduler="tls://127.0.0.1:8786")
    done = nnlego("grade", "--scheduler", "tcp://127.0.0.1:8786", "--no-progress", cwd=course)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "not a TLS address" in line and "nnlego course certs" in line, line
    assert (course / "gradebook.db").read_bytes() == before
    assert not (course / "autograded").exists()
    with pytest.raises(FileNotFoundError, match="nnlego course certs"):
        tls.security(course)                       # a folder without certificates
