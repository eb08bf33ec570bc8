"""Old engine vs new: the scores of every submission of the solution suite, side by side.

The solution suite (``tests/test_solutions.py``) grades, for every assignment, the solution, the
released notebook, every wrong solution, correct alternative and cheat of ``tests/``. Run it once
per engine with ``NNLEGO_SCORE_TABLE`` set, then compare::

    NNLEGO_GRADER_ENGINE=v1 NNLEGO_SCORE_TABLE=/tmp/v1.json pytest tests/test_solutions.py -k full
    NNLEGO_GRADER_ENGINE=v2 NNLEGO_SCORE_TABLE=/tmp/v2.json pytest tests/test_solutions.py -k full

(``-k "full and 12_capstone"``: one assignment's submissions.)
    python benchmarks/engine_scores.py /tmp/v1.json /tmp/v2.json

It prints one Markdown row per submission (total points under each engine, of the maximum) and,
below, every test cell whose score differs, so each difference can be explained.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def totals(cells: dict) -> tuple[float, float]:
    return (sum(score for score, _ in cells.values()),
            sum(maximum for _, maximum in cells.values()))


def kind(student: str) -> str:
    for prefix, name in (("wrong_", "wrong"), ("right_", "correct alternative"),
                         ("cheat_", "cheat"), ("again_", "wrong (again)")):
        if student.startswith(prefix):
            return name
    return {"solution": "solution", "released": "release"}.get(student, "integrity case")


def compare(old: dict, new: dict) -> tuple[list[str], list[str]]:
    """(the table's rows, the differing cells' rows)."""
    rows = ["| assignment | submission | kind | old | new | max |", "|---|---|---|---|---|---|"]
    changed = ["| assignment | submission | cell | old | new |", "|---|---|---|---|---|"]
    for assignment in sorted(set(old) | set(new)):
        students = sorted(set(old.get(assignment, {})) | set(new.get(assignment, {})))
        for student in students:
            before = old.get(assignment, {}).get(student, {})
            after = new.get(assignment, {}).get(student, {})
            (a, maximum), (b, _) = totals(before), totals(after)
            rows.append(f"| {assignment} | {student} | {kind(student)} | "
                        f"{a:g} | {b:g} | {maximum or totals(after)[1]:g} |")
            for cell in sorted(set(before) | set(after)):
                x, y = before.get(cell, [None])[0], after.get(cell, [None])[0]
                if x != y:
                    changed.append(f"| {assignment} | {student} | {cell} | {x} | {y} |")
    return rows, changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", type=Path, help="scores of the old engine (JSON)")
    parser.add_argument("new", type=Path, help="scores of the new engine (JSON)")
    args = parser.parse_args(argv)
    rows, changed = compare(json.loads(args.old.read_text()), json.loads(args.new.read_text()))
    print("\n".join(rows))
    print(f"\n{len(changed) - 2} test cells score differently:\n")
    print("\n".join(changed))


if __name__ == "__main__":
    main()
