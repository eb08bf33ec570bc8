"""One number, one text: a quantity quoted by two chapters is glued as the same text (issue 24).

Reads the glue records of the built book (``_build/jupyter_execute/book/*.glue.json``, what
myst-nb puts into the prose): each pair below names the same quantity in two chapters, so the
two texts must be equal (up to a "%" the prose adds); and no glued text is a raw float
(``0.6223666666666666``) or an empty range ("2 to 2").
"""

from __future__ import annotations

import json
import re

import pytest
from booksite import HTML, skip_or_fail

pytestmark = pytest.mark.browser      # a check of the built book: `make book-check`

GLUE = HTML.parent / "jupyter_execute" / "book"
SAME = [  # (chapter, glue name), (chapter, glue name): one quantity
    (("04_sgd_l2", "final_test"), ("05_lego_bricks", "test_accuracy")),
    (("04_sgd_l2", "first_test"), ("08_init", "first_network_py_30")),
    (("07_small_networks", "mean_30"), ("08_init", "accuracy_network_py_30")),
    (("07_small_networks", "mean_30"), ("11_what_it_learns", "acc_30")),
    (("07_small_networks", "mean_10"), ("11_what_it_learns", "acc_10")),
    (("07_small_networks", "mean_2"), ("11_what_it_learns", "acc_2")),
    (("09_derangements", "acc_orig_orig"), ("11_what_it_learns", "orig_orig")),
    (("09_derangements", "acc_orig_der"), ("11_what_it_learns", "orig_der")),
    (("09_derangements", "acc_der_der"), ("11_what_it_learns", "der_der")),
    (("09_derangements", "acc_der_orig"), ("11_what_it_learns", "der_orig")),
    (("10_correlation", "within_deranged"), ("11_what_it_learns", "within_4")),
    (("10_correlation", "across_deranged"), ("11_what_it_learns", "across_4")),
    (("10_correlation", "savant_score"), ("11_what_it_learns", "score_savant")),
    (("10_correlation", "original_score"), ("11_what_it_learns", "score_original")),
    (("10_correlation", "mixed_score"), ("11_what_it_learns", "score_mixed")),
    (("10_correlation", "cost_original"), ("11_what_it_learns", "cost_original")),
    (("10_correlation", "perm_orig"), ("11_what_it_learns", "perm_orig")),
]


def glued(chapter: str) -> dict:
    """``{name: text}`` of a built chapter's glue records."""
    path = GLUE / f"{chapter}.glue.json"
    if not path.exists():
        skip_or_fail(f"no glue records at {path}: run `make book` first")
    records = json.loads(path.read_text())
    return {name: record["data"]["text/plain"].strip("'\"") for name, record in records.items()}


@pytest.mark.parametrize(("first", "second"), SAME, ids=[f"{a[1]}={b[1]}" for a, b in SAME])
def test_a_quantity_quoted_twice_reads_the_same(first, second):
    a, b = glued(first[0]), glued(second[0])
    assert first[1] in a and second[1] in b, "a glue name of this test is gone from its chapter"
    assert a[first[1]].rstrip("%") == b[second[1]].rstrip("%"), (
        f"{first} is {a[first[1]]!r} but {second} is {b[second[1]]!r}: glue both from the same "
        "function with the same format (nnlego.articles.claims)")


RAW_FLOAT = re.compile(r"\d\.\d{10,}")          # a repr's 16 digits, not a chosen format
EMPTY_RANGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)%? to \1%?(?![\d.])")   # "2 to 2"


def test_no_raw_float_or_empty_range_in_the_prose():
    if not GLUE.exists():
        skip_or_fail(f"no glue records at {GLUE}: run `make book` first")
    problems = []
    for path in sorted(GLUE.glob("*.glue.json")):
        for name, text in glued(path.name.removesuffix(".glue.json")).items():
            if RAW_FLOAT.search(text) or EMPTY_RANGE.search(text):
                problems.append(f"{path.name}: {name} = {text!r}")
    assert not problems, "raw floats or empty ranges in the prose: " + "; ".join(problems)


def test_no_raw_float_in_a_cell_output():
    """What a cell prints is read too: a dict of floats shown as its repr (chapter 8 printed
    ``{'large': 0.6223666666666666, ...}``) goes through claims.share / pct first."""
    notebooks = sorted(GLUE.glob("*.ipynb"))
    if not notebooks:
        skip_or_fail(f"no executed chapters at {GLUE}: run `make book` first")
    problems = []
    for path in notebooks:
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", "")) + "".join(
                    output.get("data", {}).get("text/plain", ""))
                problems += [f"{path.name} cell {index}: {m.group()}"
                             for m in RAW_FLOAT.finditer(text)]
    assert not problems, "raw floats printed by cells: " + "; ".join(problems)
