"""Where the book teaches a piece: the chapter page of an assignment and the section's anchor.

Assignment ``NN_name`` goes with chapter ``book/NN_*.md`` (the same number; DEVELOPERS.md's
layout). A test cell ``test_<piece>...`` checks the piece (a function an answer cell defines,
:mod:`nnlego.course.course_map`); the section that teaches it is the first ``##``/``###``
section of the chapter whose text names the piece as code: in backticks, called
(``piece(``) or as an attribute (``.piece``, as in ``:pyobject: Network.backprop``); "What we
found" is left out. A plain word of prose ("large") is not a mention. Its
anchor is the MyST label written above the heading (``(label)=``) or, without one, the id
Sphinx gives the heading (lowercase words joined by hyphens). Plain string work on the
chapter's text; only :func:`chapter_url` and :func:`links` read files.
"""

from __future__ import annotations

import re
from pathlib import Path

from nnlego.course import course_map, publishing

SKIPPED = ("what we found",)


def slug(heading: str) -> str:
    """The id Sphinx gives a heading: ``"The forward pass"`` -> ``the-forward-pass``."""
    text = re.sub(r"[`*_$]", "", heading).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def sections(text: str) -> list[tuple[str, str, str]]:
    """``(anchor, heading, body)`` of every level-2 and level-3 section (code fences skipped
    when looking for headings)."""
    out, fence, label, current = [], None, None, None
    for line in text.split("\n"):
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if marker:
            fence = None if fence and marker.group(1).startswith(fence) else (fence or
                                                                              marker.group(1))
        heading = None if fence else re.match(r"^#{2,3}\s+(.+?)\s*$", line)
        if heading:
            current = [label or slug(heading.group(1)), heading.group(1), []]
            out.append(current)
            label = None
            continue
        found = None if fence else re.match(r"^\((\S+)\)=\s*$", line)
        label = found.group(1) if found else (label if not line.strip() else None)
        if current is not None:
            current[2].append(line)
    return [(anchor, heading, "\n".join(body)) for anchor, heading, body in out]


def section_of(text: str, piece: str) -> str | None:
    """The anchor of the first section that names ``piece`` as code, else None."""
    name = re.escape(piece)
    word = re.compile(rf"`[^`\n]*(?<![\w]){name}\b[^`\n]*`|(?<![\w.]){name}\s*\(|\.{name}\b")
    for anchor, heading, body in sections(text):
        if heading.strip().lower() not in SKIPPED and word.search(f"{heading}\n{body}"):
            return anchor
    return None


def piece_of(grade_id: str, pieces) -> str | None:
    """The piece a test cell checks: the longest ``p`` with ``grade_id`` starting ``test_p``."""
    matching = [p for p in pieces if grade_id == f"test_{p}" or grade_id.startswith(f"test_{p}_")]
    return max(matching, key=len) if matching else None


def chapter_doc(book_dir, assignment: str) -> str:
    """The chapter's docname, ``book/02_forward_pass``: the file ``NN_*.md`` in book_dir with
    the assignment's number, else ``book/<assignment>``."""
    number = assignment.split("_", 1)[0]
    found = sorted(Path(book_dir).glob(f"{number}_*.md")) if Path(book_dir).is_dir() else []
    return f"book/{found[0].stem}" if found else f"book/{assignment}"


def chapter_url(book_url: str, book_dir, assignment: str, piece: str | None = None) -> str:
    """``<book_url>book/NN_name.html`` and ``#anchor`` of the section teaching ``piece`` when
    the chapter's text is at hand and names it."""
    doc = chapter_doc(book_dir, assignment)
    url = f"{book_url.rstrip('/')}/{doc}.html"
    path = Path(book_dir) / f"{Path(doc).name}.md"
    if piece and path.is_file():
        anchor = section_of(path.read_text(encoding="utf-8"), piece)
        if anchor:
            url += f"#{anchor}"
    return url


def links(root, assignments, book_url=None) -> dict[tuple[str, str], str]:
    """{(assignment, grade_id): URL of the chapter section that teaches the cell's piece}."""
    root = Path(root)
    if book_url is None:
        try:
            book_url = publishing.publication(root / "_config.yml").book
        except (OSError, ValueError, ImportError):
            return {}
    out = {}
    for name, cells in assignments.items():
        notebooks = sorted((root / "solutions" / name).glob("*.ipynb"))
        try:
            pieces = course_map.read_assignment(notebooks[0]).pieces if notebooks else ()
        except ValueError:          # a notebook without the course map's title and header
            pieces = ()
        for cell in cells.cells:
            piece = piece_of(cell, pieces)
            out[name, cell] = chapter_url(book_url, root / "book", name, piece)
    return out
