"""Grades as the CSV files Canvas and Moodle import (nnlego.course.lms_export), parsed back.

A small gradebook is made with nbgrader's own API (no grading): three students, two released
assignments and one never released (in the gradebook, handed in by nobody: ``make exercises``
puts every assignment there); one submission missing. On SQLite, and on PostgreSQL when
``NNLEGO_TEST_PG_URL`` names a server (scripts/start_postgres.sh).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="the course extra: pip install -e '.[course]'")

from support.postgres import PG_URL, fresh_pg_database  # noqa: E402

from nnlego.course import grade_table, lms_export  # noqa: E402

STUDENTS = {"ada": ("Ada", "Lovelace", "ada@uni.edu", "4711"),
            "bob": (None, None, None, None),
            "cy": ("Cy", "Young, Jr.", "cy@uni.edu", "4713")}
SCORES = {("ada", "01_one"): {"t1": 2.0, "t2": 1.0}, ("bob", "01_one"): {"t1": 0.0, "t2": 1.0},
          ("cy", "01_one"): {"t1": 2.0, "t2": 0.0}, ("ada", "02_two"): {"t3": 3.5},
          ("cy", "02_two"): {"t3": 1.25}}     # nobody has handed in 03_unreleased
CELLS = {"01_one": {"t1": 2, "t2": 1}, "02_two": {"t3": 4}, "03_unreleased": {"t4": 1}}


POSTGRES = pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="no PostgreSQL server: eval \"$(bash scripts/start_postgres.sh)\""))


@pytest.fixture(scope="module", params=["sqlite", POSTGRES])
def course(request, tmp_path_factory):
    """(course root, gradebook URL)."""
    from nbgrader.api import Gradebook

    from nnlego.course.grading.gradebook import alembic_on_path

    alembic_on_path()
    root = tmp_path_factory.mktemp("lms") / "course"
    (root / "exercises" / "01_one").mkdir(parents=True)
    (root / "exercises" / "02_two").mkdir()
    (root / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa\nc.CourseDirectory.course_id = "c1"\n'
        'c.CourseDirectory.release_directory = "exercises"\n')
    url = f"sqlite:///{root / 'gradebook.db'}" if request.param == "sqlite" else \
        fresh_pg_database()
    with Gradebook(url, "c1") as gb:
        for assignment, cells in CELLS.items():
            gb.add_assignment(assignment)
            gb.add_notebook("nb", assignment)
            for cell, points in cells.items():
                gb.add_grade_cell(cell, "nb", assignment, max_score=points, cell_type="code")
        for student, (first, last, email, lms) in STUDENTS.items():
            gb.add_student(student, first_name=first, last_name=last, email=email,
                           lms_user_id=lms)
        for (student, assignment), cells in SCORES.items():
            gb.add_submission(assignment, student)
            for cell, score in cells.items():
                gb.find_grade(cell, "nb", assignment, student).auto_score = score
        gb.db.commit()
    return root, url


def parse(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_grade_table_reads_every_submission_and_its_cells(course):
    table = grade_table.read(course[1], "c1")
    assert set(table.submissions) == set(SCORES)
    for key, cells in SCORES.items():
        assert table.submissions[key].cells == cells
    assert table.assignments["02_two"].max_score == 4 and table.assignments["01_one"].auto == \
        {"t1", "t2"}


def test_canvas_csv_has_canvas_columns_and_the_released_totals(course, tmp_path):
    rows = lms_export.read_rows(*course)
    path = lms_export.to_canvas(rows, tmp_path / "canvas.csv")
    lines = parse(path)
    assert list(lines[0]) == [*lms_export.CANVAS_COLUMNS, "01_one", "02_two"]
    by_login = {line["SIS Login ID"]: line for line in lines}
    assert set(by_login) == set(STUDENTS)
    assert by_login["ada"]["Student"] == "Lovelace, Ada" and by_login["ada"]["ID"] == "4711"
    assert by_login["cy"]["Student"] == "Young, Jr., Cy"       # a comma survives the quoting
    assert by_login["bob"]["Student"] == "bob" and by_login["bob"]["ID"] == ""
    for (student, assignment), cells in SCORES.items():
        if assignment != "03_unreleased":
            assert float(by_login[student][assignment]) == pytest.approx(sum(cells.values()))
    assert by_login["bob"]["02_two"] == ""                      # missing: no grade
    zero = parse(lms_export.to_canvas(rows, tmp_path / "zero.csv", missing="0"))
    assert {line["SIS Login ID"]: line["02_two"] for line in zero}["bob"] == "0"


@pytest.mark.parametrize("identifier, column", [("username", 0), ("email", 2),
                                                ("idnumber", 3)])
def test_moodle_csv_has_one_identifier_column_and_one_column_per_assignment(
        course, tmp_path, identifier, column):
    rows = lms_export.read_rows(*course)
    if identifier != "username":
        with pytest.raises(ValueError, match="bob"):
            lms_export.to_moodle(rows, tmp_path / "m.csv", identifier)
        rows = [r for r in rows if r.student != "bob"]
    lines = parse(lms_export.to_moodle(rows, tmp_path / "m.csv", identifier))
    assert list(lines[0]) == [identifier, "01_one", "02_two"]
    ids = {(student if column == 0 else info[column]): student
           for student, info in STUDENTS.items()}
    for line in lines:
        student = ids[line[identifier]]
        assert float(line["01_one"]) == pytest.approx(sum(SCORES[student, "01_one"].values()))


def test_bad_arguments_say_what_is_expected(course, tmp_path):
    rows = lms_export.read_rows(*course)
    with pytest.raises(ValueError, match="identifier='sis'"):
        lms_export.to_moodle(rows, tmp_path / "m.csv", "sis")
    with pytest.raises(ValueError, match="missing="):
        lms_export.to_canvas(rows, tmp_path / "c.csv", missing="zero")
    assert not Path(tmp_path / "c.csv").exists()
