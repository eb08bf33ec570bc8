"""The book's own Sphinx extension (``_config.yml``: ``sphinx.local_extensions``).

What the theme does not do for us, each from the one setting in ``_config.yml`` (see
``nnlego.course.publishing``):

- **Launch buttons that open notebooks.** The theme points Colab and Binder at ``book/NN.md``
  on the source branch, which Colab cannot open and Binder shows as MyST source. Each chapter's
  buttons are rewritten to ``launch_urls(chapter)``: the readable notebook below, on the pages
  branch, where the build also writes Binder's environment (``binder/requirements.txt`` and
  ``binder/postBuild`` from ``nnlego.course.publishing.binder_environment``);
  every ``{download}`` link of an exercise notebook (appendix A) is followed by the same Colab
  and Binder links, so every released exercise has them.
- **The whole book as one PDF**: a ``Book (PDF)`` entry in each page's download menu, pointing
  at ``nnlego.pdf`` beside ``index.html`` (``make pdf`` writes it).
- **Figures whole, at their true shape.** Retina figures come with an inline ``width`` *and*
  ``height``; the theme's ``max-width: 100%`` shrinks the width only and squashes them. After
  the build, every ``<img>`` of a PNG keeps its ``width`` as a most, capped at the column
  (``max-width: 100%``), and loses its fixed height and any ``min-width``: no figure is wider
  than the column, at 1280 px or on a phone (where Sphinx's link opens the full-size file).
- **Figures described and numbered.** Each figure a notebook cell shows carries its own words
  in its PNG (``nnlego.plots.display``: ``Description``); it becomes the ``<img>``'s alt text
  (instead of the file's name) and the caption of a figure Sphinx numbers (``Figure 27``),
  whose label ``fig-09-2`` (chapter 9's second figure) other pages can ``{numref}``.
- **Notebooks that read like the page.** The theme copies each chapter's executed notebook to
  ``_sources/<docname>.ipynb``, the file Colab and Binder open. After the build each one gets
  its glued numbers in the prose and plain Markdown for what Jupyter cannot render
  (:func:`nnlego.course.notebook_export.readable`, links resolved with Sphinx's own labels and
  glossary); anything still raw is a warning.
- **MathJax from the build**: the configured local copy (``make mathjax``) must exist, or the
  build warns (an error under ``-W``) instead of shipping pages with raw TeX.
"""

from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from nnlego.course.notebook_export import Links, glue_values, leftovers, python_source, readable
from nnlego.course.publishing import (
    MOVED,
    binder_environment,
    book_page_url,
    launch_urls,
    publication,
    redirect_page,
)
from nnlego.plots.display import png_text

LOGGER = logging.getLogger(__name__)
PDF_NAME = "nnlego.pdf"
_IMG = re.compile(r"<img\b[^>]*>")
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_SRC = re.compile(r'\ssrc="([^"]+)"')


def _publication(app):
    return publication(Path(app.confdir) / "_config.yml")


def rewrite_launch_buttons(app, pagename, templatename, context, doctree):
    """Colab and Binder buttons of a chapter open its notebook (nnlego.course.publishing)."""
    urls = None
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        urls = urls or launch_urls(pagename, _publication(app))
        for button in group["buttons"]:
            key = button.get("text", "").lower()
            if key in urls:
                button["url"] = urls[key]


def add_pdf_button(app, pagename, templatename, context, doctree):
    """A 'Book (PDF)' entry in the page's download menu."""
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append({
                "type": "link", "url": context["pathto"](PDF_NAME, 1), "text": "Book (PDF)",
                "tooltip": "Download the whole book as one PDF", "icon": "fas fa-book",
                "label": "download-book-pdf-button"})


def add_exercise_launch_links(app, doctree, docname):
    """After every {download} of an exercises/*.ipynb: ' · Colab · Binder' to that notebook."""
    pub = None
    for ref in list(doctree.findall(nodes.Element)):
        target = ref.get("reftarget", "")
        if ref.tagname != "download_reference" or not target.endswith(".ipynb"):
            continue
        path = (Path(app.env.doc2path(docname)).parent / target).resolve()
        relative = path.relative_to(Path(app.srcdir).resolve()).as_posix()
        if not relative.startswith("exercises/"):
            continue
        pub = pub or _publication(app)
        links = [nodes.Text(" · ")]
        for name, url in launch_urls(relative, pub).items():
            label = {"colab": "Open in Colab", "binder": "Open in Binder"}[name]
            links += [nodes.reference("", label, refuri=url, classes=["launch-link"]),
                      nodes.Text(" · ")]
        parent = ref.parent
        index = parent.index(ref)
        for offset, node in enumerate(links[:-1], start=1):
            parent.insert(index + offset, node)


def png_size_and_dpi(data):
    """(width, height, dpi) of PNG bytes (IHDR, pHYs); dpi None without pHYs or not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", data[16:24])
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            per_unit, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            return width, height, per_unit * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            break
        pos += 12 + length
    return width, height, None


def figure_style(style, size):
    """The style of a figure's <img>: its width kept as a most, no fixed height, no min-width.

    The width matplotlib-inline writes (the figure's size at 100 CSS px per inch) becomes a
    ``max-width`` capped by the column (``nnlego.css``): a figure never overflows the column,
    on a phone it shrinks to fit and links to its full-size file (Sphinx's image link)."""
    declarations = [d.strip() for d in style.split(";") if d.strip()]
    kept = [d for d in declarations if not re.match(r"(min-|max-)?(height|width)\s*:", d)]
    widths = [d.split(":", 1)[1].strip() for d in declarations if re.match(r"width\s*:", d)]
    if size and not widths and size[2]:
        widths = [f"{math.ceil(size[0] / size[2] * 100)}px"]   # 100 CSS px per inch
    kept += [f"width: {widths[0]}", "max-width: 100%"] if widths else []
    return "; ".join(kept) + ";" if kept else ""


def _fix_img(tag, page):
    src = _SRC.search(tag)
    if not src or src.group(1).startswith(("http:", "https:", "data:")):
        return tag
    path = (page.parent / src.group(1).split("#")[0].split("?")[0])
    size = png_size_and_dpi(path.read_bytes()) if path.suffix == ".png" and path.exists() \
        else None
    if size is None:
        return tag
    old = _STYLE.search(tag)
    style = figure_style(old.group(1) if old else "", size)
    if old:
        return tag[:old.start()] + f' style="{style}"' + tag[old.end():]
    return tag.replace("<img", f'<img style="{style}"', 1)


def fix_figure_sizes(app, exception):
    """Rewrite every built page's PNG <img> styles (figure_style); idempotent."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = _IMG.sub(lambda m, page=page: _fix_img(m.group(0), page), text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _output_image_path(app, docname, uri):
    path = Path(uri)
    if not path.is_absolute():
        here = Path(app.env.doc2path(docname)).parent
        path = next((p for p in (here / uri, Path(app.srcdir) / uri) if p.exists()), here / uri)
    return path


def number_output_figures(app, doctree):
    """Every described PNG a cell shows becomes a figure Sphinx numbers ("Figure 27",
    ``numfig``): its description is the alt text and the caption; its label is the name its
    cell's ``:figures:`` option gives it (else ``fig-09-2``, the chapter's second figure), for
    ``{numref}``."""
    docname = app.env.docname
    std, count, in_cell = app.env.get_domain("std"), 0, {}
    for image in list(doctree.findall(nodes.image)):
        if isinstance(image.parent, nodes.figure) or not image["uri"].endswith(".png"):
            continue
        path = _output_image_path(app, docname, image["uri"])
        description = png_text(path.read_bytes()).get("Description") if path.exists() else None
        if not description:
            continue
        count += 1
        cell, names = _cell_figure_names(image)
        in_cell[id(cell)] = k = in_cell.get(id(cell), -1) + 1
        label = names[k] if k < len(names) else f"fig-{docname.rsplit('/', 1)[-1][:2]}-{count}"
        image["alt"] = description
        caption_text = description.removeprefix("Figure: ")
        caption = nodes.caption("", caption_text)
        figure = nodes.figure("", classes=["output-figure"], ids=[label], names=[label])
        image.replace_self(figure)
        figure += [image, caption]
        doctree.ids[label], doctree.nameids[label] = figure, label   # what {numref} looks up
        std.anonlabels[label] = (docname, label)
        std.labels[label] = (docname, label, caption_text)


def _cell_figure_names(image):
    """(the code cell an output image belongs to, the labels its ``:figures:`` option gives
    its figures in order: names that stay with the figure when others come and go)."""
    node = image.parent
    while node is not None and node.get("nb_element") != "cell_code":
        node = node.parent
    names = node.get("cell_metadata", {}).get("figures", []) if node is not None else []
    return node, [names] if isinstance(names, str) else list(names)


_NUMBER = re.compile(r"^[\s\[\](),;+\-−–~≈%×x/*.\d]*\d[\s\[\](),;+\-−–~≈%×x/*.\d]*$")


def mark_numeric_cells(app, doctree, docname):
    """Table cells that hold only numbers get class ``numeric``: they never break inside a
    number when a table wraps to fit a phone (``nnlego.css``)."""
    for entry in doctree.findall(nodes.entry):
        if _NUMBER.match(entry.astext()):
            entry["classes"].append("numeric")


def page_links(app, docname, pub) -> Links:
    """The published URLs of every glossary term, label and page, from Sphinx's std domain."""
    env, std = app.env, app.env.get_domain("std")

    def url(doc, anchor=""):
        return book_page_url(doc, pub) + (f"#{anchor}" if anchor else "")

    terms = {name: url(doc, anchor) for (kind, name), (doc, anchor) in std.objects.items()
             if kind == "term"}
    labels = {label: (url(doc, anchor), title)
              for label, (doc, anchor, title) in std.labels.items()}
    docs = {doc: (url(doc), env.titles[doc].astext()) for doc in env.found_docs
            if doc in env.titles}
    glossary = next((url(doc) for doc in env.found_docs if doc.endswith("glossary")), pub.book)
    return Links(terms, labels, docs, glossary, f"{pub.repository}/blob/{pub.branch}/",
                 docname)


def readable_notebooks(app, exception):
    """Rewrite every ``_sources/<docname>.ipynb`` of the build with readable(); idempotent."""
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    pub, out = _publication(app), Path(app.outdir)
    executed = out.parent / "jupyter_execute"
    for docname in sorted(app.env.found_docs):
        path = out / "_sources" / f"{docname}.ipynb"
        if not path.is_file():
            continue
        glue_file = executed / f"{docname}.glue.json"
        glued = glue_values(json.loads(glue_file.read_text())) if glue_file.is_file() else {}
        nb = readable(nbformat.read(path, as_version=4), page_links(app, docname, pub), glued,
                      python_source)
        nbformat.write(nbformat.from_dict(nb), path)
        for cell, raw in leftovers(nb):
            LOGGER.warning("%s (cell %d) still shows raw MyST %r: teach "
                           "nnlego.course.notebook_export.readable to convert it", path, cell, raw)


def write_site_files(app, exception):
    """The published site's own files: the Binder environment (binder/, for the pages branch)
    and, at each moved chapter's old address, a page that sends the reader on."""
    if exception is not None or app.builder.format != "html":
        return
    pub = _publication(app)
    moved = {f"{old}.html": redirect_page(old, new, pub) for old, new in MOVED.items()}
    for name, text in {**binder_environment(pub), **moved}.items():
        path = Path(app.outdir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name.endswith("postBuild"):
            path.chmod(0o755)


def check_mathjax(app):
    """Warn when the configured local MathJax is missing (run `make mathjax`)."""
    path = app.config.mathjax_path
    if not path or "://" in path:
        return
    static = [Path(app.confdir) / p for p in app.config.html_static_path]
    if not any((folder / path).exists() for folder in static):
        LOGGER.warning("mathjax_path=%r is not in html_static_path %s: run `make mathjax` "
                       "(the pages would show raw TeX)", path, app.config.html_static_path)


def setup(app):
    app.connect("builder-inited", check_mathjax)
    app.connect("doctree-read", number_output_figures)
    app.connect("doctree-resolved", add_exercise_launch_links)
    app.connect("doctree-resolved", mark_numeric_cells)
    app.connect("html-page-context", rewrite_launch_buttons, priority=502)
    app.connect("html-page-context", add_pdf_button, priority=502)
    app.connect("build-finished", fix_figure_sizes)
    app.connect("build-finished", readable_notebooks)
    app.connect("build-finished", write_site_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
