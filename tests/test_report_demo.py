"""The graded demo class of the instructors' appendix (``nnlego.course.report_demo``): a small
synthetic class made and graded in the sandbox, as ``nnlego report`` reads it. The grading test
is slow (about 10 s for four students on two cores); the refusals are instant."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from nbgrader.api import Gradebook

from nnlego.course.grading import synthetic
from nnlego.course.report_demo import graded_demo_class

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def venv_on_path(monkeypatch):
    # nbgrader calls `alembic` from PATH: the venv's first (as `make grade` does)
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ["PATH"]]))


@pytest.mark.slow
def test_the_demo_class_is_graded_as_drawn(tmp_path, venv_on_path):
    """Every drawn submission is in the gradebook; a solution gets every autograded point, a
    blank notebook none; the same seed draws the same class."""
    root = graded_demo_class(REPOSITORY, tmp_path / "course", students=4,
                             rng=np.random.default_rng(11))
    roster = synthetic.draw_class(4, ["02_forward_pass"], rng=np.random.default_rng(11),
                                  repo=REPOSITORY)
    assert {v for v in roster.values()} & {"solution", "blank"}, "a seed that tests nothing"
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        graded = {s.student_id: s for s in gb.find_assignment("02_forward_pass").submissions}
        assert set(graded) == {student for student, _ in roster}
        for (student, _), variant in roster.items():
            autograded = [g for g in graded[student].notebooks[0].grades if g.auto_score
                          is not None]
            got, top = sum(g.score for g in autograded), sum(g.max_score for g in autograded)
            if variant == "solution":
                assert got == top > 0
            elif variant == "blank":
                assert got == 0
    assert all((root / "autograded" / s / "02_forward_pass").is_dir() for s, _ in roster)


@pytest.mark.parametrize("kwargs, words", [
    ({"repo": "tests"}, "repo='tests' is not the course's source"),
    ({"students": 0}, "students=0; expected an integer >= 1"),
    ({"assignments": ("99_nothing",)}, "unknown ['99_nothing']"),
    ({"assignments": ()}, "assignments=[]"),
])
def test_bad_input_is_refused_before_anything_is_made(tmp_path, kwargs, words):
    args = {"repo": REPOSITORY, "out": tmp_path / "course", "rng": np.random.default_rng(0),
            **kwargs}
    with pytest.raises(ValueError) as refused:
        graded_demo_class(**args)
    assert words in str(refused.value) and not (tmp_path / "course").exists()


def test_a_folder_in_use_is_refused(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is not empty; pass a new folder"):
        graded_demo_class(REPOSITORY, tmp_path / "course", rng=np.random.default_rng(0))


# -- the appendix's tables and sentences ---------------------------------------------------------

def _cells(markdown):
    """The text of every body cell of the Markdown table, as CommonMark (+ tables) renders it."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    rows, inside = [], []
    html = MarkdownIt("commonmark").enable("table").render(markdown)

    class Cells(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                rows.append([])
            elif tag == "td":
                rows[-1].append("")
                inside.append(tag)
            elif tag == "a":
                rows[-1][-1] += f"<{dict(attrs)['href']}>"

        def handle_endtag(self, tag):
            if tag == "td":
                inside.pop()

        def handle_data(self, data):
            if inside:
                rows[-1][-1] += data

    Cells(convert_charrefs=True).feed(html)
    return [row for row in rows if row]


WEIRD = ["a|b", "<script>alert(1)</script>", "`x` *y* _z_ [l](u) $1$ {glue}`n`", "#5 \\ ~~s~~",
         "line\nbreak", "&amp; <b>", "plain words"]


@pytest.mark.parametrize("text", WEIRD)
def test_md_shows_any_text_literally_in_a_table(text):
    """Rendered by a CommonMark parser, a cell shows the text itself (line breaks as spaces)."""
    from nnlego.course.report_demo import _table, md

    (row,) = _cells(_table(["h1", "h2"], [[md(text), md(text + "!")]], [":--", ":--"]))
    assert row == [" ".join(text.split()), " ".join(text.split()) + "!"]


def test_the_appendix_tables_hold_the_reports_values():
    from dataclasses import replace

    from support.class_reports import HOSTILE, class_report

    from nnlego.course import report_demo as demo

    report = class_report(rng=np.random.default_rng(3), hostile=True)
    counts = _cells(demo.counts_table(report))
    assert [row[0] for row in counts] == [a.assignment for a in report.assignments]
    assert [int(row[2]) for row in counts] == [a.graded for a in report.assignments]
    errors = _cells(demo.errors_table(report, top=4))
    ranked = sorted(report.error_groups,   # most frequent first, then in the report's order
                    key=lambda e: (-e.count, e.assignment, e.cell, e.template))[:4]
    assert [int(row[0]) for row in errors] == [e.count for e in ranked]
    assert [row[3] for row in errors] == [" ".join(e.example.split()) for e in ranked]
    assert all(row[5] == f"the section<{e.chapter_url}>" or e.chapter_url in row[5]
               for row, e in zip(errors, ranked))
    assert any(HOSTILE in row[3] for row in _cells(demo.errors_table(report, top=99)))
    bad = replace(report, error_groups=(replace(ranked[0], chapter_url="javascript:x()"),))
    assert _cells(demo.errors_table(bad))[0][5] == "javascript:x()"
    items = _cells(demo.items_table(report))
    assert [row[4] == "discriminates badly" for row in items] == [i.poor for i in report.items]


def test_the_sentences_follow_the_numbers():
    from dataclasses import replace

    from support.class_reports import class_report

    from nnlego.course import report_demo as demo

    report = class_report(rng=np.random.default_rng(3))
    poor = [i for i in report.items if i.poor]
    assert len(poor) >= 2, "a seed that tests nothing"
    assert demo.items_sentence(report).startswith(f"{len(poor)} test cells discriminate badly")
    one = replace(report, items=(poor[0],))
    assert demo.items_sentence(one) == (f"One test cell discriminates badly in this class: "
                                        f"{poor[0].cell}")
    assert demo.items_sentence(replace(report, items=())).startswith("No test cell")
    assert demo.flags_sentence(replace(report, flags=())).endswith("flagged nothing for "
                                                                   "review in this class")
    assert demo.flags_sentence(replace(report, flags=report.flags[:1])) == (
        "The grader flagged 1 piece of 1 submission for review")
    n = len({(f.assignment, f.student) for f in report.flags})
    assert demo.flags_sentence(report) == (f"The grader flagged {len(report.flags)} pieces of "
                                           f"{n} submissions for review")


def test_the_course_source_is_found_upwards_or_named_missing(tmp_path):
    from nnlego.course.report_demo import course_source

    assert course_source(REPOSITORY / "book") == REPOSITORY
    with pytest.raises(FileNotFoundError, match="no course source above .*git clone"):
        course_source(tmp_path)
