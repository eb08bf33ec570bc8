"""The course map: what each assignment builds, how long it takes, what it needs first.

Every assignment's title cell (the first cell of ``solutions/NN_name/name.ipynb``) holds one
line in exactly this format::

    **Expected time:** about 45 minutes · **Prerequisites:** chapter 2, assignment 2

The minutes are an integer; the prerequisites name chapters ("chapter 3", "chapters 3 and 4")
and assignments ("assignment 2"). Appendix A's course table is built from these lines, the
title (``# Assignment N — Title``), the names the answer cells define and the points of the
graded cells, so the table never disagrees with the notebooks (``tests/test_course.py``).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

HEADER_FORMAT = ("**Expected time:** about N minutes · **Prerequisites:** chapter N (and ...), "
                 "assignment M ...")
HEADER = re.compile(r"^\*\*Expected time:\*\* about (\d+) minutes · "
                    r"\*\*Prerequisites:\*\* (\S.*)$", re.M)
TITLE = re.compile(r"^# Assignment (\d+) — (.+)$", re.M)
_NAMED = re.compile(r"\b(chapter|assignment)s? (\d+(?:(?:, |,? and )\d+)*)")


@dataclass(frozen=True)
class Assignment:
    """One assignment as its notebook states it."""

    folder: str                      # "02_forward_pass"
    number: int                      # 2: the chapter it goes with
    title: str                       # "Neurons and the forward pass"
    minutes: int                     # the expected time
    prerequisites: str               # as written, e.g. "chapter 2, assignment 2"
    chapters: tuple[int, ...]        # the chapters the prerequisites name
    assignments: tuple[int, ...]     # the assignments the prerequisites name
    pieces: tuple[str, ...]          # the functions the answer cells define
    auto_points: int                 # points of the test cells
    written_points: int              # points of the written answers

    @property
    def label(self) -> str:
        """Appendix A's section label: ``ex-`` and the folder's name, e.g. ``ex-forward-pass``."""
        return "ex-" + self.folder.split("_", 1)[1].replace("_", "-")


def read_header(text: str, where: str = "the title cell") -> tuple[int, str]:
    """``(minutes, prerequisites)`` from the header line in ``text``; ValueError if missing."""
    found = HEADER.findall(text)
    if len(found) != 1:
        raise ValueError(f"{where} has {len(found)} header lines, expected exactly one in the "
                         f"format {HEADER_FORMAT!r}; add it below the title")
    minutes, prerequisites = found[0]
    return int(minutes), prerequisites.strip()


def named(prerequisites: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(chapters, assignments)`` named in a prerequisites text, each in order of mention."""
    out = {"chapter": [], "assignment": []}
    for kind, numbers in _NAMED.findall(prerequisites):
        out[kind] += [int(n) for n in re.findall(r"\d+", numbers)]
    return tuple(out["chapter"]), tuple(out["assignment"])


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _defined_names(source: str) -> list[str]:
    """Top-level functions an answer cell defines (IPython magics skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def read_assignment(notebook: Path) -> Assignment:
    """The :class:`Assignment` that the notebook ``solutions/NN_name/name.ipynb`` states."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    where = f"the title cell of {notebook}"
    first = _source(cells[0]) if cells else ""
    title = TITLE.search(first)
    if title is None:
        raise ValueError(f"{where} does not start with '# Assignment N — Title'; add the title")
    minutes, prerequisites = read_header(first, where)
    pieces, auto, written = [], 0, 0
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            pieces += _defined_names(_source(cell))
        if meta.get("grade"):
            points = int(meta.get("points", 0))
            if meta.get("solution"):
                written += points
            else:
                auto += points
    chapters, assignments = named(prerequisites)
    return Assignment(folder=Path(notebook).parent.name, number=int(title.group(1)),
                      title=title.group(2).strip(), minutes=minutes, prerequisites=prerequisites,
                      chapters=chapters, assignments=assignments, pieces=tuple(pieces),
                      auto_points=auto, written_points=written)


def course(root: Path = Path(".")) -> list[Assignment]:
    """Every assignment under ``root/solutions``, in assignment order."""
    notebooks = sorted(Path(root, "solutions").glob("[0-9][0-9]_*/*.ipynb"))
    if not notebooks:
        raise ValueError(f"no assignment notebooks under {Path(root, 'solutions')}: pass the "
                         "repository's root (the folder that holds solutions/)")
    return sorted((read_assignment(p) for p in notebooks), key=lambda a: a.number)


def _prerequisite_links(a: Assignment, chapter_docs: dict, labels: dict) -> str:
    parts = [f"{{doc}}`{chapter_docs[n]}`" if n in chapter_docs else f"chapter {n}"
             for n in a.chapters]
    parts += [f"{{ref}}`assignment {n} <{labels[n]}>`" if n in labels else f"assignment {n}"
              for n in a.assignments]
    return ", ".join(parts) if parts else a.prerequisites


def course_table(assignments: list[Assignment], chapter_docs: dict[int, str]) -> str:
    """Appendix A's course table (MyST Markdown): one row per assignment, in order.

    ``chapter_docs`` maps a chapter's number to its document name, e.g. ``{2: "02_forward_pass"}``.
    """
    labels = {a.number: a.label for a in assignments}
    rows = ["| assignment | chapter | you build | expected time | prerequisites | points "
            "(auto + written) |", "|---|---|---|---|---|---|"]
    for a in assignments:
        chapter = (f"{{doc}}`{chapter_docs[a.number]}`" if a.number in chapter_docs
                   else f"chapter {a.number}")
        built = ", ".join(f"`{name}`" for name in a.pieces)
        rows.append(f"| {{ref}}`{a.number}. {a.title} <{a.label}>` | {chapter} | {built} | "
                    f"about {a.minutes} min | {_prerequisite_links(a, chapter_docs, labels)} | "
                    f"{a.auto_points} + {a.written_points} |")
    return "\n".join(rows)


def chapter_docs(book: Path = Path("book")) -> dict[int, str]:
    """``{number: document name}`` of the numbered chapters ``book/NN_*.md``."""
    return {int(p.name[:2]): p.stem for p in sorted(Path(book).glob("[0-9][0-9]_*.md"))}
