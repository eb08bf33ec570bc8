"""The book's sources, framed as a course: fast checks of the MyST files, no build needed.

Every numbered chapter of ``_toc.yml`` (``book/NN_*.md``) must have
- its number in its title (``# N. ...``), which is also what the sidebar shows;
- an "In this chapter you will" list right after the hidden setup cell, before any section;
- a "What we found" recap as its last section, with at least one glued number;
- a link to its assignment (appendix A's section and the notebook in ``exercises/``) when the
  course map gives it one;
and every ``{term}`` reference must name a term of the glossary (``book/glossary.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
# The course map: chapter N's assignment is exercises/NN_*/ (same number), when there is one.
ASSIGNMENTS = {int(p.name[:2]): p.name for p in sorted((ROOT / "exercises").glob("[0-9][0-9]_*"))
               if p.is_dir()}
REQUIRED_TERMS = ("ReLU", "softmax", "cross-entropy", "categorical cross-entropy", "Adam",
                  "Glorot init", "He init", "L2 regularisation", "weight decay", "saturation",
                  "derangement", "Pearson r", "null distribution", "z-score", "p-value", "seed")
TERM = re.compile(r"\{term\}`([^`]*)`")


def toc_chapters():
    """``[(number, path)]`` of the numbered chapters listed in ``_toc.yml``."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    docs = re.findall(r"^\s*(?:root|-\s*file)\s*:\s*(\S+)\s*$", text, flags=re.M)
    out = []
    for doc in docs:
        match = re.fullmatch(r"book/(\d\d)_\w+", doc)
        if match:
            out.append((int(match.group(1)), ROOT / f"{doc}.md"))
    return out


def glossary_terms(text) -> set:
    """The terms defined in the ``{glossary}`` block of ``text``, lower-cased."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, flags=re.S)
    if not block:
        return set()
    return {line.strip().lower() for line in block.group(1).splitlines()
            if line.strip() and not line.startswith((" ", "\t"))}


def appendix_labels() -> set:
    return set(re.findall(r"^\((ex-[\w-]+)\)=$",
                          (BOOK / "appendix_a_exercises.md").read_text(encoding="utf-8"),
                          flags=re.M))


def chapter_problems(text, number, labels) -> list:
    """What a chapter's source lacks of the course's framing (empty: nothing)."""
    problems = []
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)     # no code cells' comments
    titles = re.findall(r"^# (.+)$", prose, flags=re.M)
    if len(titles) != 1 or not titles[0].startswith(f"{number}. "):
        problems.append(f"needs one title, starting with '{number}. ', got {titles}")
    setup = re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n.*?\n```\n", text,
                      flags=re.S)
    after = text[setup.end():] if setup else text
    first_section = re.search(r"^## ", after, flags=re.M)
    intro = after[:first_section.start()] if first_section else after
    you_will = re.search(r"```\{admonition\} In this chapter you will\n((?:- .*\n(?:  .*\n)*)+)```",
                         intro)
    if not setup or not you_will or you_will.group(1).count("\n- ") < 1:
        problems.append("needs an 'In this chapter you will' list of two items or more right "
                        "after the hidden setup cell, before the first section")
    sections = re.findall(r"^## (.+)$", text, flags=re.M)
    if not sections or sections[-1].strip() != "What we found":
        problems.append(f"the last section must be '## What we found', got "
                        f"{sections[-1] if sections else None!r}")
    else:
        recap = text[text.rindex("## What we found"):]
        if "{glue:text}`" not in recap:
            problems.append("the 'What we found' recap must glue at least one number")
    folder = ASSIGNMENTS.get(number)
    if folder:
        refs = re.findall(r"\{ref\}`[^`<]*<(ex-[\w-]+)>`", text)
        if f"exercises/{folder}/" not in text:
            problems.append(f"needs a link to its notebook in exercises/{folder}/")
        if not any(ref in labels for ref in refs):
            problems.append(f"needs a {{ref}} to its section of appendix A (one of "
                            f"{sorted(labels)}), got {refs}")
    return problems


CHAPTERS = toc_chapters()


def test_the_course_map_finds_the_assignments():
    """exercises/ holds numbered assignments; each number is a chapter of the toc."""
    assert {2, 9, 10} <= set(ASSIGNMENTS)
    assert set(ASSIGNMENTS) <= {n for n, _ in CHAPTERS}


def test_the_toc_lists_the_chapters_and_the_glossary():
    """Chapters 1 to 11 (those written) and the glossary are in the table of contents."""
    numbers = [n for n, _ in CHAPTERS]
    assert numbers == sorted(numbers) and {1, 2, 9, 10, 11} <= set(numbers)
    assert "book/glossary" in (ROOT / "_toc.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("number, path", CHAPTERS, ids=[p.stem for _, p in CHAPTERS])
def test_every_chapter_is_framed_as_a_course(number, path):
    """Number in the title, 'you will' list, 'What we found' recap, assignment link."""
    assert chapter_problems(path.read_text(encoding="utf-8"), number, appendix_labels()) == []


def test_the_glossary_defines_every_required_term():
    terms = glossary_terms((BOOK / "glossary.md").read_text(encoding="utf-8"))
    assert {t.lower() for t in REQUIRED_TERMS} <= terms


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.md")), ids=lambda p: p.stem)
def test_every_term_reference_names_a_glossary_term(path):
    """``{term}`X``` and ``{term}`text <X>``` must name a term of book/glossary.md."""
    terms = glossary_terms((BOOK / "glossary.md").read_text(encoding="utf-8"))
    used = [" ".join(re.sub(r"^.*<(.*)>$", r"\1", ref, flags=re.S).split()).lower()
            for ref in TERM.findall(path.read_text(encoding="utf-8"))]   # Sphinx: one space
    assert [t for t in used if t not in terms] == []


def test_the_checks_can_fail():
    """A chapter without framing, and a reference to an undefined term, are both caught."""
    bare = ("# Savant syndrome\n\n```{code-cell} ipython3\n:tags: [remove-cell]\nx = 1\n```\n\n"
            "Text.\n\n## Results\n\nMore.\n")
    problems = chapter_problems(bare, 9, {"ex-derangements"})
    assert len(problems) == 5          # title, you-will, recap, notebook link, appendix ref
    framed = ("# 9. Savant\n\n```{code-cell} ipython3\n:tags: [remove-cell]\nx = 1\n```\n\n"
              "```{admonition} In this chapter you will\n- a;\n- b.\n```\n\n## Body\n\n"
              "## What we found\n\n- {glue:text}`x`\n\n{ref}`A <ex-derangements>` "
              "[nb](https://x/exercises/09_derangements/derangements.ipynb)\n")
    assert chapter_problems(framed, 9, {"ex-derangements"}) == []
    assert chapter_problems(framed.replace("9. Savant", "8. Savant"), 9, set()) != []
    assert chapter_problems(framed.replace("## Body", "# 10. Other"), 9, {"ex-derangements"})
    terms = glossary_terms("```{glossary}\nReLU\n  max(0, z).\n\nsoftmax\n  e^z / sum.\n```")
    assert terms == {"relu", "softmax"}
    assert "adam" not in terms
