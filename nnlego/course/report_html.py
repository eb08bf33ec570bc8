"""The class report's page as HTML text: one self-contained page, inline CSS, no script.

Every value from the report is escaped (failure messages and flag reasons come from students'
code; a ``<script>`` in one is shown as text), and a chapter link is a link only when it is an
``http``/``https`` URL or a path (anything else, ``javascript:`` included, is shown as text).
Tables sit in horizontally scrollable wrappers and figures shrink to the screen, so the page
reads at 412 px as at 1280. :mod:`nnlego.course.report_page` writes it with its figures.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlparse

CSS = """
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
background:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25}h2{margin-top:2.5rem;border-bottom:2px solid #ddd}
h3{margin-top:1.75rem}
.scroll{overflow-x:auto;max-width:100%;margin:0.5rem 0 1rem}
table{border-collapse:collapse;font-size:0.875rem}
th,td{border:1px solid #ccc;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.msg{min-width:14rem;max-width:36rem;overflow-wrap:anywhere}
code{font-size:0.875rem;background:#f6f6f6;padding:0 0.2em;overflow-wrap:anywhere}
tr.poor td{background:#fff1e0}.mark{color:#a04000;font-weight:bold}
figure{margin:1rem 0}figure img{display:block;max-width:100%;height:auto}
figcaption{font-size:0.875rem;color:#444}
.note{font-size:0.875rem;color:#444}
nav ul{padding-left:1.2rem}
"""
UNSET = "–"


def text(value) -> str:
    """Any value as escaped text (quotes too: safe in an attribute); None as a dash."""
    return UNSET if value is None else escape(str(value), quote=True)


def number(value, digits=2) -> str:
    """A float with at most ``digits`` decimals, trailing zeros dropped (7.0 -> "7")."""
    if value is None:
        return UNSET
    if not isinstance(value, float):
        return text(value)
    shown = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


def percent(share) -> str:
    return f"{100 * share:.0f}%"


def duration(seconds) -> str:
    if seconds is None:
        return UNSET
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def link(url, label) -> str:
    """``<a>`` to ``url`` if it is http(s) or a path, else the label and the URL as text."""
    scheme = urlparse(str(url)).scheme.lower()
    if url and scheme in ("http", "https", ""):
        return f'<a href="{text(url)}">{text(label)}</a>'
    return f"{text(label)} ({text(url)})" if url else text(label)


def section_label(url) -> str:
    """A chapter link's words: the page and its section ("02_forward_pass › sigmoid"), from
    the URL's last path part and its fragment, else its host, else "revisit"."""
    parsed = urlparse(str(url))
    page = parsed.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    words = " › ".join(part for part in (page, parsed.fragment) if part)
    return words or parsed.netloc or "revisit"


def table(headers, rows, *, row_classes=None) -> str:
    """A table in a scroll wrapper; ``rows`` hold cells already rendered as HTML, a cell is
    ``(html, css_class)`` or plain html."""
    head = "".join(f'<th scope="col">{text(h)}</th>' for h in headers)
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{row_classes[k]}"' if row_classes and row_classes[k] else ""
        cells = "".join(f'<td class="{c[1]}">{c[0]}</td>' if isinstance(c, tuple)
                        else f"<td>{c}</td>" for c in row)
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def figure(image, caption) -> str:
    """``image``: (src, width, height, alt) of a PNG beside the page."""
    src, width, height, alt = image
    return (f'<figure><img src="{text(src)}" width="{width}" height="{height}" '
            f'alt="{text(alt)}"><figcaption>{caption}</figcaption></figure>')


def students(ids, shown=8) -> str:
    """Up to ``shown`` ids, then the rest behind a disclosure (no script needed)."""
    ids = list(ids)
    first = ", ".join(text(s) for s in ids[:shown])
    if len(ids) <= shown:
        return first
    rest = ", ".join(text(s) for s in ids[shown:])
    return f"{first} <details><summary>and {len(ids) - shown} more</summary>{rest}</details>"


def page(title, body_parts) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{text(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body_parts)}</main></body></html>\n")
