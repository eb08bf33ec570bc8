"""``nnlego check``: the self-check for learners without a grader (nnlego/course/selfcheck/).

One parametrised suite over every check module found under ``nnlego/course/selfcheck/a*.py`` (so the
modules of assignments added later are covered too), in two layers:

- **the pieces, in this process** (fast): the answer cells of a notebook run into a namespace
  after the setup cell's definitions (nothing loads data or trains), then each piece's check:
  the solution passes every piece, the released notebook none, each wrong solution of
  ``tests/wrong_solutions/`` fails every piece standing for a test cell its ``loses:`` list
  names (with a message naming the input and the fix), each correct alternative passes;
- **the command, end to end** (``nnlego check`` in a child process): the solution of assignment
  2 passes and its release fails in the default suite; every assignment's solution and release,
  a notebook copied anywhere, learner cells that hang, exit or flood, in the full suite (slow).

Nothing the checker prints, raises or ships contains a line of the course's hidden tests.
The capstone's run piece trains on real data (about 25 s): marked slow.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import keyword
import os
import re
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from support.notebooks import (
    EXERCISES,
    RIGHT,
    ROOT,
    SOLUTIONS,
    WRONG,
    answer_namespace,
    examples,
    hidden_blocks,
    load,
    notebook_path,
    read_submission,
)

from nnlego import cli
from nnlego.commands import check as check_command
from nnlego.course.selfcheck import notebook, registry, runner

SELFCHECK = ROOT / "nnlego" / "course" / "selfcheck"
MODULES = registry.modules()
CHECKED = sorted(MODULES)
SEED = 20261201                 # fixed: the verdicts below must not depend on the day's draw
MIN_LINE = 12                   # shorter hidden-test lines (")", "else:") say nothing
SLOW_PIECES = {("12_capstone", "run_capstone"), ("12_capstone", "EXPERIMENT")}  # real data
MESSAGES = []                   # every Failed message of the in-process suite


def with_answers(nb, edits):
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in edits:
            cell["source"] = edits[grade_id]
    return nb


def hidden_lines():
    """Every line (and string constant) of the solutions' hidden tests worth comparing."""
    found = set()
    for path in SOLUTIONS.glob("*/*.ipynb"):
        for block in hidden_blocks(json.loads(path.read_text())):
            found |= {line.strip() for line in block.splitlines()}
            found |= set(_strings(block))
    return {line for line in found if len(line) >= MIN_LINE and not _boilerplate(line)}


GENERIC = set(keyword.kwlist) | set(dir(builtins)) | {"_", "np"}


def _boilerplate(line):
    """A line of nothing but Python's own words, numbers and punctuation ("for _ in range(5):")
    says nothing about a test; one that names anything else, or holds a string, is kept."""
    names = re.findall(r"[A-Za-z_][A-Za-z_0-9]*", line)
    return not re.search(r"[\"']", line) and all(name in GENERIC for name in names)


def _strings(code):
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    pieces = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
              for part in node.values}      # bits of f-strings: "subfactorial(" says nothing
    return [node.value.strip() for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in pieces]


OUTPUTS = {}                    # what the checker printed, per run (for the hidden-line test)


def run_check(tmp_path_factory, key, nb, *args):
    """(exit code, stdout + stderr) of `nnlego check` on nb, once per key."""
    if key not in OUTPUTS:
        folder = tmp_path_factory.mktemp("nb")
        path = folder / f"{key[0]}.ipynb"
        path.write_text(json.dumps(nb))
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(["check", str(path), "--seed", str(SEED), "--no-progress", *args])
        OUTPUTS[key] = (code, out.getvalue())
    return OUTPUTS[key]


def verdicts(output):
    """{piece: "PASS" | "FAIL" | "NOT ATTEMPTED"} from the printed report."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^(PASS|FAIL|NOT ATTEMPTED)\s+(\w+)", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


# -- the contract of every module (fast) --------------------------------------------------------
@pytest.mark.parametrize("assignment", CHECKED)
def test_module_contract(assignment):
    """One piece per graded test cell, unique names, needing only names the solution defines."""
    module = registry.load(MODULES[assignment])
    assert module.ASSIGNMENT == assignment
    assert (SOLUTIONS / assignment).is_dir(), f"{assignment}: no such folder in solutions/"
    nb = load(SOLUTIONS, assignment)
    tests = {notebook.nbgrader(c)["grade_id"] for c in nb["cells"] if notebook.is_test(c)}
    defined = set().union(*(c.defines() for c in notebook.cells_to_run(nb)))
    names = [p.name for p in module.PIECES]
    assert len(names) == len(set(names)), f"{assignment}: two pieces share a name"
    assert registry.covered(assignment) == tests, \
        f"{assignment}: pieces cover {sorted(registry.covered(assignment))}, tests are {tests}"
    for piece in module.PIECES:
        assert piece.covers, f"{assignment}.{piece.name} covers no test cell"
        assert set(piece.needs) <= defined, \
            f"{assignment}.{piece.name} needs {piece.needs}; the solution defines {defined}"


@pytest.mark.parametrize("assignment", sorted(p.name for p in SOLUTIONS.glob("[0-9]*")
                                              if list(p.glob("*.ipynb"))))
def test_every_assignment_has_a_selfcheck(assignment):
    assert assignment in MODULES, \
        f"solutions/{assignment} has no nnlego/course/selfcheck/a{assignment[:2]}_*.py"


def test_no_selfcheck_source_holds_a_hidden_test_line():
    hidden = hidden_lines()
    assert len(hidden) > 100                # the hidden tests were found
    for path in [*SELFCHECK.glob("*.py"), ROOT / "nnlego" / "commands" / "check.py"]:
        lines = {line.strip() for line in path.read_text().splitlines()}
        leaked = sorted(lines & hidden)
        assert not leaked, f"{path.name} holds hidden-test lines: {leaked[:3]}"


# -- which cells run, which assignment (fast) ---------------------------------------------------
def test_cells_to_run_skip_the_tests_and_the_demonstrations():
    nb = load(SOLUTIONS, "04_sgd_l2")
    nb["cells"].insert(3, {"cell_type": "code", "metadata": {}, "source": "helper = 1\n"})
    roles = [(c.role, c.grade_id) for c in notebook.cells_to_run(nb)]
    assert roles == [("setup", "setup"), ("own", None), ("answer", "sgd_step"),
                     ("answer", "regularised_cost"), ("answer", "train_sgd")]
    assert len(notebook.cells_to_run(nb, all_cells=True)) == len(roles) + 1   # the demo


def test_cells_without_metadata_fall_back_to_their_shape():
    nb = load(SOLUTIONS, "02_forward_pass")
    for cell in nb["cells"]:
        cell["metadata"] = {}
    sources = [c.source for c in notebook.cells_to_run(nb)]
    assert len(sources) == 4 and not any(s.lstrip().startswith('"""') for s in sources)


@pytest.mark.parametrize("strip, name", [(False, "x.ipynb"), (True, "anything.ipynb"),
                                         ("all", "my_forward_pass_v2.ipynb")])
def test_identify_by_cells_title_or_file_name(strip, name):
    nb = load(EXERCISES, "02_forward_pass")
    for cell in nb["cells"]:
        if strip:
            cell["metadata"] = {}
        if strip == "all" and cell["cell_type"] == "markdown":
            cell["source"] = "Some notes"
    assert registry.identify(Path(name), nb) == "02_forward_pass"


def test_an_unknown_notebook_is_refused_naming_path_and_fix():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1"}]}
    with pytest.raises(ValueError, match=r"notes\.ipynb: cannot tell.*--assignment NN"):
        registry.identify(Path("notes.ipynb"), nb)


@pytest.mark.parametrize("case", ["missing", "not a notebook", "unknown assignment",
                                  "unknown piece", "no path"])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, capsys, case):
    text = tmp_path / "notes.ipynb"
    text.write_text("these are my notes, not JSON")
    good = notebook_path(EXERCISES, "02_forward_pass")
    argv = {"missing": [str(tmp_path / "nope.ipynb")], "not a notebook": [str(text)],
            "unknown assignment": [str(good), "--assignment", "99"],
            "unknown piece": [str(good), "--piece", "softmax"], "no path": []}[case]
    assert cli.main(["check", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("nnlego check: error: ")


def test_list_names_every_piece(capsys):
    assert cli.main(["check", "--list"]) == 0
    out = capsys.readouterr().out
    for assignment in CHECKED:
        module = registry.load(MODULES[assignment])
        assert assignment in out and all(p.name in out for p in module.PIECES)


# -- the pieces, in this process (fast) -----------------------------------------------------
def pieces(assignment):
    return registry.load(MODULES[assignment]).PIECES


def piece_params(assignment_pieces):
    """pytest params of (assignment, piece name, ...), the slow pieces marked slow."""
    return [pytest.param(*case, marks=[pytest.mark.slow] if case[:2] in SLOW_PIECES else [],
                         id="-".join(str(getattr(c, "stem", c)) for c in case))
            for case in assignment_pieces]


def verdict(assignment, name, ns, seed):
    """None when the piece passes; else its status and message, as ``nnlego check`` reports
    them (the worker's own ``run_piece``)."""
    from nnlego.course.selfcheck import worker

    module = registry.load(MODULES[assignment])
    (index,) = [i for i, p in enumerate(module.PIECES) if p.name == name]
    status, kind, detail = worker.run_piece(module, ns, index, seed, timeout=120)
    if status == "pass":
        return None
    assert detail, f"{assignment}.{name}: a {status} without a message"
    if status == "fail":
        assert kind, f"{assignment}.{name}: a failure that names no kind of input"
        MESSAGES.append(f"{kind}: {detail}")
    return f"{status}: {kind}: {detail}"


NAMESPACES = {}


def namespace(folder, assignment, path=None):
    """The namespace of the solution with the answers of submission file ``path`` (or of
    the notebook in ``folder`` as it is), built once per session."""
    key = (folder, assignment, path)
    if key not in NAMESPACES:
        if path is None:
            NAMESPACES[key] = answer_namespace(load(folder, assignment))
        else:
            submission = read_submission(path)
            NAMESPACES[key] = answer_namespace(load(folder, assignment), submission.answers,
                                               submission.header)
    return NAMESPACES[key]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("assignment", "name"), piece_params(
    (a, p.name) for a in CHECKED for p in pieces(a)))
def test_the_solution_passes_every_piece(assignment, name, seed):
    reason = verdict(assignment, name, namespace(SOLUTIONS, assignment), seed)
    assert reason is None, reason


@pytest.mark.parametrize(("assignment", "name"), piece_params(
    (a, p.name) for a in CHECKED for p in pieces(a)))
def test_the_release_passes_no_piece(assignment, name):
    reason = verdict(assignment, name, namespace(EXERCISES, assignment), 3)
    assert reason is not None, f"the released {assignment} passes {name}"


def wrong_cases():
    cases = []
    for assignment, path in examples(WRONG, CHECKED):
        loses = set(read_submission(path).field("loses"))
        cases += [(assignment, p.name, path) for p in pieces(assignment) if set(p.covers) & loses]
    return cases


@pytest.mark.parametrize(("assignment", "path"), examples(WRONG, CHECKED),
                         ids=lambda value: getattr(value, "stem", value))
def test_each_wrong_solution_breaks_a_piece(assignment, path):
    loses = set(read_submission(path).field("loses"))
    assert loses, f"{path.name}: no 'loses:' line"
    assert [p for p in pieces(assignment) if set(p.covers) & loses], \
        f"{path.name}: no piece covers {sorted(loses)}"


@pytest.mark.parametrize(("assignment", "name", "path"), piece_params(wrong_cases()))
def test_each_wrong_solution_fails_its_pieces(assignment, name, path):
    reason = verdict(assignment, name, namespace(SOLUTIONS, assignment, path), 4)
    assert reason is not None, f"{path.name} passes {name}"


@pytest.mark.parametrize(("assignment", "name", "path"), piece_params(
    (a, p.name, path) for a, path in examples(RIGHT, CHECKED) for p in pieces(a)))
def test_each_correct_alternative_passes_every_piece(assignment, name, path):
    reason = verdict(assignment, name, namespace(SOLUTIONS, assignment, path), 5)
    assert reason is None, f"{path.name}: {reason}"


def test_no_failure_message_holds_a_hidden_test_line():
    """What the pieces said of the releases and the wrong solutions reveals no hidden test
    (run after them: the suite collects their messages)."""
    if not MESSAGES:
        for assignment in CHECKED:
            for piece in pieces(assignment):
                if (assignment, piece.name) not in SLOW_PIECES:
                    verdict(assignment, piece.name, namespace(EXERCISES, assignment), 3)
    assert MESSAGES
    hidden = hidden_lines()
    leaked = sorted(line for line in hidden if line in "\n".join(MESSAGES))
    assert not leaked, f"the checks say hidden-test lines: {leaked[:3]}"


# -- the command, end to end ------------------------------------------------------------------
def slow_unless(assignment, fast="02_forward_pass"):
    return pytest.param(assignment, marks=[] if assignment == fast else [pytest.mark.slow])


@pytest.mark.parametrize("assignment", [slow_unless(a) for a in CHECKED])
def test_the_command_passes_the_solution(tmp_path_factory, assignment):
    code, output = run_check(tmp_path_factory, (assignment, "solution"),
                             load(SOLUTIONS, assignment))
    assert verdicts(output) == dict.fromkeys((p.name for p in pieces(assignment)), "PASS"), \
        output
    assert code == 0


@pytest.mark.parametrize("assignment", [slow_unless(a) for a in CHECKED])
def test_the_command_fails_the_release(tmp_path_factory, assignment):
    code, output = run_check(tmp_path_factory, (assignment, "release"),
                             load(EXERCISES, assignment))
    found = verdicts(output)
    assert sorted(found) == sorted(p.name for p in pieces(assignment)), output
    assert "PASS" not in found.values() and code == 1, output


def test_no_output_of_the_command_holds_a_hidden_test_line(tmp_path_factory):
    """Everything the command printed in this session (at least assignment 2's solution,
    release and a wrong solution) reveals no hidden test."""
    a02 = "02_forward_pass"
    run_check(tmp_path_factory, (a02, "solution"), load(SOLUTIONS, a02))
    run_check(tmp_path_factory, (a02, "release"), load(EXERCISES, a02))
    for path in sorted((WRONG / a02).glob("*.py")):
        run_check(tmp_path_factory, (a02, path.stem),
                  with_answers(load(SOLUTIONS, a02), read_submission(path).answers))
    hidden = hidden_lines()
    text = "\n".join(output for _, output in OUTPUTS.values())
    assert "FAIL" in text and "PASS" in text
    leaked = sorted(line for line in hidden if line in text)
    assert not leaked, f"the checker printed hidden-test lines: {leaked[:3]}"


@pytest.mark.slow
def test_a_downloaded_notebook_is_checked_anywhere(tmp_path):
    """A copy under another name, outside the repository, run from there as a learner would."""
    nb = load(SOLUTIONS, "09_derangements")
    for cell in nb["cells"]:
        cell["metadata"] = {}                # and its nbgrader metadata lost on the way
    (tmp_path / "any_name.ipynb").write_text(json.dumps(nb))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-m", "nnlego", "check", "any_name.ipynb",
                             "--no-progress"], cwd=tmp_path, capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is assignment 09_derangements" in result.stdout
    assert result.stdout.count("PASS") == 4 and "seed" in result.stdout


@pytest.mark.slow
def test_cells_that_hang_exit_or_flood_cost_only_their_pieces(tmp_path_factory):
    sigmoid = "print('x' * 20_000_000)\ndef sigmoid(z):\n    return 0.5 * (1 + np.tanh(z / 2))\n"
    edits = {"sigmoid": sigmoid,
             "sigmoid_prime": "import os\nos._exit(3)\ndef sigmoid_prime(z):\n    return z\n",
             "forward": "while True:\n    pass\ndef forward(weights, biases, X):\n    return X\n"}
    nb = with_answers(load(SOLUTIONS, "02_forward_pass"), edits)
    code, output = run_check(tmp_path_factory, ("02_forward_pass", "hangs"), nb,
                             "--timeout", "3")
    assert verdicts(output) == {"sigmoid": "PASS", "sigmoid_prime": "FAIL", "forward": "FAIL"}
    assert "ran for more than 3 s" in output and "stopped the Python process" in output
    assert "xxxxxxxxxx" not in output and "Traceback" not in output and code == 1


# -- what the grader would do (issue 25): a learner cell that ends, forks or patches ------------
BUSY_CHILD = ("import os\nif os.fork() == 0:\n    with open('busy.pid', 'w') as f:\n"
              "        f.write(str(os.getpid()))\n    while True:\n        pass\n")
AFTER_SIGMOID = {   # a learner's cell right after the test of sigmoid, before the other pieces
    "exits": "import os\nos._exit(0)\n",
    "forks": "import os\nos.fork()\n",
    "patches": "import nnlego.activations\nnnlego.activations.sigmoid = lambda z: 0 * z\n",
    "leaves a busy child": BUSY_CHILD,
}


def with_cell_after(nb, grade_id, source):
    index = next(i for i, c in enumerate(nb["cells"])
                 if notebook.nbgrader(c).get("grade_id") == grade_id)
    nb["cells"].insert(index + 1, {"cell_type": "code", "metadata": {}, "outputs": [],
                                   "execution_count": None, "source": source})
    return nb


def checked_with(tmp_path, source):
    nb = with_cell_after(load(SOLUTIONS, "02_forward_pass"), "test_sigmoid", source)
    path = tmp_path / "forward_pass.ipynb"
    path.write_text(json.dumps(nb))
    report = runner.check_notebook(path, seed=SEED, timeout=20)
    return report, {v.piece: (v.status, v.detail) for v in report.verdicts}


@pytest.mark.parametrize("case", ["exits", "forks"])
def test_a_cell_that_ends_or_forks_its_process_fails_the_pieces_after_it(tmp_path, case):
    """The grader's kernel would stop at that cell: what comes after scores 0 there."""
    report, found = checked_with(tmp_path, AFTER_SIGMOID[case])
    assert found["sigmoid"] == ("pass", "")               # its test ran before the cell
    what = "stopped the Python process" if case == "exits" else "forked its process"
    for piece in ("sigmoid_prime", "forward"):
        status, detail = found[piece]
        assert status == "fail" and what in detail and "grader's kernel would stop" in detail
    assert not report.passed


@pytest.mark.slow
def test_a_learner_s_patch_of_nnlego_does_not_change_the_reference(tmp_path):
    report, found = checked_with(tmp_path, AFTER_SIGMOID["patches"])
    assert {piece: status for piece, (status, _) in found.items()} == dict.fromkeys(
        ("sigmoid", "sigmoid_prime", "forward"), "pass")
    assert report.passed


@pytest.mark.slow
def test_no_process_a_learner_cell_started_outlives_the_check(tmp_path):
    import time
    report, _ = checked_with(tmp_path, AFTER_SIGMOID["leaves a busy child"])
    pid = int((tmp_path / "busy.pid").read_text())
    end = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text():
        assert time.monotonic() < end, f"the learner's forked child {pid} still runs"
        time.sleep(0.1)


@pytest.mark.slow
def test_one_piece_repeats_with_its_seed(tmp_path_factory):
    nb = load(SOLUTIONS, "08_init")
    _, first = run_check(tmp_path_factory, ("08_init", "one"), nb, "--piece", "he_normal")
    assert verdicts(first) == {"he_normal": "PASS"}
    report = runner.check_notebook(notebook_path(SOLUTIONS, "08_init"), seed=SEED,
                                   pieces=["he_normal"])
    out = io.StringIO()
    check_command.print_report(report, out)
    assert out.getvalue().splitlines()[1:] == first.splitlines()[1:]


@pytest.mark.slow
def test_the_appendix_example_is_what_the_checker_prints(tmp_path):
    """Appendix A shows the output of a real run: this notebook, this seed."""
    text = (ROOT / "book" / "appendix_a_exercises.md").read_text()
    shown = re.search(r"checks it\.\n```text\n(.*?)```", text, re.S).group(1)
    seed = re.search(r"; seed (\d+)\n", shown).group(1)
    solved = {notebook.nbgrader(c).get("grade_id"): c["source"]
              for c in load(SOLUTIONS, "02_forward_pass")["cells"]}
    edits = {"sigmoid": solved["sigmoid"],
             **read_submission(WRONG / "02_forward_pass" / "prime_in_z.py").answers}
    path = tmp_path / "forward_pass.ipynb"
    path.write_text(json.dumps(with_answers(load(EXERCISES, "02_forward_pass"), edits)))
    result = subprocess.run([sys.executable, "-m", "nnlego", "check", path.name, "--seed", seed],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.stdout == shown and result.returncode == 1


# -- the worker, in this process (fast) --------------------------------------------------------
@pytest.mark.parametrize("ipython", [True, False])
def test_a_cell_that_fails_hangs_or_floods_is_reported_in_one_line(ipython):
    from nnlego.course.selfcheck import worker
    shell = worker.Shell()
    if not ipython:
        shell.shell, shell.ns = None, {}
    assert worker.run_cell(shell, 3, "x = 2\nprint('y' * 10**7)\n", 5)[:2] == ("ok", "")
    assert shell.ns["x"] == 2
    status, detail, output = worker.run_cell(shell, 4, "def f():\n    return 1 / 0\nf()\n", 5)
    assert (status, detail) == ("error", "cell 4, line 2 raised ZeroDivisionError: division by "
                                         "zero")
    assert worker.run_cell(shell, 5, "while True:\n    pass\n", 0.5)[:2] == (
        "timeout", "cell 5 ran for more than 0.5 s and was stopped")
    caught = "try:\n    while True:\n        pass\nexcept Exception:\n    pass\n"
    assert worker.run_cell(shell, 6, caught, 0.5)[0] == "timeout"   # not swallowed
    assert worker.run_cell(shell, 7, "raise NotImplementedError()\n", 5)[0] == "not attempted"
    assert len(worker.run_cell(shell, 8, "print('z' * 10**6)\n1 / 0\n", 5)[2]) <= \
        worker.KEEP_OUTPUT
