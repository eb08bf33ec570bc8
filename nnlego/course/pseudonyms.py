"""Stable pseudonyms for an anonymised class report: ``student-3fa2c1d0`` for a student id.

A pseudonym is HMAC-SHA256 of the student id under the course's secret salt, its first 8 hex
digits: the same student gets the same pseudonym in every report of the course (a teacher can
follow one across reports without knowing who it is), and nobody without the salt can test a
guessed id against it. The salt is 32 random bytes in ``grading_logs/report_salt`` (hex), made
once, readable by its owner only (mode 600); deleting it gives every student a new pseudonym.
:func:`anonymized` puts them into a whole :class:`~nnlego.course.class_report.ClassReport`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SALT_FILE = ("grading_logs", "report_salt")
PREFIX = "student-"
DIGITS = 8


def salt(course_root) -> bytes:
    """The course's salt: read, or made once (exclusive create, mode 600, no link followed)."""
    path = Path(course_root).joinpath(*SALT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
        try:
            value = bytes.fromhex(text)
        except ValueError:
            value = b""
        if len(value) < 16:
            raise ValueError(f"{path} does not hold a salt (hex, 32 bytes); delete it to make "
                             "a new one (every student then gets a new pseudonym)") from None
        return value
    value = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value.hex() + "\n")
    return value


def pseudonym(student: str, key: bytes) -> str:
    """``student-`` and 8 hex digits of HMAC-SHA256(key, student id)."""
    digest = hmac.new(key, str(student).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def pseudonyms(students, key: bytes) -> dict[str, str]:
    """{student id: pseudonym}; ValueError in the (2^-32-unlikely) case of two alike."""
    out = {student: pseudonym(student, key) for student in students}
    if len(set(out.values())) != len(out):
        raise ValueError("two students got the same pseudonym; delete grading_logs/report_salt "
                         "to draw a new salt")
    return out


def anonymized(report, names: dict[str, str]):
    """The report with every student id replaced by its pseudonym ``names[id]`` (in lists of
    students and inside any text, such as an example message that quotes a path)."""
    import re
    from dataclasses import replace

    ids = sorted(names, key=len, reverse=True)
    pattern = re.compile("(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ids)) +
                         ")(?![A-Za-z0-9_])") if ids else None

    def text(value):
        return pattern.sub(lambda m: names[m.group(1)], value) if pattern else value

    def summary(a):
        pairs = sorted(zip((names.get(s, text(s)) for s in a.students), a.scores))
        return replace(a, students=tuple(s for s, _ in pairs), scores=tuple(x for _, x in pairs))

    groups = [replace(g, template=text(g.template), example=text(g.example),
                      students=tuple(sorted(names.get(s, text(s)) for s in g.students)))
              for g in report.error_groups]
    flags = sorted((replace(f, student=names.get(f.student, text(f.student)),
                            reason=text(f.reason)) for f in report.flags),
                   key=lambda f: (f.assignment, f.student, f.cell, f.reason))
    checks = [replace(c, check=text(c.check)) for c in report.checks]
    patterns = [replace(p, failures=tuple(map(text, p.failures)),
                        students=tuple(sorted(names.get(s, text(s)) for s in p.students)))
                for p in report.patterns]
    return replace(report, anonymized=True, assignments=tuple(map(summary, report.assignments)),
                   checks=tuple(checks), error_groups=tuple(groups), flags=tuple(flags),
                   patterns=tuple(patterns))
