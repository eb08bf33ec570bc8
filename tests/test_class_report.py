"""The class report (nnlego.course.class_report.build) and its pieces: templates, item
analysis, pseudonyms, chapter sections; and the recovery test: a synthetic class with wrong
solutions planted on known students is graded, and the report finds each planted mistake as
an error group of exactly the students it was planted on.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from nnlego.course import (
    chapter_sections,
    class_report,
    error_templates,
    item_analysis,
    pseudonyms,
)

REPOSITORY = Path(__file__).resolve().parents[1]


# -- templates -------------------------------------------------------------------------------
MESSAGES = [
    "AssertionError: sigmoid([-1000, 1000]) should be [0, 1], got {a}",
    "AssertionError: expected sigmoid(0.4621) = 0.6135, got {x}: apply sigmoid in every layer",
    "AssertionError: grads_W[{i}] must be shaped like weights[{i}] {s}, got {s2}",
    "NameError: name {q} is not defined",
    "AssertionError: relative errors {{'grads_W[0]': {x}, 'grads_b[0]': {y}}} disagree",
    "ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0 (size {i})",
]


def numbers(rng):
    """Fresh values of every kind a message prints: floats, exponents, signs, arrays, shapes."""
    x, y = rng.normal(0, 10.0 ** rng.integers(-8, 8), size=2)
    shape = tuple(int(n) for n in rng.integers(1, 900, size=rng.integers(1, 4)))
    array = np.array2string(rng.normal(size=rng.integers(1, 9)) * 10.0 ** rng.integers(-9, 9))
    return {"a": array if rng.random() < 0.5 else repr(rng.normal(size=(2, 3))),
            "x": f"{x:.{rng.integers(0, 9)}{'e' if rng.random() < 0.5 else 'f'}}", "y": y,
            "i": int(rng.integers(-5, 500)), "s": shape, "s2": shape[::-1] + (1,),
            "q": repr(rng.choice(["sigmoid", "forward", "W_1", "net2"]))}


@pytest.mark.parametrize("seed", range(20))
def test_one_mistake_with_other_numbers_is_one_template(seed):
    rng = np.random.default_rng(seed)
    for message in MESSAGES:
        one, two = (message.format(**numbers(rng)) for _ in range(2))
        assert error_templates.template(one) == error_templates.template(two), (one, two)


def test_different_failures_keep_different_templates():
    rng = np.random.default_rng(0)
    filled = [m.format(**numbers(rng)) for m in MESSAGES]
    extra = ["AssertionError: sigmoid changed its input z in place: compute a new array",
             "AssertionError: sigmoid changed the shape of a 3-D input",
             "TypeError: unsupported operand type(s) for @: 'list' and 'list'",
             "AssertionError: the sign is flipped: the derivative of 1/2 (a - y)^2 is a - y"]
    templates = [error_templates.template(m) for m in filled + extra]
    assert len(set(templates)) == len(templates), templates
    assert "float32" in error_templates.template("sigmoid is wrong for float32 inputs of 50")
    grouped = error_templates.group([filled[0], filled[1], filled[0].replace("[0, 1]", "[1, 2]")])
    assert sorted(grouped.values()) == [[0, 2], [1]]


# -- item analysis ---------------------------------------------------------------------------
def test_item_analysis_against_a_matrix_worked_by_hand():
    # 4 students x 3 items (points 2, 1, 3). Totals 6, 3, 2, 0.
    scores = [[2, 1, 3], [2, 1, 0], [0, 0, 2], [0, 0, 0]]
    stats = item_analysis.analyse(scores, [2, 1, 3])
    # item 0: p = 4 / (4 * 2) = 0.5; rest = (4, 1, 2, 0): r(x=(2,2,0,0), rest) by hand:
    # dx = (1,1,-1,-1), drest = (2.25,-0.75,0.25,-1.75): sum = 2.25-0.75-0.25+1.75 = 3,
    # |dx|^2 = 4, |drest|^2 = 5.0625+0.5625+0.0625+3.0625 = 8.75 -> r = 3 / sqrt(35)
    assert stats[0][0] == pytest.approx(0.5)
    assert stats[0][1] == pytest.approx(3 / np.sqrt(35))
    # item 2: p = 5 / 12; rest = (3, 3, 0, 0), x = (3, 0, 2, 0): dx = (1.75,-1.25,.75,-1.25),
    # drest = (1.5,1.5,-1.5,-1.5): sum = 1.5 (1.75-1.25-.75+1.25) = 1.5; |dx|^2 = 6.75,
    # |drest|^2 = 9 -> r = 1.5 / sqrt(60.75) = 0.192..., below 0.2: poor
    assert stats[2][0] == pytest.approx(5 / 12)
    assert stats[2][1] == pytest.approx(1.5 / np.sqrt(60.75)) and stats[2][2] is True
    assert stats[0][2] is False and stats[0][1] > item_analysis.POOR_BELOW


def test_a_constant_item_or_rest_has_no_discrimination_and_is_not_poor():
    stats = item_analysis.analyse([[1, 0], [1, 1], [1, 0]], [1, 1])
    assert stats[0][1] is None and stats[0][2] is False and stats[0][0] == 1.0
    assert stats[1][1] is None                       # the rest (item 0) is constant
    assert item_analysis.pearson([1.0], [2.0]) is None
    with pytest.raises(ValueError, match="scores must be"):
        item_analysis.analyse([1, 2], [1, 1])


@pytest.mark.parametrize("seed", range(5))
def test_discrimination_is_pearson_of_item_and_rest(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 3, size=(30, 5)).astype(float)
    stats = item_analysis.analyse(scores, [2] * 5)
    for i, (p, r, poor) in enumerate(stats):
        rest = scores.sum(axis=1) - scores[:, i]
        assert r == pytest.approx(np.corrcoef(scores[:, i], rest)[0, 1])
        assert p == pytest.approx(scores[:, i].mean() / 2) and poor == (r < 0.2)


# -- pseudonyms and chapter sections ---------------------------------------------------------
def test_pseudonyms_are_stable_secret_and_the_salt_is_private(tmp_path):
    key = pseudonyms.salt(tmp_path)
    path = tmp_path / "grading_logs" / "report_salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and pseudonyms.salt(tmp_path) == key
    names = pseudonyms.pseudonyms([f"s{i}" for i in range(300)], key)
    assert len(set(names.values())) == 300
    assert all(p.startswith("student-") and len(p) == 16 for p in names.values())
    assert pseudonyms.pseudonym("s1", key) != pseudonyms.pseudonym("s1", os.urandom(32))
    path.write_text("nonsense")
    with pytest.raises(ValueError, match="report_salt"):
        pseudonyms.salt(tmp_path)


def test_a_section_is_found_by_code_mentions_not_prose():
    text = ("intro\n(sec-fw)=\n## The forward pass\nCall `forward(X)` here.\n```python\n"
            "# not a heading\n```\n## Large weights\nlarge weights saturate\n"
            "## What we found\nforward( again\n## Code\n:pyobject: Network.backprop\n")
    assert [a for a, _, _ in chapter_sections.sections(text)] == \
        ["sec-fw", "large-weights", "what-we-found", "code"]
    assert chapter_sections.section_of(text, "forward") == "sec-fw"
    assert chapter_sections.section_of(text, "large") is None
    assert chapter_sections.section_of(text, "backprop") == "code"
    assert chapter_sections.piece_of("test_backprop_mean", ["backprop", "back"]) == "backprop"
    url = chapter_sections.chapter_url("https://b.org/x/", REPOSITORY / "book", "02_forward_pass",
                                       "forward")
    assert url.startswith("https://b.org/x/book/02_forward_pass.html#")


# -- the recovery test: a graded synthetic class -------------------------------------------
CLASSES = {   # name: (assignments, students); the larger class is in `make test-all` only
    "small": (("02_forward_pass",), 11),
    "large": (("02_forward_pass", "03_backprop"), 16),
}


def planted_roster(assignments, n_students):
    """{(student, assignment): variant}: every wrong solution planted at least once (two of them
    on two students), at least one solution and two blanks, in a seeded order."""
    from nnlego.course.grading import synthetic

    roster = {}
    for assignment in assignments:
        wrong = [v for v in synthetic.variants(assignment, REPOSITORY) if v.startswith("wrong_")]
        kinds = (wrong + wrong[1:3] + ["solution"] * n_students)[:n_students - 2] + ["blank"] * 2
        assert "solution" in kinds, f"{n_students} students are too few for {assignment}"
        order = np.random.default_rng(len(assignment)).permutation(n_students)
        roster.update({(f"student_{i:03d}", assignment): kinds[k] for i, k in enumerate(order)})
    return roster


@pytest.fixture(scope="module", params=["small", pytest.param("large", marks=pytest.mark.slow)])
def graded_class(request, tmp_path_factory):
    """A synthetic class graded once by nnlego's parallel grader (2 workers): (root, roster,
    n_students)."""
    pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")
    from nnlego.course.grading import parallel, synthetic

    assignments, n_students = CLASSES[request.param]
    roster = planted_roster(assignments, n_students)
    root = synthetic.make_course(tmp_path_factory.mktemp("report") / "course", assignments,
                                 repo=REPOSITORY)
    synthetic.write_class(root, roster, rng=np.random.default_rng(1), repo=REPOSITORY)
    report = parallel.grade(root, workers=2)
    assert not report.failures, report.failures
    return root, roster, n_students


def loses(assignment, variant):
    from nnlego.course.grading import synthetic

    path = REPOSITORY / "tests" / "wrong_solutions" / assignment / f"{variant[6:]}.py"
    return set(synthetic.read_submission(path).field("loses"))


def lost_cells(root, assignment, students):
    """The test cells in which the gradebook gives these students less than full marks."""
    from nnlego.course import grade_table

    table = grade_table.read(f"sqlite:///{root / 'gradebook.db'}", "nnlego", [assignment])
    cells = table.assignments[assignment]
    return {c for s in students for c, score in table.submissions[s, assignment].cells.items()
            if c in cells.auto and score < cells.cells[c]}


def test_the_report_recovers_every_planted_mistake(graded_class):
    root, roster, _ = graded_class
    report = class_report.build(root, book_url="https://b.org/")
    planted = {}
    for (student, assignment), variant in roster.items():
        planted.setdefault((assignment, variant), set()).add(student)
    groups = {(g.assignment, g.cell, g.check, g.template): set(g.students)
              for g in report.error_groups}
    assert all(g.count == len(g.students) and g.example for g in report.error_groups)
    signatures = {}
    for (assignment, variant), students in planted.items():
        hits = {key: found for key, found in groups.items()
                if key[0] == assignment and found & students}
        # a planted mistake is never split: all its students share each group it falls into
        assert all(students <= found for found in hits.values()), (variant, hits)
        # and a group holds whole planted mistakes only
        for found in hits.values():
            assert all(others <= found or not (others & found)
                       for (a, _), others in planted.items() if a == assignment)
        cells = {key[1] for key in hits}
        if variant == "solution":
            assert not hits
        elif variant == "blank":
            assert all("NotImplementedError" in key[3] for key in hits) and hits
        else:
            assert loses(assignment, variant) <= cells == lost_cells(root, assignment, students)
            for cell in cells:   # one error group per check it failed, per cell at least one
                assert sum(key[1] == cell for key in hits) >= 1
        signatures[assignment, variant] = frozenset(hits)
    for assignment in {a for _, a in roster}:   # each planted mistake is told apart
        mine = [s for (a, _), s in signatures.items() if a == assignment]
        assert len(set(mine)) == len(mine)
    alone = [key for key, found in groups.items() if any(found == students
             for (a, v), students in planted.items() if a == key[0] and v.startswith("wrong"))]
    assert len(alone) >= len(signatures) // 2, "most mistakes have an error group of their own"
    # each planted kind is one failure pattern, with exactly the students it was planted on
    found = {(p.assignment, frozenset(p.students)): p for p in report.patterns}
    for (assignment, variant), students in planted.items():
        if variant != "solution":
            pattern = found.get((assignment, frozenset(students)))
            assert pattern is not None and pattern.count == len(students), (variant, students)
    assert sum(p.count for p in report.patterns) == sum(
        len(s) for (_, v), s in planted.items() if v != "solution")
    assert any(g.chapter_url.startswith("https://b.org/book/02_forward_pass.html")
               for g in report.error_groups)


def test_the_report_agrees_with_the_gradebook(graded_class):
    from nnlego.course.grading import gradebook as gbook

    root, roster, n_students = graded_class
    report = class_report.build(root)
    dump = gbook.dump(f"sqlite:///{root / 'gradebook.db'}", "nnlego")
    for summary in report.assignments:
        handed_in = [s for (s, a) in roster if a == summary.assignment]
        assert summary.submitted == summary.graded == len(handed_in) == len(summary.scores)
        copied = {s for (s, a), v in roster.items() if a == summary.assignment
                  and v != "blank"}     # synthetic answers are the solution's cells, verbatim
        flagged = {f.student for f in report.flags if f.assignment == summary.assignment}
        assert summary.grading_seconds > 0 and summary.flagged == len(flagged)
        assert flagged <= copied
        for student, score in zip(summary.students, summary.scores):
            cells = dump[student, summary.assignment, next(
                nb for s, a, nb in dump if (s, a) == (student, summary.assignment))][3]
            assert score == pytest.approx(sum(auto or 0.0 for auto, _, _ in cells.values()))
    for item in report.items:
        scores = [cells[item.cell][0] or 0.0 for (s, a, _), (_, _, _, cells, _) in dump.items()
                  if a == item.assignment]
        assert item.difficulty == pytest.approx(np.mean(scores) / item.max_points)
    assert {i.cell for i in report.items} >= {"test_sigmoid", "test_forward"}
    for check in report.checks:
        assert 0 <= check.failed <= check.reached <= n_students
    assert all("reproduces" in f.reason for f in report.flags) and report.tables()["errors"]


def test_the_anonymised_report_has_no_real_id_and_the_same_counts(graded_class):
    root, roster, _ = graded_class
    plain = class_report.build(root)
    first, second = (class_report.build(root, anonymize=True) for _ in range(2))
    assert first == second and first.anonymized
    text = json.dumps(first.tables()) + json.dumps(first.as_dict())
    real = {s for s, _ in roster}
    assert not [s for s in real if s in text]
    assert [g.count for g in first.error_groups] == [g.count for g in plain.error_groups]
    assert sorted(first.assignments[0].scores) == sorted(plain.assignments[0].scores)


def group(cell, check, template, *students, assignment="a1"):
    return class_report.ErrorGroup(assignment, cell, check, template, len(students),
                                   "example", tuple(students), "")


def test_failure_patterns_tell_apart_mistakes_whose_messages_coincide():
    from nnlego.course.failure_patterns import patterns

    groups = [group("t1", "runs", "wrong sign <n>", "ann", "bob", "cy", "dee"),   # shared
              group("t2", "assert@3: x", "off by <n>", "ann", "bob"),             # only one kind
              group("t1", "runs", "NotImplementedError", "eve"),
              group("t2", "runs", "NotImplementedError", "eve"),
              group("t1", "runs", "wrong sign <n>", "fay", assignment="a2")]
    found = {(p.assignment, p.students): p for p in patterns(groups)}
    assert set(found) == {("a1", ("ann", "bob")), ("a1", ("cy", "dee")), ("a1", ("eve",)),
                          ("a2", ("fay",))}
    ann = found["a1", ("ann", "bob")]
    assert ann.count == 2 and ann.cells == ("t1", "t2")
    assert ann.failures == ("t1 · runs: wrong sign <n>", "t2 · assert@3: x: off by <n>")
    assert [p.count for p in patterns(groups)] == sorted(
        (p.count for p in patterns(groups)), reverse=True)
    assert patterns([]) == ()
