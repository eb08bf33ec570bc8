"""The grader's file operations on a folder a submission had a hand in
(nnlego.course.grading.safe_files): links, FIFOs, devices, odd names and the excess are left out
and named, never followed or opened; writes replace a link instead of writing through it.
The whole grading run under attack is tests/test_grading_files.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nnlego.course.grading.safe_files import (
    Limits,
    copy_regular,
    read_regular,
    set_permissions,
    write_file,
)


def a_hostile_folder(folder: Path, outside: Path) -> Path:
    """A folder with one of every kind of thing a submission may hold, and a secret outside."""
    secret = outside / "secret.db"
    secret.write_bytes(b"SQLite format 3\0 every grade")
    folder.mkdir()
    (folder / "answer.ipynb").write_text("{}")
    (folder / "sub").mkdir()
    (folder / "sub" / "data.csv").write_text("1,2\n")
    os.symlink(secret, folder / "linked.txt")
    os.symlink(outside, folder / "linked_folder")
    os.mkfifo(folder / "timestamp.txt")
    (folder / "new\nline.txt").write_text("x")
    os.close(os.open(bytes(folder) + b"/\xff.txt", os.O_CREAT | os.O_WRONLY))
    (folder / "huge.bin").write_bytes(b"x" * 5000)
    return secret


def test_copy_regular_keeps_regular_files_and_names_every_other_thing(tmp_path):
    secret = a_hostile_folder(tmp_path / "in", tmp_path)
    dropped = copy_regular(tmp_path / "in", tmp_path / "out", limits=Limits(1000, 10))
    copied = {str(p.relative_to(tmp_path / "out")): p.lstat().st_mode
              for p in (tmp_path / "out").rglob("*")}
    assert {name: stat.S_IFMT(mode) for name, mode in copied.items()} == {
        "answer.ipynb": stat.S_IFREG, "sub": stat.S_IFDIR, "sub/data.csv": stat.S_IFREG}
    assert (tmp_path / "out" / "sub" / "data.csv").read_text() == "1,2\n"
    text = "\n".join(dropped)
    for name, why in [("linked.txt", "symbolic link"), ("linked_folder", "symbolic link"),
                      ("timestamp.txt", "FIFO"), ("new\\nline.txt", "odd name"),
                      ("\\udcff.txt", "odd name"), ("huge.bin", "5,000 bytes")]:
        assert any(line.startswith(name) and why in line for line in dropped), (name, text)
    assert len(dropped) == 6 and secret.read_bytes().startswith(b"SQLite")


def test_copy_regular_stops_at_the_file_count(tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(12):
        (tmp_path / "in" / f"f{i:02d}").write_text("x")
    dropped = copy_regular(tmp_path / "in", tmp_path / "out", limits=Limits(10 ** 6, 5))
    assert len(list((tmp_path / "out").iterdir())) == 5 and len(dropped) == 7
    assert all("more than 5 files" in line for line in dropped)


def test_writes_reads_and_chmods_never_go_through_a_link_or_a_fifo(tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_bytes(b"grades")
    folder = tmp_path / "autograded"
    folder.mkdir()
    os.symlink(secret, folder / "nnlego_review.json")
    os.symlink(secret, folder / "notebook.ipynb")
    os.mkfifo(folder / "timestamp.txt")
    write_file(folder / "nnlego_review.json", b"{}")
    set_permissions(folder, 0o444)
    assert secret.read_bytes() == b"grades" and secret.stat().st_mode & 0o777 != 0o444
    assert (folder / "nnlego_review.json").read_bytes() == b"{}"
    assert not (folder / "nnlego_review.json").is_symlink()
    assert read_regular(folder / "timestamp.txt") is None          # and does not hang
    assert read_regular(folder / "notebook.ipynb") is None
