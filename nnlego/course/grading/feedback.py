"""Feedback without the hidden tests: nbgrader's ``ClearHiddenTests``, made thorough.

Feedback is the autograded notebook as HTML, with the hidden tests restored and run. nbgrader's
own preprocessor clears the hidden lines from the cells' source only; a failing test's traceback
quotes them, and a submission can print them (IPython keeps every cell's source in ``In``).
:class:`ClearHiddenTestsAndTheirLines` clears them from the tracebacks and outputs too. It is a
security feature: ``nbgrader_config.py`` puts it into ``GenerateFeedback.preprocessors``.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

__all__ = ["ClearHiddenTestsAndTheirLines"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MIN_SECRET = 8   # a hidden line shorter than this (``)``, ``pass``) is not worth blanking for


class ClearHiddenTestsAndTheirLines(ClearHiddenTests):
    """Feedback without the hidden tests: cleared from the source, the tracebacks and the outputs.

    A failing test's traceback quotes its line and the lines around it. In a cell with hidden
    tests, each frame of that cell becomes one line: the failing line if it is a visible one,
    else "(a hidden test)". Frames inside the student's own code and the error message stay.
    A submission can also print the tests that run it (IPython keeps every cell's source in
    ``In``): every output line of every cell that quotes a hidden line is blanked too.
    """

    display_data_priority = List(config=True)   # set by the HTML exporter for every preprocessor

    def preprocess(self, nb, resources):
        hidden, visible = set(), set()
        for cell in nb.cells:
            lines = cell.source.split("\n")
            inside = self._hidden_line_numbers(lines)
            for number, line in enumerate(lines, start=1):
                (hidden if number in inside else visible).add(line.strip())
        self._secret = {line for line in hidden - visible if len(line) >= MIN_SECRET}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        lines = cell.source.split("\n")
        hidden = self._hidden_line_numbers(lines)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                if hidden:
                    output.traceback = [self._frame(part, cell, lines, hidden)
                                        for part in output.traceback]
                output.traceback = [self._scrub(part) for part in output.traceback]
                output.evalue = self._scrub(output.evalue)
            elif output.output_type == "stream":
                output.text = self._scrub(output.text)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output.data[mime] = self._scrub(value)
        return super().preprocess_cell(cell, resources, index)

    def _hidden_line_numbers(self, lines):
        begin, end = self.begin_test_delimeter, self.end_test_delimeter
        hidden, inside = set(), False
        for number, line in enumerate(lines, start=1):
            inside = inside or begin in line
            if inside:
                hidden.add(number)
            inside = inside and end not in line
        return hidden

    def _scrub(self, text):
        """text with every line that quotes a hidden test line replaced."""
        lines = text.split("\n")
        plain = [_ANSI.sub("", line) for line in lines]
        return "\n".join("(hidden test text removed)"
                         if any(secret in seen for secret in self._secret) else line
                         for line, seen in zip(lines, plain))

    @staticmethod
    def _frame(part, cell, lines, hidden):
        plain = _ANSI.sub("", part)
        match = re.match(rf"Cell In\[{cell.execution_count}\], line (\d+)", plain)
        if match is None:
            return part
        number = int(match.group(1))
        visible = number not in hidden and number <= len(lines)
        shown = lines[number - 1].strip() if visible else "(a hidden test)"
        return f"Cell In[{cell.execution_count}], line {number}: {shown}"
