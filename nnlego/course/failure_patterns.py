"""Students who failed the same way: each submission's whole set of failures, grouped.

An error group (:class:`nnlego.course.class_report.ErrorGroup`) gathers one check's failure
messages by template; two different mistakes that trip the same check with the same message
share it. A *failure pattern* is the other view: every failure of one submission — its
(cell, check, template) triples — taken together, and the students whose submissions have
exactly that set. A mistake made the same way by several students (the same slip in the same
piece) is one pattern, whatever the messages share with other mistakes; a submission that
passes every check has none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FailurePattern:
    """``count`` students of ``assignment`` (``students``) whose submissions failed exactly
    the ``failures`` ("cell · check: template", in the assignment's order), in ``cells``."""

    assignment: str
    count: int
    students: tuple[str, ...]
    cells: tuple[str, ...]
    failures: tuple[str, ...]


def patterns(error_groups) -> tuple[FailurePattern, ...]:
    """The failure patterns of a report's error groups, most students first."""
    failures: dict[tuple[str, str], list] = {}
    order = {}
    for group in error_groups:
        key = (group.cell, group.check, group.template)
        order.setdefault((group.assignment, key), len(order))
        for student in group.students:
            failures.setdefault((group.assignment, student), []).append(key)
    by_signature: dict[tuple, list[str]] = {}
    for (assignment, student), keys in failures.items():
        ranked = tuple(sorted(set(keys), key=lambda k: order[assignment, k]))
        by_signature.setdefault((assignment, ranked), []).append(student)
    out = [FailurePattern(assignment, len(students), tuple(sorted(students)),
                          tuple(dict.fromkeys(cell for cell, _, _ in signature)),
                          tuple(f"{cell} · {check}: {text}" for cell, check, text in signature))
           for (assignment, signature), students in by_signature.items()]
    return tuple(sorted(out, key=lambda p: (-p.count, p.assignment, p.failures)))


__all__ = ["FailurePattern", "patterns"]
