"""The class report's page and tables (``nnlego.course.report_page``) and ``nnlego report``
(issue 28), from made-up reports (``support.class_reports``); ``build`` is replaced by the
factory, so nothing here grades (the report of a graded class: test_class_report.py)."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from support.class_reports import HOSTILE, class_report

from nnlego import cli
from nnlego.course import class_report as class_report_module
from nnlego.course import report_page
from nnlego.course.class_report import ClassReport

ONE = ("02_forward_pass",)   # one assignment: three figures to draw, not six
TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "a",
        "strong", "nav", "ul", "li", "section", "div", "table", "thead", "tbody", "tr", "th",
        "td", "figure", "img", "figcaption", "code", "br", "span", "details", "summary"}


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser would parse them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture(scope="module", params=[(0, False), (1, True)], ids=["plain", "hostile"])
def made(request, tmp_path_factory):
    seed, hostile = request.param
    report = class_report(rng=np.random.default_rng(seed), hostile=hostile)
    return report, report_page.write(report, tmp_path_factory.mktemp("out"))


def test_the_page_its_figures_and_the_tables_are_written(made):
    report, index = made
    out = index.parent
    assert index.name == "index.html"
    assert {p.name for p in out.glob("*.csv")} == {f"{n}.csv" for n in report_page.TABLES}
    page = Page(index.read_text(encoding="utf-8"))
    srcs = [v for t, n, v in page.attrs if t == "img" and n == "src"]
    assert len(srcs) == 3 * len(report.assignments)
    for src in srcs:   # beside the page, with the size the page reserves for it
        width, height = _png_size(out / src)
        assert f'src="{src}" width="{width}" height="{height}"' in index.read_text()
    alts = [v for t, n, v in page.attrs if t == "img" and n == "alt"]
    assert len(alts) == len(srcs) and all(alt.strip() for alt in alts)


def test_the_csv_tables_are_the_reports_tables(made):
    report, index = made
    for name, rows in report.tables().items():
        with open(index.parent / f"{name}.csv", newline="", encoding="utf-8") as handle:
            read = list(csv.DictReader(handle))
        assert len(read) == len(rows)
        for got, want in zip(read, rows):
            assert got == {key: "" if value is None else str(value)
                           for key, value in want.items()}


def test_an_empty_report_still_has_every_table_with_its_columns(tmp_path):
    """The columns of an empty table are those the report's tables() give when rows exist."""
    full = class_report(rng=np.random.default_rng(0)).tables()
    index = report_page.write(ClassReport(course="empty", anonymized=True), tmp_path)
    for name, rows in full.items():
        header = (tmp_path / f"{name}.csv").read_text().splitlines()
        assert header == [",".join(rows[0])] == [",".join(report_page.header(name))]
    text = index.read_text()
    assert "No piece was flagged." in text and "<img" not in text


def test_what_students_wrote_is_shown_as_text_never_as_markup(made):
    """Every tag on the page is one the page itself makes; the hostile text is there verbatim."""
    report, index = made
    page = Page(index.read_text(encoding="utf-8"))
    assert set(page.tags) <= TAGS
    assert not [a for a in page.attrs if a[1].startswith("on")]
    text = "".join(page.text)
    for group in report.error_groups:
        assert group.example in text and group.template in text
    for flag in report.flags:
        assert flag.reason in text and flag.student in text
    if any(HOSTILE in g.example for g in report.error_groups):
        assert "<script>" in text and "<script" not in index.read_text()


def test_only_the_chapter_links_leave_the_page(made):
    report, index = made
    page = Page(index.read_text(encoding="utf-8"))
    hrefs = [v for t, n, v in page.attrs if n == "href"]
    outside = {h for h in hrefs if re.match(r"[a-z]+:", h)}
    assert outside == {g.chapter_url for g in report.error_groups}
    assert all(not re.match(r"[a-z]+:", v) for t, n, v in page.attrs if n == "src")
    assert "url(" not in index.read_text() and "@import" not in index.read_text()


def test_a_chapter_link_that_is_no_web_address_is_shown_not_linked(tmp_path):
    bad = ["javascript:alert(1)", "data:text/html,<b>x</b>", "JavaScript:alert(1)",
           "vbscript:msgbox", " javascript:alert(2)", "java\tscript:alert(3)"]
    report = class_report(rng=np.random.default_rng(0))
    groups = [replace(g, chapter_url=url) for g, url in zip(report.error_groups, bad)]
    assert len(groups) == len(bad)
    index = report_page.write(replace(report, error_groups=tuple(groups)), tmp_path)
    page = Page(index.read_text())
    hrefs = [v for t, n, v in page.attrs if n == "href"]
    assert not set(bad) & set(hrefs) and not [h for h in hrefs if ":" in h]
    assert all(url.strip() in "".join(page.text) for url in bad)


def test_each_assignment_lists_its_errors_by_count_marks_its_poor_items_flags_come_last(made):
    report, index = made
    text = index.read_text()
    sections = re.split(r'<section id="', text)[1:]
    assert [s.split('"')[0] for s in sections] == [
        *(f"assignment-{k}" for k in range(1, len(report.assignments) + 1)), "flags"]
    for summary, section in zip(report.assignments, sections):
        counts = [int(c) for c in re.findall(
            r'<tr><td class="num">(\d+)</td><td>[^<]*<br>', section)]
        mine = [e for e in report.error_groups if e.assignment == summary.assignment]
        assert counts == sorted((e.count for e in mine), reverse=True)
        poor = [i for i in report.items if i.assignment == summary.assignment and i.poor]
        assert section.count('<tr class="poor">') == len(poor)
        assert section.count("discriminates badly</span>") == len(poor)
    flagged = Page(sections[-1]).text
    assert all(f.reason in "".join(flagged) for f in report.flags)


def test_a_cell_a_spreadsheet_would_run_is_defused(tmp_path):
    report = replace(class_report(rng=np.random.default_rng(0), assignments=("03_backprop",)),
                     assignments=())   # no figures to draw
    evil = "=HYPERLINK(\"http://x\",\"click\")"
    groups = (replace(report.error_groups[0], example=evil, template="-1+1"),
              *report.error_groups[1:])
    report_page.write(replace(report, error_groups=groups), tmp_path)
    first = next(csv.DictReader(open(tmp_path / "errors.csv", newline="")))
    assert first["example"] == "'" + evil and first["template"] == "'-1+1"


@pytest.mark.parametrize("url, words", [
    ("https://b.example/book/02_forward_pass.html#sigmoid", "02_forward_pass › sigmoid"),
    ("https://b.example/book/03_backprop.html", "03_backprop"),
    ("../book/04_sgd_l2.html#l2", "04_sgd_l2 › l2"), ("https://b.example/", "b.example"),
    ("", "revisit")])
def test_a_chapter_link_says_which_section(url, words):
    """The words of the link: where it goes, without opening it."""
    from nnlego.course.report_html import section_label

    assert section_label(url) == words


@pytest.mark.parametrize("value, shown", [(7.0, "7"), (0.125, "0.12"), (-0.001, "0"),
                                          (None, "–"), (3, "3"), (2.5, "2.5")])
def test_numbers_are_shown_short(value, shown):
    from nnlego.course.report_html import number

    assert number(value) == shown


def test_a_second_report_into_the_same_folder_leaves_no_stale_figure(tmp_path):
    (tmp_path / "figures").mkdir()
    for name in ("scores-2.png", "items-12.png", "notes-1.png"):   # a report of 12, and mine
        (tmp_path / "figures" / name).write_bytes(b"old")
    report_page.write(class_report(rng=np.random.default_rng(0), assignments=ONE), tmp_path)
    names = {p.name for p in (tmp_path / "figures").iterdir()}
    assert names == {"scores-1.png", "checks-1.png", "items-1.png", "notes-1.png"}


def test_anything_but_a_report_is_refused(tmp_path):
    with pytest.raises(TypeError, match="report must be a ClassReport.*got dict"):
        report_page.write({"course": "x"}, tmp_path)


# -- the command --------------------------------------------------------------------------------

@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course root whose build() is the factory; calls are recorded."""
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    calls = []

    def build(course_root, db_url=None, *, assignments=None, anonymize=False, book_url=None):
        calls.append((Path(course_root), db_url, assignments, anonymize, book_url))
        return class_report(rng=np.random.default_rng(0), anonymized=anonymize,
                            assignments=ONE)

    monkeypatch.setattr(class_report_module, "build", build, raising=False)
    return tmp_path, calls


def test_report_writes_into_report_of_the_course_by_default(course, capsys, monkeypatch):
    root, calls = course
    monkeypatch.chdir(root)
    assert cli.main(["report"]) == 0
    assert calls == [(root.resolve(), None, None, False, None)]
    assert (root / "report" / "index.html").is_file()
    out = capsys.readouterr().out
    assert str(root.resolve() / "report" / "index.html") in out and "student ids" in out


def test_report_passes_its_options_to_build(course, tmp_path_factory):
    root, calls = course
    out = tmp_path_factory.mktemp("elsewhere") / "r"
    assert cli.main(["report", "--course", str(root), "--db-url", "postgresql://h/db",
                     "--assignment", "02_forward_pass", "--assignment", "03_backprop",
                     "--anonymize", "--book-url", "https://b.example/book", "--out",
                     str(out)]) == 0
    assert calls == [(root.resolve(), "postgresql://h/db", ["02_forward_pass", "03_backprop"],
                      True, "https://b.example/book")]
    assert "pseudonyms" in (out / "index.html").read_text()


@pytest.mark.parametrize("argv, words", [
    (["--lms", "blackboard"], "argument --lms: invalid choice: 'blackboard'"),
    (["--lms", "canvas", "--anonymize"], "--lms canvas with --anonymize"),
    (["--moodle-identifier", "email"], "--moodle-identifier 'email' needs --lms moodle"),
    (["--assignment", " "], "--assignment ' '"),
    (["--root", "/nonexistent/course"], "--root '/nonexistent/course': no nbgrader_config.py"),
])
def test_a_bad_argument_is_one_line_naming_it(course, capsys, argv, words):
    root, calls = course
    argv = argv if "--root" in argv else [*argv, "--root", str(root)]
    try:
        code = cli.main(["report", *argv])
    except SystemExit as refused:
        code = refused.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("nnlego report") and words in err[-1]
    assert calls == [] and not (root / "report").exists()


def test_an_out_folder_that_is_a_file_is_one_line(course, capsys):
    root, _ = course
    (root / "taken").write_text("")
    assert cli.main(["report", "--root", str(root), "--out", str(root / "taken")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "taken" in err


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_lms_hands_the_gradebooks_rows_to_the_export(course, monkeypatch, lms):
    import sys
    import types

    root, _ = course
    written, asked = [], []
    gradebook_rows = [object(), object()]       # whatever read_rows gives, passed on as is
    fake = types.SimpleNamespace(
        read_rows=lambda course_root, db_url=None: asked.append((course_root, db_url))
        or gradebook_rows,
        to_canvas=lambda rows, path: written.append(("canvas", rows, path, None)),
        to_moodle=lambda rows, path, identifier="idnumber": written.append(
            ("moodle", rows, path, identifier)))
    monkeypatch.setitem(sys.modules, "nnlego.course.lms_export", fake)
    import nnlego.course
    monkeypatch.setattr(nnlego.course, "lms_export", fake, raising=False)
    extra = ["--moodle-identifier", "email"] if lms == "moodle" else []
    assert cli.main(["report", "--root", str(root), "--lms", lms, *extra]) == 0
    ((kind, rows, path, identifier),) = written
    assert kind == lms and path == root.resolve() / "report" / f"grades-{lms}.csv"
    assert identifier == ("email" if lms == "moodle" else None)
    assert rows is gradebook_rows and asked == [(root.resolve(), None)]
