"""A chapter's notebook that reads like its page: MyST turned into what Jupyter renders.

The launch buttons open a chapter as a notebook (:mod:`nnlego.course.publishing`), and Jupyter,
Colab
and JupyterLab render plain Markdown only. :func:`readable` rewrites a chapter notebook's Markdown
cells, once, when the book is built:

- ``{glue:text}`name``` (and ``{glue}``, ``name:fmt``) -> the glued value, formatted as myst-nb
  formats it (``glued``: :func:`glue_values` of the build's ``.glue.json``);
- ``{term}``, ``{ref}``, ``{doc}``, ``{download}`` -> Markdown links to the published pages
  (:class:`Links`); any other role -> its text;
- admonitions -> block quotes with a bold title; ``{literalinclude}`` -> a fenced code block
  (``include``, else a link to the file); ``{figure}``/``{image}`` -> an image;
- labels ``(name)=``, ``{index}`` blocks and directive options -> dropped.

:func:`leftovers` finds what a notebook still shows raw; the book build and the tests call it.
String work only: the caller reads and writes the files.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from typing import NamedTuple

RAW = (re.compile(r"\{glue[:\w]*\}`"), re.compile(r"\{(term|ref|doc|download|numref|eq)\}`"),
       re.compile(r"^\s*(:{3,}|`{3,})\{", re.M), re.compile(r"^\s*\([\w.:-]+\)=\s*$", re.M))
_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_FENCE = re.compile(r"^(\s*)(:{3,}|`{3,})\{([\w:-]+)\}\s*(.*?)\s*$")
_LABEL = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:.*$")
_ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution",
                "attention", "danger", "error", "seealso"}


class Links(NamedTuple):
    """Where the page's cross-references go: ``terms`` ``{term (lower case): url}``, ``labels``
    ``{label: (url, title)}``, ``docs`` ``{docname: (url, title)}``, ``glossary`` the glossary
    page's URL (for a term not in ``terms``), ``source`` the repository's file URL prefix
    (``https://github.com/ORG/REPO/blob/BRANCH/``), ``docname`` the chapter's (``book/05_x``)."""

    terms: dict
    labels: dict
    docs: dict
    glossary: str
    source: str
    docname: str


def glue_values(glue_data: dict) -> dict:
    """``{name: text/plain}`` from myst-nb's ``<docname>.glue.json`` (its build output)."""
    return {name: entry.get("data", {}).get("text/plain", "")
            for name, entry in glue_data.items() if isinstance(entry, dict)}


def format_glued(text: str, fmt: str = "") -> str:
    """A glued text/plain as myst-nb's ``{glue:text}`` shows it (quotes off, ``fmt`` applied)."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not fmt:
        return str(value)
    kind = fmt[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    else:
        value = str(value)
    return format(value, fmt)


def readable(nb: dict, links: Links, glued: dict | None = None,
             include: Callable[[str, dict], str | None] | None = None) -> dict:
    """A copy of notebook ``nb`` whose Markdown cells are plain Markdown (module docstring).

    ``glued``: ``{name: text/plain}``; a name it lacks (a notebook made without running the
    chapter, from its source) becomes a link to the published page, which shows the number.
    ``include(path, options)``: the code a ``{literalinclude}`` shows, or None for a link.
    """
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            cell["source"] = markdown(source, links, glued, include)
    return nb


def markdown(text: str, links: Links, glued=None, include=None) -> str:
    """One Markdown cell's MyST as plain Markdown."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        opened = _FENCE.match(line)
        if _LABEL.match(line):
            i += 1
            continue
        if not opened:
            out.append(_roles(line, links, glued))
            i += 1
            continue
        indent, fence, name, argument = opened.groups()
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].strip() == fence), len(lines))
        body = lines[i + 1:end]
        options = {m.group(1): m.group(2).strip() for m in
                   (re.match(r"^\s*:([\w-]+):(.*)$", b) for b in body) if m}
        body = [b for b in body if not _OPTION.match(b)]
        out += _directive(name, argument, body, options, links, glued, include, indent)
        i = end + 1
    return "\n".join(out)


def _directive(name, argument, body, options, links, glued, include, indent):
    """The plain Markdown lines of one directive."""
    inner = markdown("\n".join(body), links, glued, include).split("\n")
    if name == "index":
        return []
    if name in _ADMONITIONS:
        title = _roles(argument, links, glued) if name == "admonition" else \
            (argument or name.capitalize().replace("Seealso", "See also"))
        quoted = [f"{indent}> {line}".rstrip() for line in inner]
        return [f"{indent}> **{title}**", f"{indent}>", *quoted]
    if name == "literalinclude":
        code = include(argument, options) if include else None
        if code is None:
            path = _resolve(argument, links.docname)
            return [f"{indent}[`{path}`]({links.source}{path})"]
        language = options.get("language", "")
        return [f"{indent}```{language}", *code.rstrip("\n").split("\n"), f"{indent}```"]
    if name in ("figure", "image"):
        caption = " ".join(line.strip() for line in inner if line.strip())
        return [f"{indent}![{caption}]({argument})"]
    if name == "glossary":
        return _glossary(inner, indent)
    if name in ("code-block", "code", "sourcecode"):
        return [f"{indent}```{argument}", *body, f"{indent}```"]
    return inner


def _glossary(lines, indent):
    out = []
    for line in lines:
        if line.strip() and not line.startswith((" ", "\t")):
            out.append(f"{indent}**{line.strip()}**")
        else:
            out.append(f"{indent}{line.strip()}" if line.strip() else "")
    return out


def _roles(line: str, links: Links, glued) -> str:
    return _ROLE.sub(lambda m: _role(m.group(1), m.group(2), links, glued), line)


def _role(name, content, links, glued):
    text, target = _split(content)
    if name in ("glue", "glue:", "glue:text", "glue:any", "glue:md"):
        key, _, fmt = content.partition(":")
        if glued is None or key not in glued:   # a notebook made without running the chapter
            page = links.docs.get(links.docname, (links.glossary, ""))[0]
            return f"[`{key}` (on the book's page)]({page})"
        return format_glued(glued[key], fmt)
    if name == "term":
        slug = re.sub(r"[^\w]+", "-", target).strip("-")
        url = links.terms.get(target.lower()) or f"{links.glossary}#term-{slug}"
        return f"[{text}]({url})"
    if name in ("ref", "numref"):
        url, title = links.labels.get(target, (f"{links.glossary}", target))
        return f"[{text if text != target else title}]({url})"
    if name == "doc":
        docname = _resolve(target, links.docname).removesuffix(".md")
        url, title = links.docs.get(docname, (f"{docname}.html", target))
        return f"[{text if text != target else title}]({url})"
    if name == "download":
        return f"[{text}]({links.source}{_resolve(target, links.docname)})"
    if name == "math":
        return f"${content}$"
    return f"`{text}`" if name != "key" else f"**{text}**"


def _split(content):
    """``"text <target>"`` -> (text, target); ``"target"`` -> (target, target)."""
    found = re.match(r"^(.*?)\s*<([^<>]+)>$", content, re.S)
    return (found.group(1), found.group(2)) if found else (content, content)


def _resolve(target: str, docname: str) -> str:
    """``target`` relative to the chapter's folder, as a repository path (``..`` resolved)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = docname.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def leftovers(nb: dict) -> list:
    """``[(cell index, the raw MyST found)]``: what a notebook's Markdown still shows raw."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for pattern in RAW:
            found += [(index, m.group(0).strip()) for m in pattern.finditer(source)]
    return found


def python_source(path: str, options: dict) -> str | None:
    """The code a ``{literalinclude}`` of nnlego's own module shows (``:pyobject:`` or the
    whole file), from the installed package: ``../nnlego/network.py`` -> ``nnlego.network``."""
    import importlib
    import inspect
    import textwrap

    found = re.search(r"(nnlego/.*)\.py$", path)
    if not found:
        return None
    module = importlib.import_module(found.group(1).replace("/", ".").removesuffix(".__init__"))
    obj = module
    for part in filter(None, options.get("pyobject", "").split(".")):
        obj = getattr(obj, part)
    return textwrap.dedent(inspect.getsource(obj))


def links_from_sources(root, docname: str, pub) -> Links:
    """:class:`Links` read from the book's MyST sources under ``root`` (no Sphinx build): each
    label with the heading after it, each page's title, the glossary's terms. For notebooks made
    outside a build (``python -m nnlego.notebook_export``, the fresh-notebook benchmark); a build
    resolves them with Sphinx itself."""
    from pathlib import Path

    from .publishing import book_page_url

    labels, docs, terms = {}, {}, {}
    for path in sorted(Path(root, "book").glob("*.md")):
        doc = f"book/{path.stem}"
        url = book_page_url(doc, pub)
        lines = path.read_text(encoding="utf-8").split("\n")
        headings = [(i, line.lstrip("#").strip()) for i, line in enumerate(lines)
                    if re.match(r"^#{1,6} ", line)]
        if headings:
            docs[doc] = (url, headings[0][1])
        for i, line in enumerate(lines):
            if label := re.match(r"^\(([\w.:-]+)\)=\s*$", line):
                title = next((t for j, t in headings if j > i), label.group(1))
                labels[label.group(1)] = (f"{url}#{label.group(1)}", title)
        if path.stem == "glossary":
            terms = _glossary_terms(lines, url)
    glossary = book_page_url("book/glossary", pub)
    return Links(terms, labels, docs, glossary, f"{pub.repository}/blob/{pub.branch}/", docname)


def _glossary_terms(lines, url) -> dict:
    """``{term (lower case): url}`` of a ``{glossary}`` block: its unindented lines."""
    terms, inside = {}, False
    for line in lines:
        if _FENCE.match(line):
            inside = _FENCE.match(line).group(3) == "glossary"
        elif inside and line.strip().startswith(("```", ":::")):
            inside = False
        elif inside and line.strip() and not line.startswith((" ", "\t", ":")):
            slug = re.sub(r"[^A-Za-z0-9]+", "-", line.strip()).strip("-")
            terms[line.strip().lower()] = f"{url}#term-{slug}"
    return terms


def main(argv=None) -> int:
    """``python -m nnlego.notebook_export ROOT CHAPTER.md...``: write each chapter's readable
    ``.ipynb`` beside it (jupytext; glued numbers appear once its cells run)."""
    import sys
    from pathlib import Path

    import jupytext

    from .publishing import publication

    root, *chapters = argv if argv is not None else sys.argv[1:]
    pub = publication(Path(root) / "_config.yml")
    for chapter in chapters:
        path = Path(chapter)
        docname = path.resolve().relative_to(Path(root).resolve()).with_suffix("").as_posix()
        nb = readable(jupytext.read(path), links_from_sources(root, docname, pub), None,
                      python_source)
        jupytext.write(jupytext.reads(jupytext.writes(nb, "ipynb"), "ipynb"),
                       path.with_suffix(".ipynb"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
