"""The course's commands on the one command line (``nnlego grade|feedback|review|sandbox``),
and the numbers every command reads (a bad one names its flag).

(The grading itself is tested in test_grading.py, test_grade_parallel.py and
test_solutions.py; here: the commands exist, agree on their options, and report.)
"""

from __future__ import annotations

import json
import shutil

import pytest

from nnlego import cli
from nnlego.course.grading import sandbox, scan


def options_of(command):
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return {o for a in sub._actions for o in a.option_strings}


def test_every_course_command_is_on_the_one_command_line():
    choices = next(a for a in cli.build_parser()._actions if a.dest == "command").choices
    assert {"grade", "feedback", "grades", "review", "sandbox", "check"} <= set(choices)


def test_grade_and_feedback_take_the_same_options_and_feedback_is_its_own_command(capsys):
    assert options_of("grade") == options_of("feedback")
    assert "--workers" in options_of("grade") and "--feedback" not in options_of("grade")
    with pytest.raises(SystemExit) as refused:
        cli.main(["grade", "--feedback"])
    assert refused.value.code == 2 and "--feedback" in capsys.readouterr().err


def test_review_writes_the_csv_and_names_the_flagged(tmp_path, capsys):
    for student, flags in [("bob", {"test_sigmoid": ["numpy.allclose was replaced"]}),
                           ("eve", {})]:
        folder = tmp_path / "autograded" / student / "02_forward_pass"
        folder.mkdir(parents=True)
        (folder / scan.REVIEW_FILE).write_text(json.dumps({"forward_pass": {"flags": flags}}))
    assert cli.main(["review", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 submission(s) flagged") and "bob 02_forward_pass" in out
    assert "eve" not in out
    lines = (tmp_path / "review.csv").read_text().splitlines()
    assert lines == [",".join(scan.REVIEW_COLUMNS),
                     "bob,02_forward_pass,forward_pass,test_sigmoid,numpy.allclose was replaced"]


def test_sandbox_installs_the_kernel_spec(tmp_path, capsys):
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is not installed: run `make sandbox`")
    assert cli.main(["sandbox", "--prefix", str(tmp_path)]) == 0
    spec = tmp_path / "share" / "jupyter" / "kernels" / sandbox.KERNEL_NAME / "kernel.json"
    assert json.loads(spec.read_text())["argv"][2] == "nnlego.course.grading.sandbox"
    assert str(spec.parent) in capsys.readouterr().out


def test_sandbox_without_bubblewrap_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert cli.main(["sandbox", "--prefix", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnlego sandbox: error: bubblewrap is not installed")
    assert "make sandbox" in err and not (tmp_path / "share").exists()


@pytest.mark.parametrize("argv", [
    ["reproduce", "--seeds", "0"], ["reproduce", "--workers", "-1"],
    ["results", "pack", "--seeds", "two"], ["check", "--timeout", "nan"],
    ["check", "--timeout", "0"], ["check", "--seed", "-3"], ["grade", "--workers", "0"],
    ["grade", "--timeout", "inf"], ["feedback", "--workers", "1.5"],
    ["data", "fetch", "--timeout", "-1"], ["results", "fetch", "--timeout", "nan"],
])
def test_a_bad_number_is_refused_naming_its_flag(argv, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(argv)
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert refused.value.code == 2
    assert last.startswith(f"nnlego {argv[0]}") and f"argument {argv[-2]}: must be" in last
    assert repr(argv[-1]) in last
