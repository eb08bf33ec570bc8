"""Made-up class reports (:class:`nnlego.course.class_report.ClassReport`) for the tests of the
report's page, plots and command: a seeded class whose records are as ``build`` makes them
(scores out of the assignment's points, fail shares of hidden and visible checks, error
templates with their students, item statistics with poor items, review flags).

``hostile=True`` puts into every field a student can influence (ids, messages, flag reasons)
the text a page must show as text: markup, a script, quotes, an ampersand, a long unbroken word.
"""

from __future__ import annotations

import numpy as np

from nnlego.course.class_report import (
    AssignmentSummary,
    CheckSummary,
    ClassReport,
    ErrorGroup,
    ItemStat,
    ReviewFlag,
)
from nnlego.course.failure_patterns import patterns

BOOK = "https://nnlego.github.io/nnlego/book"
HOSTILE = '<script>alert("x")</script><b>&amp;</b>\'"' + "x" * 120
CELLS = {   # assignment -> {test cell: (points, chapter section)}
    "02_forward_pass": {"test_sigmoid": (2, "02_forward_pass.html#sigmoid"),
                        "test_sigmoid_prime": (2, "02_forward_pass.html#sigmoid"),
                        "test_forward": (3, "02_forward_pass.html#the-forward-pass")},
    "03_backprop": {"test_delta_output": (2, "03_backprop.html#the-output-error"),
                    "test_backprop": (4, "03_backprop.html#backpropagation"),
                    "test_gradcheck": (4, "03_backprop.html#gradient-check")},
}
MESSAGES = ("{f}(0) should be 0.5, got {x}", "{f} changed its input array in place",
            "output has shape ({n}, 10), expected ({m}, 10): samples are rows")


def class_report(*, rng, n_students=12, assignments=("02_forward_pass", "03_backprop"),
                 anonymized=False, hostile=False) -> ClassReport:
    """A report of ``n_students`` over ``assignments`` (keys of ``CELLS``), drawn with ``rng``."""
    ids = [f"anon-{i:04x}" if anonymized else f"student_{i:03d}" for i in range(n_students)]
    if hostile:
        ids[0] = "<img src=x onerror=alert(1)>"
    parts = [_assignment(a, ids, rng, hostile) for a in assignments]
    fields = {key: tuple(x for part in parts for x in part[key])
              for key in ("assignments", "checks", "error_groups", "items", "flags")}
    return ClassReport(course="nnlego <demo>" if hostile else "nnlego", anonymized=anonymized,
                       patterns=patterns(fields["error_groups"]), **fields)


def _assignment(assignment, ids, rng, hostile):
    cells = CELLS[assignment]
    ability = rng.random(len(ids))
    points = {cell: np.where(rng.random(len(ids)) < 0.25 + 0.7 * ability, float(p), 0.0)
              for cell, (p, _) in cells.items()}
    points[next(iter(cells))] = np.where(rng.random(len(ids)) < 0.5,   # one item of pure luck
                                         float(next(iter(cells.values()))[0]), 0.0)
    scores = sum(points.values())
    max_score = float(sum(p for p, _ in cells.values()))
    checks, groups, items = [], [], []
    for cell, (p, section) in cells.items():
        failing = [s for s, got in zip(ids, points[cell]) if got < p]
        for kind, share in (("visible", 0.6), ("hidden", 1.0)):
            failed = int(round(share * len(failing)))
            checks.append(CheckSummary(assignment, cell, f"{kind} 1", kind, len(ids), failed))
        groups += _errors(assignment, cell, f"{BOOK}/{section}", failing, rng, hostile)
        rest = scores - points[cell]
        r = float(np.corrcoef(points[cell], rest)[0, 1]) if points[cell].std() > 0 else None
        items.append(ItemStat(assignment, cell, float(p), float(points[cell].mean() / p),
                              r, r is None or r < 0.2))
    flagged = [ids[i] for i in rng.choice(len(ids), size=2, replace=False)]
    flags = [ReviewFlag(assignment, s, next(iter(cells)),
                        HOSTILE if hostile else "the protected name `np` was rebound")
             for s in flagged]
    summary = AssignmentSummary(assignment, len(ids), len(ids), len(flagged), tuple(ids),
                                tuple(float(x) for x in scores), max_score,
                                float(3.1 * len(ids)))
    return {"assignments": [summary], "checks": checks, "error_groups": groups,
            "items": items, "flags": flags}


def _errors(assignment, cell, url, failing, rng, hostile):
    """The failing students of one cell split over up to three message templates."""
    groups, start = [], 0
    for k, template in enumerate(MESSAGES):
        take = failing[start:start + max(1, len(failing) // (k + 2))]
        start += len(take)
        if not take:
            break
        example = template.format(f="sigmoid", x=round(float(rng.random()), 3), n=5, m=10)
        if hostile and k == 0:
            example, template = f"{example} {HOSTILE}", f"{template} {HOSTILE}"
        groups.append(ErrorGroup(assignment, cell, "hidden 1", template.replace("{", "<")
                                 .replace("}", ">"), len(take), example, tuple(take), url))
    return groups
