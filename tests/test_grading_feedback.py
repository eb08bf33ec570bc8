"""nnlego.course.grading.feedback: a feedback page shows no hidden test, wherever it would surface.

Small fixture notebooks in nbgrader's own style: one graded test cell with a visible and a
hidden part, and the outputs a graded run can leave (a traceback through the hidden lines, a
print of the cell's source, an HTML repr).
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnlego.course.grading.feedback import MIN_SECRET, ClearHiddenTestsAndTheirLines

VISIBLE = "assert double(2) == 4, 'double(2) should be 4'"
HIDDEN = "assert double(123456) == 246912, 'the secret case'"
SHORT_HIDDEN = "pass"
TEST_CELL = "\n".join([VISIBLE, "### BEGIN HIDDEN TESTS", HIDDEN, SHORT_HIDDEN,
                       "### END HIDDEN TESTS"])


def grade_cell(source, outputs=(), count=7):
    cell = new_code_cell(source, execution_count=count, outputs=list(outputs))
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "points": 2, "grade_id": "test_double", "schema_version": 3}
    return cell


def answer_cell(source, outputs=()):
    cell = new_code_cell(source, execution_count=3, outputs=list(outputs))
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": "answer", "schema_version": 3}
    return cell


def traceback_through(line_number, line):
    """The traceback IPython writes for a failure at line_number of cell 7, ANSI colours kept."""
    return ["\x1b[0;31m----------------------------------------------------------\x1b[0m",
            "\x1b[0;31mAssertionError\x1b[0m                    Traceback (most recent call last)",
            f"Cell \x1b[0;32mIn[7], line {line_number}\x1b[0m\n"
            f"\x1b[1;32m----> {line_number}\x1b[0m {line}\n",
            "\x1b[0;31mAssertionError\x1b[0m: the secret case"]


def scrubbed(*cells):
    nb = new_notebook(cells=[new_markdown_cell("# Assignment"), *cells])
    nbformat.validate(nb)
    nb, _ = ClearHiddenTestsAndTheirLines().preprocess(nb, {})
    return nb


def everything_shown(nb):
    """All text a feedback page can show: sources and every output, as one string."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts += [output.get("text", ""), output.get("evalue", "")]
            parts += output.get("traceback", [])
            parts += [v for v in output.get("data", {}).values() if isinstance(v, str)]
    return "\n".join(parts)


def test_hidden_lines_leave_the_source_and_visible_ones_stay():
    nb = scrubbed(grade_cell(TEST_CELL))
    assert HIDDEN not in nb.cells[1].source and "BEGIN HIDDEN" not in nb.cells[1].source
    assert VISIBLE in nb.cells[1].source


def test_a_traceback_through_a_hidden_line_names_no_hidden_text():
    error = new_output("error", ename="AssertionError", evalue="the secret case",
                       traceback=traceback_through(3, HIDDEN))
    nb = scrubbed(grade_cell(TEST_CELL, [error]))
    frames = nb.cells[1].outputs[0].traceback
    assert HIDDEN not in "\n".join(frames)
    assert "Cell In[7], line 3: (a hidden test)" in frames
    assert frames[-1].endswith("the secret case")   # the message stays: the student needs it


def test_a_traceback_through_a_visible_line_quotes_that_line():
    error = new_output("error", ename="AssertionError", evalue="double(2) should be 4",
                       traceback=traceback_through(1, VISIBLE))
    nb = scrubbed(grade_cell(TEST_CELL, [error]))
    assert f"Cell In[7], line 1: {VISIBLE}" in nb.cells[1].outputs[0].traceback


@pytest.mark.parametrize("kind", ["stream", "execute_result", "display_data", "error"])
def test_a_submission_that_prints_the_hidden_lines_shows_none_of_them(kind):
    """The answer cell prints the test cell's source (from In[]) in every way it can."""
    leak = f"prefix\n{TEST_CELL}\n  {HIDDEN}  \nsuffix"
    if kind == "stream":
        output = new_output("stream", name="stdout", text=leak)
    elif kind == "error":
        output = new_output("error", ename="ValueError", evalue=leak, traceback=[leak])
    else:
        output = new_output(kind, data={"text/plain": leak, "text/html": f"<pre>{leak}</pre>"},
                            **({"execution_count": 3} if kind == "execute_result" else {}))
    nb = scrubbed(answer_cell("print(In[7])", [output]), grade_cell(TEST_CELL))
    shown = everything_shown(nb)
    assert HIDDEN not in shown
    assert "prefix" in shown and "suffix" in shown     # only the quoting lines go
    assert "(hidden test text removed)" in shown


def test_coloured_output_is_matched_without_its_colours():
    coloured = HIDDEN.replace("double", "\x1b[0;34mdouble\x1b[0m", 1)
    nb = scrubbed(answer_cell("", [new_output("stream", name="stdout", text=coloured)]),
                  grade_cell(TEST_CELL))
    assert "246912" not in everything_shown(nb)


def test_short_or_visible_lines_are_not_treated_as_secrets():
    """A hidden `pass` (shorter than MIN_SECRET) or a line also visible elsewhere is no secret:
    blanking every output line holding it would blank the student's own output."""
    assert len(SHORT_HIDDEN) < MIN_SECRET
    shared = "result = double(2)"
    cell = "\n".join([shared, "### BEGIN HIDDEN TESTS", shared, HIDDEN, "### END HIDDEN TESTS"])
    text = f"pass\n{shared}\n"
    nb = scrubbed(answer_cell("", [new_output("stream", name="stdout", text=text)]),
                  grade_cell(cell))
    assert nb.cells[1].outputs[0].text == text


def test_the_base_class_alone_leaks_what_this_one_clears():
    """Why this preprocessor exists: nbgrader's ClearHiddenTests leaves the outputs as they are."""
    from nbgrader.preprocessors import ClearHiddenTests
    output = new_output("stream", name="stdout", text=TEST_CELL)
    nb = new_notebook(cells=[answer_cell("print(In[7])", [output]), grade_cell(TEST_CELL)])
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    assert HIDDEN in everything_shown(nb)
