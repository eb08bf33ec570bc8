"""nnlego.files: every file nnlego writes is written whole, and a failed write says where and why.

A failure leaves the old file as it was and no temporary file behind, and the error names the
file meant (not a temporary one) with what to do.
"""

from __future__ import annotations

import errno
import os
import stat

import numpy as np
import pytest

from nnlego import Network, files, save_network


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_write_replaces_the_file_whole_with_the_umask_s_permissions(tmp_path):
    target = tmp_path / "entry.json"
    files.write_text(target, "old")
    old_umask = os.umask(0o022)
    try:
        files.write_text(target, "new")
    finally:
        os.umask(old_umask)
    assert target.read_text() == "new" and leftovers(tmp_path) == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o644      # shared caches stay readable


@pytest.mark.parametrize("code, fix", [(errno.ENOSPC, "free some disk space"),
                                       (errno.EDQUOT, "free some disk space"),
                                       (errno.EACCES, "choose a folder you can write to")])
def test_a_failed_write_keeps_the_old_file_and_names_the_one_meant(tmp_path, code, fix):
    target = tmp_path / "entry.npz"
    files.write_bytes(target, b"old")
    with pytest.raises(OSError) as raised:
        with files.writing(target) as handle:
            handle.write(b"half")
            raise OSError(code, os.strerror(code))          # what a full disk raises mid-write
    error = raised.value
    assert error.errno == code and error.filename == str(target)
    assert fix in str(error) and os.strerror(code) in str(error)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_folder_where_the_file_should_be_is_named(tmp_path):
    folder = tmp_path / "net.npz"
    folder.mkdir()
    net = Network([4, 3, 2], rng=np.random.default_rng(0))
    with pytest.raises(IsADirectoryError, match="a folder is where the file should be") as raised:
        save_network(net, folder)
    assert raised.value.filename == str(folder) and leftovers(tmp_path) == []


def test_an_error_of_the_writer_itself_propagates_and_cleans_up(tmp_path):
    target = tmp_path / "x.txt"
    with pytest.raises(KeyError):
        with files.writing(target, "w") as handle:
            handle.write("partial")
            raise KeyError("boom")
    assert not target.exists() and leftovers(tmp_path) == []
    with pytest.raises(ValueError, match="mode must be 'wb' or 'w', got 'a'"):
        with files.writing(target, "a"):
            pass


def test_a_full_disk_under_nnlego_is_one_line_with_the_path(tmp_path):
    """RLIMIT_FSIZE makes the kernel refuse the write (EFBIG) as a full disk would: the cache
    entry's message names the entry's file, not a temporary one."""
    import subprocess
    import sys
    target = tmp_path / "n.npz"
    code = ("import resource, numpy as np\n"
            "from nnlego import Network, save_network\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
            "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"save_network(Network([784, 30, 10], rng=np.random.default_rng(0)),"
            f" {str(target)!r})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and "File too large" in last and str(target) in last
    assert "choose another folder" in last and leftovers(tmp_path) == []
