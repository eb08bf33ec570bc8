"""Figures that say what they show: alt text and their smallest text size, inside the PNG.

A notebook shows a figure as a PNG; a screen reader says its alt text instead, and Sphinx's
fallback alt text is the file's name. :func:`describe` puts the figure's own words (its title,
its panels' titles, axis and colour-bar labels) into one sentence; :func:`smallest_text_pt`
finds the smallest text drawn, :func:`smallest_annotation_pt` the smallest text written on
the data. :func:`describe_inline_figures` makes the notebook's PNGs carry
them as PNG text chunks (``Description``, :data:`SMALLEST_TEXT_KEY`,
:data:`SMALLEST_ANNOTATION_KEY`): the book's extension
turns the first into the ``<img>``'s alt text and caption, and the browser checks read the
sizes to measure the text a reader sees (``tests/book/test_figures.py``).

A plot function may lead the description with a sentence of its own: ``fig.set_label(text)``.

Book: every chapter's setup cell.
"""

from __future__ import annotations

import struct

from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Text

SMALLEST_TEXT_KEY = "Smallest text pt"   # PNG tEXt keyword: the smallest font size drawn, in pt
SMALLEST_ANNOTATION_KEY = "Smallest annotation pt"   # ... of the text written on the data
MAX_TITLES = 6                            # panel titles named before "and N more"


def _visible_texts(artist):
    """Every non-empty Text that is drawn: invisible artists and hidden axes are skipped."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text):
        if artist.get_text().strip():
            yield artist
        return
    children = artist.get_children()
    if isinstance(artist, Axes) and not artist.axison:
        children = [c for c in children if c not in (artist.xaxis, artist.yaxis)]
    for child in children:
        yield from _visible_texts(child)


def smallest_text_pt(fig: Figure) -> float | None:
    """The smallest font size (pt) of any text the figure draws; None when it draws none.

    Tick labels get their text when the figure is drawn: it is drawn first, without pixels."""
    fig.draw_without_rendering()
    sizes = [t.get_fontsize() for t in _visible_texts(fig)]
    return min(sizes) if sizes else None


def smallest_annotation_pt(fig: Figure) -> float | None:
    """The smallest font size (pt) of the annotations (``ax.text``, ``ax.annotate``) drawn on
    the figure's axes; None when there are none."""
    sizes = [t.get_fontsize() for ax in fig.findobj(Axes) if ax.get_visible()
             for t in ax.texts if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else None


def _title(ax: Axes) -> str:
    return " ".join(t.get_text().strip() for t in (ax._left_title, ax.title, ax._right_title)
                    if t.get_text().strip())


def _colorbar_label(ax: Axes) -> str | None:
    """The label of a colour bar's Axes (None for an ordinary Axes)."""
    if getattr(ax, "_colorbar", None) is None:
        return None
    return ax.get_ylabel().strip() or ax.get_xlabel().strip() or "values"


def _panels(axes) -> str:
    titles = [t for t in dict.fromkeys(_title(ax) for ax in axes) if t]
    if not titles:
        return f"{len(axes)} panels" if len(axes) > 1 else ""
    named = "; ".join(titles[:MAX_TITLES])
    more = f" and {len(titles) - MAX_TITLES} more" if len(titles) > MAX_TITLES else ""
    lead = f"{len(axes)} panels: " if len(axes) > 1 else ""
    return lead + named + more


def _axis_labels(axes) -> str:
    pairs = dict.fromkeys((ax.get_xlabel().strip(), ax.get_ylabel().strip()) for ax in axes)
    parts = [f"{y} (vertical) by {x} (horizontal)" if x and y else (x or y)
             for x, y in pairs if x or y]
    return "; ".join(parts[:3])


def describe(fig: Figure) -> str:
    """One sentence of what ``fig`` shows, from its own words (label, titles, axes, colour bars).

    >>> fig = Figure(); ax = fig.subplots(); _ = ax.set_title("test accuracy")
    >>> describe(fig)
    'Figure: test accuracy.'
    """
    figures = [fig, *fig.findobj(SubFigure)]
    axes = [a for a in fig.findobj(Axes) if a.get_visible()]
    plain = [a for a in axes if _colorbar_label(a) is None]
    bars = list(dict.fromkeys(_colorbar_label(a) for a in axes if _colorbar_label(a)))
    suptitles = [f._suptitle.get_text().strip() for f in figures
                 if f._suptitle is not None and f._suptitle.get_text().strip()]
    parts = [fig.get_label().strip(), "; ".join(suptitles), _panels(plain),
             _axis_labels(plain), "colour bar: " + ", ".join(bars) if bars else ""]
    text = " ".join(". ".join(p.rstrip(".") for p in parts if p).split())   # one line
    return f"Figure: {text or 'an unlabelled plot'}."


def png_metadata(fig: Figure) -> dict:
    """The PNG text chunks of a described figure (``savefig(..., metadata=...)``)."""
    meta = {"Description": describe(fig)}
    for key, size in ((SMALLEST_TEXT_KEY, smallest_text_pt(fig)),
                      (SMALLEST_ANNOTATION_KEY, smallest_annotation_pt(fig))):
        if size is not None:
            meta[key] = f"{size:g}"
    return meta


def _described_retina_png(fig):
    from IPython.core.pylabtools import retina_figure

    return retina_figure(fig, base64=False, metadata=png_metadata(fig))


def describe_inline_figures(shell=None):
    """Show every Figure of this IPython session as a retina PNG that carries png_metadata().

    Call it after ``%config InlineBackend.figure_format = "retina"`` (which would replace it).
    Outside IPython it does nothing and returns False.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, _described_retina_png)
    return True


def png_text(data):
    """The tEXt chunks of PNG bytes, as {keyword: text} (latin-1, as the PNG standard says):
    what :func:`describe_inline_figures` wrote, read back by the book's build and its checks."""
    chunks, pos = {}, 8
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return chunks
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"tEXt":
            key, _, value = data[pos + 8:pos + 8 + length].partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return chunks
