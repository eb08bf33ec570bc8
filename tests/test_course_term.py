"""An instructor's term (issue 26): resubmissions, the roster, grades.csv, due dates.

A small course (assignments 2 and 3, a roster of three) is graded with the plain ``nnlego
grade`` / ``nnlego feedback`` of ``make grade`` / ``make feedback``: a resubmission must be
graded again and its feedback page rewritten with the new score, an unchanged submission
skipped, touched or not, and a manual grade entered since must rewrite the page too; a folder of
``submitted/`` that is not on the roster (a typo) is reported and graded only on request;
grades.csv leaves out the assignment nobody handed in; a submission whose ``timestamp.txt`` is
after the due date gets nbgrader's late penalty. The cheap tests (folder digests, the plan, the
summary's words, the appendix's sample output) run in the default suite.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
import nbformat  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.utils import parse_utc  # noqa: E402
from support.notebooks import ROOT as REPOSITORY  # noqa: E402

from nnlego.commands.grade import plan_text, summary_text  # noqa: E402
from nnlego.course.grading import gradebook as gbook  # noqa: E402
from nnlego.course.grading import parallel, planning, synthetic  # noqa: E402
from nnlego.course.grading.export import export_grades  # noqa: E402
from nnlego.course.grading.records import changed_since, folder_digest, write_digest  # noqa: E402

GRADED, NOT_HANDED_IN = "02_forward_pass", "03_backprop"
ROSTER = ("alice", "bob", "carol")
DUE = "2026-12-01 12:00:00 UTC"


def _url(root):
    return f"sqlite:///{Path(root) / 'gradebook.db'}"


def hand_in(root, student, variant, when="2026-12-01 09:00:00 UTC", assignment=GRADED):
    """submitted/<student>/<assignment>/: the variant's notebook and its timestamp.txt."""
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    name = synthetic.notebook_name(assignment, REPOSITORY)
    nbformat.write(synthetic.variants(assignment, REPOSITORY)[variant], folder / f"{name}.ipynb")
    (folder / "timestamp.txt").write_text(f"{when}\n")
    return folder


def score(root, student):
    with Gradebook(_url(root), "nnlego") as gb:
        submission = gb.find_submission(GRADED, student)
        return submission.score, submission.late_submission_penalty


def feedback_score(root, student) -> float:
    (page,) = (Path(root) / "feedback" / student / GRADED).glob("*.html")
    (found,) = re.findall(r"\(Score: ([\d.]+) / [\d.]+\)</h4>", page.read_text())
    return float(found)


# ---- folder digests and the plan: cheap -------------------------------------------------

def test_a_folder_digest_sees_names_bytes_and_links_not_times(tmp_path):
    folder = tmp_path / "sub"
    (folder / "inner").mkdir(parents=True)
    (folder / "a.ipynb").write_text("{}")
    (folder / "inner" / "b.txt").write_text("b")
    first = folder_digest(folder)
    os.utime(folder / "a.ipynb", (1, 1))
    assert folder_digest(folder) == first                         # touched, same bytes
    edits = [lambda: (folder / "a.ipynb").write_text("{ }"),       # edited
             lambda: (folder / "a.ipynb").rename(folder / "c.ipynb"),   # renamed
             lambda: (folder / "d.txt").write_text(""),           # added, even empty
             lambda: (folder / "inner" / "b.txt").unlink(),       # removed
             lambda: (folder / "e").symlink_to("/etc/passwd")]    # a link, by its target
    seen = {first}
    for edit in edits:
        edit()
        seen.add(folder_digest(folder))
    assert len(seen) == len(edits) + 1


def test_a_record_decides_else_the_times(tmp_path):
    source, output = tmp_path / "submitted", tmp_path / "autograded"
    for folder in (source, output):
        folder.mkdir()
        (folder / "n.ipynb").write_text("x")
    record = tmp_path / "logs" / "alice.json"
    os.utime(source / "n.ipynb", (1000, 1000))
    os.utime(output / "n.ipynb", (2000, 2000))
    assert not changed_since(source, output, record, "any")       # no record: older input
    os.utime(source / "n.ipynb", (3000, 3000))
    assert changed_since(source, output, record, "any")           # no record: newer input
    write_digest(record, folder_digest(source))
    assert not changed_since(source, output, record, folder_digest(source))
    assert changed_since(source, output, record, "another digest")
    record.write_text("not json")
    assert changed_since(source, output, record, "any")           # unreadable: the times


def _report(step="autograde", **fields):
    course = parallel.Course(Path("/course"), "sqlite://", "nnlego", {})
    return parallel.Report(step, course, **{"planned": [], "skipped": [], **fields})


def test_the_summary_says_what_ran_why_and_what_was_skipped():
    why = {("alice", GRADED): "changed", ("bob", GRADED): "new", ("dan", GRADED): "new"}
    report = _report(planned=sorted(why), skipped=[("carol", GRADED)] * 5, why=why, roster=3,
                     outcomes=[{"ok": True, "seconds": 2.0, **dict(zip(("student",
                               "assignment"), t))} for t in sorted(why)])
    assert plan_text(report) == ("autograde 3 submissions (1 resubmitted, 2 new; "
                                 "5 unchanged, skipped)")
    text = summary_text(report)
    assert "3 tasks run (1 resubmitted, 2 new; 6 task-seconds), 5 unchanged, skipped" in text
    assert f"resubmitted: alice {GRADED} (its files changed since it was graded)" in text
    feedback = summary_text(_report("feedback", why=why, roster=3))
    assert "1 regraded" in feedback and "resubmitted" not in feedback
    assert "no roster" in summary_text(_report(roster=0))
    typo = summary_text(_report(roster=3, unknown=[("alcie", GRADED)]))
    assert "not on the roster, not graded" in typo and f"  alcie: {GRADED}" in typo
    assert "--include-unknown-students" in typo and "nbgrader db student add" in typo


# ---- a graded course ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Assignments 2 and 3, a roster of three, due dates on assignment 2, the zero late
    penalty; alice hands in the blank notebook, bob the solution, carol the solution late, and
    a mistyped 'alcie' folder; nobody hands in assignment 3. Graded and fed back once."""
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    root = synthetic.make_course(tmp_path_factory.mktemp("term") / "course",
                                 [GRADED, NOT_HANDED_IN], repo=REPOSITORY)
    with (root / "nbgrader_config.py").open("a") as config:      # the appendix's settings
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(_url(root), "nnlego") as gb:
        for student in ROSTER:
            gb.update_or_create_student(student, first_name=student.title())
        gb.update_or_create_assignment(GRADED, duedate=parse_utc(DUE))
    hand_in(root, "alice", "blank")
    hand_in(root, "bob", "solution")
    hand_in(root, "carol", "solution", when="2026-12-02 08:00:00 UTC")
    hand_in(root, "alcie", "solution")
    first = parallel.grade(root, workers=2)
    feedback = parallel.grade(root, step="feedback", workers=2)
    assert not first.failures and not feedback.failures, (first.failures, feedback.failures)
    return root, first, feedback


@pytest.mark.slow
def test_a_resubmission_is_graded_again_and_gets_new_feedback(course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(course[0], root, symlinks=True)
    blank_score = score(root, "alice")[0]
    assert feedback_score(root, "alice") == blank_score == 0.0
    os.utime(root / "submitted" / "bob" / GRADED / "timestamp.txt")   # touched, not changed

    again = parallel.grade(root, workers=2)
    assert again.planned == [] and ("alice", GRADED) in again.skipped   # all unchanged

    hand_in(root, "alice", "solution", when="2026-12-01 11:00:00 UTC")  # alice hands in again
    regrade = parallel.grade(root, workers=2)
    assert regrade.planned == [("alice", GRADED)] and not regrade.failures
    assert regrade.why == {("alice", GRADED): "changed"}
    assert ("bob", GRADED) in regrade.skipped
    assert f"resubmitted: alice {GRADED}" in summary_text(regrade)
    new_score = score(root, "alice")[0]
    assert new_score == score(root, "bob")[0] > blank_score           # the solution's score

    feedback = parallel.grade(root, step="feedback", workers=2)
    assert feedback.planned == [("alice", GRADED)] and feedback.why == {("alice", GRADED):
                                                                        "changed"}
    assert feedback_score(root, "alice") == new_score
    assert parallel.grade(root, step="feedback", workers=2).planned == []

    before = score(root, "bob")[0]
    with Gradebook(_url(root), "nnlego") as gb:      # a written answer graded by hand
        (notebook,) = gb.find_submission(GRADED, "bob").notebooks
        written = next(g for g in notebook.grades if g.auto_score is None and g.max_score)
        written.manual_score = written.max_score
        gb.db.commit()
    by_hand = parallel.grade(root, step="feedback", workers=2)
    assert by_hand.planned == [("bob", GRADED)] and by_hand.why[("bob", GRADED)] == "changed"
    assert feedback_score(root, "bob") == score(root, "bob")[0] > before

    forced = parallel.grade(root, workers=2, force=True, students=["bob"])
    assert forced.planned == [("bob", GRADED)] and forced.why[("bob", GRADED)] == "forced"


@pytest.mark.slow
def test_a_folder_not_on_the_roster_is_reported_not_graded(course):
    root, first, _ = course
    assert first.unknown == [("alcie", GRADED)] and first.roster == len(ROSTER)
    assert ("alcie", GRADED) not in first.planned + first.skipped
    assert not (root / "autograded" / "alcie").exists()
    assert "alcie" in summary_text(first)
    with Gradebook(_url(root), "nnlego") as gb:
        assert "alcie" not in {s.id for s in gb.students}
        asked = planning.plan(parallel.load_course(root), "autograde", gb, include_unknown=True)
    assert asked.todo == [("alcie", GRADED)] and asked.why[("alcie", GRADED)] == "new"


@pytest.mark.slow
def test_grades_csv_leaves_out_what_nobody_handed_in_and_applies_the_late_penalty(course,
                                                                                    tmp_path):
    root = course[0]
    exported, left_out = export_grades(root, "grades.csv")
    assert (exported, left_out) == ([GRADED], [NOT_HANDED_IN])
    rows = list(csv.DictReader((root / "grades.csv").open()))
    assert sorted(r["student_id"] for r in rows) == sorted(ROSTER)
    assert {r["assignment"] for r in rows} == {GRADED}
    by = {r["student_id"]: r for r in rows}
    raw, penalty = score(root, "carol")
    assert float(by["carol"]["raw_score"]) == raw > 0 and penalty == raw     # late: zero
    assert float(by["carol"]["score"]) == 0.0
    assert float(by["bob"]["score"]) == raw and float(by["bob"]["late_submission_penalty"]) == 0
    every, none = export_grades(root, "all.csv", every=True)
    assert every == [GRADED, NOT_HANDED_IN] and none == []
    assert len(list(csv.DictReader((root / "all.csv").open()))) == 2 * len(ROSTER)


def test_grades_csv_of_a_course_nobody_handed_in_to_is_a_header(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(REPOSITORY / "nbgrader_config.py", root)
    gbook.alembic_on_path()
    with Gradebook(_url(root), "nnlego") as gb:
        gb.update_or_create_assignment(GRADED)
        gb.add_student("alice")
    exported, left_out = export_grades(root)
    assert (exported, left_out) == ([], [GRADED])
    assert (root / "grades.csv").read_text().splitlines()[0].startswith("assignment,duedate")
    assert len((root / "grades.csv").read_text().splitlines()) == 1


# ---- the appendix's sample output is what the commands print ----------------------------

APPENDIX = REPOSITORY / "book" / "appendix_b_instructors.md"
PLAN_LINE = re.compile(r"^nnlego (grade|feedback): (autograde|feedback) (\d+) submissions "
                       r"\((?:(.*); )?(\d+) unchanged, skipped\) on (.+)$")
ROW = re.compile(r"^(\S+) +(\d+) +(\d+) +(\d+) +(\d+)  (-|([\d.]+) / ([\d.]+))$")
TASKS = re.compile(r"^(\d+) tasks run \((?:(.*); )?(\d+) task-seconds\), (\d+) unchanged, "
                   r"skipped, (\d+) failed$")
AGAIN = re.compile(r"^  (\w+): (\S+) (\S+) \(.*\)$")
LOG = re.compile(r"^  log of (\S+) (\S+): (\S+)$")
HEADER = re.compile(r"^assignment +tasks +(graded|written) +failed +flagged +mean score$")


def _reason_counts(step, words):
    """{"changed": 1, "new": 2} from "1 resubmitted, 2 new"."""
    key = {word: why for why, word in planning.REASONS[step].items()}
    return {key[w.split()[1]]: int(w.split()[0]) for w in (words or "").split(", ") if w}


def _why(step, counts, changed=()):
    why = {task: "changed" for task in changed}
    for reason, n in counts.items():
        have = sum(1 for w in why.values() if w == reason)
        why.update({(f"s{reason}{i}", "a"): reason for i in range(n - have)})
    return why


def appendix_samples():
    """The appendix's sample lines: plan lines, and summaries (runs of table/summary lines)."""
    plans, summaries, current = [], [], []
    for line in APPENDIX.read_text(encoding="utf-8").splitlines():
        if PLAN_LINE.match(line):
            plans.append(line)
        part_of_summary = (HEADER.match(line) or ROW.match(line) or
                           TASKS.match(line) or (current and line.startswith("  ")))
        if part_of_summary:
            current.append(line)
        elif current:
            summaries.append(current)
            current = []
    return plans, summaries


def rebuild(sample):
    """The Report whose summary the sample claims to be."""
    (tasks,) = [TASKS.match(line) for line in sample if TASKS.match(line)]
    run, words, seconds, skipped, failed = tasks.groups()
    step = "feedback" if sample[0].split()[2:3] == ["written"] else "autograde"
    changed = [(m[2], m[3]) for m in map(AGAIN.match, sample) if m and m[1] != "log"]
    logs = [m.groups() for m in map(LOG.match, sample) if m]
    why = _why(step, _reason_counts(step, words), changed)
    outcomes = [{"ok": False, "student": s, "assignment": a, "log": log, "seconds": 0.0}
                for s, a, log in logs]
    outcomes += [{"ok": True, "seconds": 0.0}] * (int(run) - len(outcomes))
    if outcomes:
        outcomes[0] = {**outcomes[0], "seconds": float(seconds)}
    summary = {m[1]: {"tasks": int(m[2]), "graded": int(m[3]), "failed": int(m[4]),
                      "flagged": int(m[5]), "mean_score": m[7] and float(m[7]),
                      "max_score": m[8] and float(m[8])} for m in map(ROW.match, sample) if m}
    return _report(step, planned=sorted(why), skipped=[("x", "a")] * int(skipped), why=why,
                   roster=1, outcomes=outcomes, summary=summary)


def test_the_appendix_samples_are_what_the_commands_print():
    plans, summaries = appendix_samples()
    assert len(plans) >= 3 and len(summaries) >= 2, (plans, summaries)
    for line in plans:
        command, step, n, words, skipped, where = PLAN_LINE.match(line).groups()
        why = _why(step, _reason_counts(step, words))
        report = _report(step, planned=sorted(why), skipped=[("x", "a")] * int(skipped),
                         why=why)
        assert len(why) == int(n), line
        assert f"nnlego {command}: {plan_text(report)} on {where}" == line
    for sample in summaries:
        printed = summary_text(rebuild(sample)).splitlines()
        assert printed[0 if HEADER.match(sample[0]) else 1:] == sample


def test_the_submission_digest_never_opens_a_fifo_and_takes_any_name(tmp_path):
    """A submitted folder may hold what the exchange or a zip let in: the digest reads regular
    files only (a FIFO opened for reading would wait for ever) and names in any bytes."""
    from nnlego.course.grading.records import folder_digest

    folder = tmp_path / "alice" / "02_forward_pass"
    folder.mkdir(parents=True)
    (folder / "forward_pass.ipynb").write_text("{}")
    os.mkfifo(folder / "timestamp.txt")
    os.symlink("/etc/passwd", folder / "link")
    fd = os.open(bytes(folder) + b"/\xff\xfe.txt", os.O_CREAT | os.O_WRONLY)
    os.write(fd, b"x")
    os.close(fd)
    first = folder_digest(folder)
    assert folder_digest(folder) == first
    (folder / "forward_pass.ipynb").write_text('{"changed": 1}')
    assert folder_digest(folder) != first
