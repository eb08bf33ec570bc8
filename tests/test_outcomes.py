"""The check outcomes the grader records (nnlego.course.grading.cell_checks and .outcomes).

A test cell's checks come from its source; which one failed, from the traceback's line in the
cell (ANSI colours and both IPython frame formats). Checked on made-up cells and errors, and
on records written and read back; the end-to-end run on a graded class is in
tests/test_class_report.py.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from nnlego.course.grading import cell_checks, outcomes

CELL = '''"""f: two visible checks and a hidden one."""
x = f(2)
assert x == 4, f"f(2) should be 4, got {x}"
for k in range(3):
    assert f(k) >= 0, "negative"
### BEGIN HIDDEN TESTS
y = f(-1)
assert y == 1, "hidden"
def helper():
    assert False
### END HIDDEN TESTS'''
NAMES = ["assert@3: x == 4", "assert@5: f(k) >= 0", "assert@8: y == 1", "runs",
         "runs (hidden)"]


def error(line, ename="AssertionError", evalue="boom", count=7, style="new"):
    frame = (f"\x1b[0;32mCell In[{count}], line {line}\x1b[0m" if style == "new" else
             f'  File "<ipython-input-{count}-abc123>", line {line}, in <module>')
    inner = f"\x1b[0;32mCell In[{count - 1}], line 99\x1b[0m"   # the student's own cell
    return {"ename": ename, "evalue": evalue,
            "traceback": ["\x1b[0;31m---------\x1b[0m", frame, inner, f"{ename}: {evalue}"]}


def by_name(checks):
    return {c["name"]: (c["kind"], c["passed"], c["message"]) for c in checks}


def test_the_checks_of_a_cell_are_its_asserts_outside_functions_in_line_order_then_runs():
    checks = cell_checks.checks_of(CELL)
    assert [c["name"] for c in checks] == NAMES
    assert [c["kind"] for c in checks] == ["visible", "visible", "hidden", "visible", "hidden"]
    long = "assert " + " and ".join(f"v{i} == {i}" for i in range(30))
    (name, _) = [c["name"] for c in cell_checks.checks_of(long)]
    assert name.startswith("assert@1: v0 == 0 and") and len(name) == len("assert@1: ") + 60
    raised = "try:\n    g()\nexcept E:\n    raise AssertionError('too big') from None"
    assert cell_checks.checks_of(raised)[0]["name"] == "raise@4: AssertionError('too big')"
    assert [c["name"] for c in cell_checks.checks_of("%time x = 1\nassert x")] == \
        ["assert@2: x", "runs"]


@pytest.mark.parametrize("style", ["new", "old"])
@pytest.mark.parametrize("line, failed", [(3, "assert@3: x == 4"), (5, "assert@5: f(k) >= 0"),
                                          (8, "assert@8: y == 1"), (2, "runs"),
                                          (7, "runs (hidden)")])
def test_the_failing_line_decides_which_check_failed_and_what_was_reached(line, failed, style):
    checks = by_name(cell_checks.outcomes(CELL, False, error(line, style=style), 7))
    assert checks[failed][1:] == (False, "AssertionError: boom")
    positions = {"assert@3: x == 4": 3, "assert@5: f(k) >= 0": 5, "assert@8: y == 1": 8}
    for name, at in positions.items():
        if name != failed:
            assert checks[name][1] is (True if at < line else None), (name, checks)
    assert [c for c in checks.values() if c[1] is False] == [checks[failed]]
    hidden_reached = line >= 7
    assert checks["runs"][1] is (False if failed == "runs" else True)
    if failed != "runs (hidden)":
        assert checks["runs (hidden)"][1] is (True if hidden_reached else None)


def test_a_passed_cell_passes_every_check_and_an_unexplained_failure_fails_runs_only():
    assert all(c["passed"] is True for c in cell_checks.outcomes(CELL, True, None))
    for err in (None, {"ename": "DeadKernelError", "evalue": "died", "traceback": []}):
        checks = by_name(cell_checks.outcomes(CELL, False, err))
        assert checks.pop("runs")[1] is False
        assert all(passed is None for _, passed, _ in checks.values())
    message = by_name(cell_checks.outcomes(CELL, False, None))["runs"][2]
    assert "pass token" in message


def test_the_traceback_frame_of_another_cell_is_not_taken_for_this_one():
    assert cell_checks.failing_line(error(8, count=7)["traceback"], 7) == 8
    assert cell_checks.failing_line(error(8, count=7)["traceback"], 6) == 99
    assert cell_checks.failing_line(["no frame here"], 7) is None
    assert cell_checks.message_of({"ename": "AssertionError", "evalue": ""}) == "AssertionError"


def graded_folder(tmp_path, outputs, passed):
    """A course with one autograded notebook (one test cell) and its solutions' source."""
    root = tmp_path / "course"
    meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": "test_f", "points": 3,
                         "locked": True}}
    visible = CELL.split("### BEGIN")[0]
    graded = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        CELL, metadata=meta, outputs=[nbformat.from_dict(o) for o in outputs],
        execution_count=7)])
    source = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL, metadata=meta)])
    folder = root / "autograded" / "s1" / "01_a"
    folder.mkdir(parents=True)
    (root / "solutions" / "01_a").mkdir(parents=True)
    nbformat.write(graded, folder / "nb.ipynb")
    nbformat.write(source, root / "solutions" / "01_a" / "nb.ipynb")
    (folder / outcomes.REVIEW_FILE).write_text(json.dumps(
        {"nb": {"passed": {"test_f": passed}, "flags": {"*": ["files beside the notebook"]}}}))
    return root, visible


def test_a_record_is_written_whole_read_back_and_holds_the_format(tmp_path):
    err = dict(error(8, evalue="hidden"), output_type="error")
    root, _ = graded_folder(tmp_path, [err], passed=False)
    path = outcomes.record(root, "s1", "01_a", seconds=2.5,
                           result={"notebooks": {"nb": {"grades": {"test_f": [0.0, False]}}}})
    assert path == root / "grading_logs" / "outcomes" / "01_a" / "s1.json"
    (data,) = list(outcomes.read(root))
    assert data["version"] == outcomes.VERSION and data["seconds"] == 2.5
    assert data["flags"] == {"nb": {"*": ["files beside the notebook"]}}
    (cell,) = data["cells"]
    assert (cell["grade_id"], cell["points"], cell["max_points"], cell["passed"]) == \
        ("test_f", 0.0, 3.0, False)
    checks = by_name(cell["checks"])
    assert checks["assert@8: y == 1"] == ("hidden", False, "AssertionError: hidden")
    assert checks["assert@3: x == 4"][1] is True
    assert list(outcomes.read(root, assignments=["other"])) == []
    assert not [p for p in path.parent.iterdir() if p.name != "s1.json"]   # no temporary left


def test_records_refuse_names_that_leave_their_folder_and_linked_folders(tmp_path):
    root, _ = graded_folder(tmp_path, [], passed=True)
    for student in ("..", "a/b", ""):
        with pytest.raises(ValueError, match="student="):
            outcomes.path_of(root, "01_a", student)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "grading_logs")
    with pytest.raises(OSError, match="is a link"):
        outcomes.record(root, "s1", "01_a")
    assert list(elsewhere.iterdir()) == []


def test_a_link_in_place_of_the_record_is_replaced_not_followed(tmp_path):
    root, _ = graded_folder(tmp_path, [], passed=True)
    target = tmp_path / "victim.txt"
    target.write_text("keep")
    folder = root / "grading_logs" / "outcomes" / "01_a"
    folder.mkdir(parents=True)
    os.symlink(target, folder / "s1.json")
    outcomes.record(root, "s1", "01_a")
    assert target.read_text() == "keep" and not (folder / "s1.json").is_symlink()
    (data,) = list(outcomes.read(root))
    assert data["cells"][0]["passed"] is True and data["cells"][0]["points"] == 3.0


def test_read_skips_files_that_are_not_records(tmp_path):
    folder = tmp_path / "grading_logs" / "outcomes" / "01_a"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{not json")
    (folder / "old.json").write_text(json.dumps({"version": 0}))
    assert list(outcomes.read(tmp_path)) == []


def test_a_record_that_cannot_be_written_is_logged_and_grading_goes_on(tmp_path):
    import io
    from types import SimpleNamespace

    from nnlego.course.grading.parallel_tasks import record_checks

    root, _ = graded_folder(tmp_path, [], passed=True)
    os.symlink(tmp_path, root / "grading_logs")
    log = io.StringIO()
    api = SimpleNamespace(coursedir=SimpleNamespace(autograded_directory="autograded",
                                                    source_directory="solutions"))
    record_checks({"root": str(root), "student": "s1", "assignment": "01_a"}, api,
                  {"ok": True}, 1.0, log)
    assert "check outcomes were not recorded" in log.getvalue() and "is a link" in log.getvalue()
