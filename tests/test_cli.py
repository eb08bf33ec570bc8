"""The ``nnlego`` command as a user meets it: run as a subprocess, an OS error is one line.

A data home that is a file, a read-only folder, a full disk: exit status 2, one line on stderr
naming the path and the fix, no traceback. The subprocess pins the tiny Fashion-MNIST of
``support.tiny_data`` before running ``nnlego.cli.main``, so an import gets as far as writing
the cache.
"""

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.tiny_data import tiny_fashion_arrays, write_fashion_folder

from nnlego.cli import describe

TESTS = Path(__file__).parent
CLI_WITH_TINY_PINS = """
import sys, pytest
from support import tiny_data
tiny_data.pin_tiny_fashion(pytest.MonkeyPatch(), tiny_data.tiny_fashion_arrays())
from nnlego.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _cli(*argv, prefix=(), preexec_fn=None, env=None):
    """Run ``nnlego ARGV`` (with the tiny pins) in a fresh interpreter: (status, stdout, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(TESTS), **(env or {})}
    done = subprocess.run([*prefix, sys.executable, "-c", CLI_WITH_TINY_PINS, *map(str, argv)],
                          capture_output=True, text=True, env=env, preexec_fn=preexec_fn,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def _assert_one_line_naming(err, path, *words):
    lines = err.strip().splitlines()
    assert "Traceback" not in err and len(lines) == 1, err
    assert str(path) in lines[0] and all(w in lines[0] for w in words), err


@pytest.fixture
def source(tmp_path):
    """The four tiny Fashion-MNIST .gz files (the subprocess pins their hashes)."""
    return write_fashion_folder(tmp_path / "src", tiny_fashion_arrays())


def test_the_subprocess_imports_when_nothing_is_wrong(source, tmp_path):
    """Control: the same command into a good folder succeeds, so the failures below are real."""
    code, out, err = _cli("data", "import", source, "--data-home", tmp_path / "home")
    assert code == 0 and "fashion-mnist: imported, verified" in out, err
    assert (tmp_path / "home" / "fashion-mnist.npz").is_file()


@pytest.mark.parametrize("how", ["--data-home", "NNLEGO_DATA"])
@pytest.mark.parametrize("action", ["import", "fetch"])
def test_a_data_home_that_is_a_file(source, tmp_path, how, action):
    """Issue 17: `data import --data-home FILE` ended in a FileExistsError traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    args = [source] if action == "import" else ["fashion-mnist", "--timeout", "1"]
    if how == "--data-home":
        code, _, err = _cli("data", action, *args, "--data-home", blocker / "sub")
    else:
        code, _, err = _cli("data", action, *args, env={"NNLEGO_DATA": str(blocker)})
    assert code == 2
    _assert_one_line_naming(err, blocker, "is a file, not a folder", "--data-home")
    assert blocker.read_text() == "not a folder"


def _without_root_powers():
    """A command prefix under which file permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")


@pytest.mark.parametrize("inside", [False, True], ids=["home-is-read-only", "home-under-it"])
def test_a_read_only_folder(source, tmp_path, inside):
    """A data home that cannot be written to (or created): one line naming where, and the fix."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    home = locked / "home" if inside else locked
    try:
        code, _, err = _cli("data", "import", source, "--data-home", home,
                            prefix=_without_root_powers())
    finally:
        locked.chmod(0o755)
    assert code == 2
    _assert_one_line_naming(err, home, "Permission denied", "a folder you can write to")
    assert ".tmp" not in err
    assert list(locked.iterdir()) == []  # no temporary file left behind


def _limit_file_size():
    """In the child: files may not grow past 2 kB (write() then fails as on a full disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_a_full_disk(source, tmp_path):
    """A write that fails half way (no file name in the OS error): the cache path is named."""
    home = tmp_path / "home"
    code, _, err = _cli("data", "import", source, "--data-home", home,
                        preexec_fn=_limit_file_size)
    assert code == 2
    _assert_one_line_naming(err, home / "fashion-mnist.npz", "File too large")
    assert list(home.iterdir()) == []  # the temporary files are gone, no half cache


def test_describe_adds_the_fix_only_to_the_os_own_words(tmp_path):
    """The OS's own message gets the fix; a message that already gives one is left alone."""
    own = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))
    assert describe(own) == (f"{tmp_path}: Permission denied; change its permissions, or choose "
                             "a folder you can write to (e.g. --data-home or $NNLEGO_DATA)")
    custom = NotADirectoryError(errno.ENOTDIR, "is a file; pass another", str(tmp_path))
    assert describe(custom) == f"{tmp_path}: is a file; pass another"
    assert describe(ValueError("bad value")) == "bad value"
    assert describe(FileNotFoundError("no mnist data: ...")) == "no mnist data: ..."
