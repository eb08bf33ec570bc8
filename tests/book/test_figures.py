"""Every figure of the built book keeps its true shape, and stays legible.

Measured in the browser, for every image of every page, on a 1280 x 900 desktop and a
412 x 915 phone (a Pixel's CSS size):

- **shape**: the rendered aspect ratio (``getBoundingClientRect``) equals the file's natural
  aspect ratio (``naturalWidth / naturalHeight``) within 2%. Retina figures carry an inline
  ``width``/``height``; a ``max-width: 100%`` that shrinks only the width squashes them.
- **legibility at 1280 px**: a figure's text must not render below 8 CSS px when it was drawn
  at 10 pt. A PNG of ``dpi`` dots per inch holds ``dpi / 72`` pixels per point, so its rendered
  scale is ``px_per_pt = rendered_width / natural_width * dpi / 72``; the check asks
  ``10 * px_per_pt >= 8``, i.e. ``px_per_pt >= 0.8``. The dpi comes from the PNG's pHYs chunk
  (matplotlib writes it; retina figures say 200). Images without a dpi (SVG icons) are only
  checked for shape.
- **annotations at 1280 px**: the text written on the data (``ax.text``: the accuracy
  matrix's cells, the knock-out drops) renders at >= 10 CSS px. Its size in points is in the
  PNG (``nnlego.plots.display``: ``Smallest annotation pt``).
- **on a phone** every figure fits the column (``test_layout.py``), so a wide one is smaller
  than on a laptop: it must then open, full size, when tapped (Sphinx's link to the file).
"""

from __future__ import annotations

import re

import pytest
from booksite import HTML, SCREENSHOTS, file_of, load_images, open_page, png_size_and_dpi

from nnlego.plots.display import png_text

pytestmark = pytest.mark.browser

ASPECT_TOLERANCE = 0.02
MIN_PX_PER_PT = 0.8          # 10 pt figure text at >= 8 CSS px
MIN_ANNOTATION_PX = 10.0     # text on the data (ax.text) at >= 10 CSS px, at 1280 px
ANNOTATION_KEY = "Smallest annotation pt"   # nnlego.plots.display.SMALLEST_ANNOTATION_KEY

_RENDERED_JS = """
return Array.from(document.images).map(img => {
    const r = img.getBoundingClientRect();
    return {src: img.currentSrc || img.src, width: r.width, height: r.height,
            natural_width: img.naturalWidth, natural_height: img.naturalHeight,
            in_main: !!img.closest('main'),
            link: (img.closest('a[href]') || {href: ''}).href};
}).filter(img => img.width > 0 && img.height > 0);
"""


def rendered_images(driver, docname):
    open_page(driver, docname)
    load_images(driver)
    return driver.execute_script(_RENDERED_JS)


def shape_error(img):
    """Relative difference of the rendered and the natural aspect ratio."""
    rendered = img["width"] / img["height"]
    natural = img["natural_width"] / img["natural_height"]
    return abs(rendered / natural - 1)


def px_per_pt(img):
    """CSS pixels per point of the figure's own drawing, or None when its dpi is unknown."""
    path = file_of(img["src"])
    if path is None or path.suffix.lower() != ".png":
        return None
    _, _, dpi = png_size_and_dpi(path)
    return None if dpi is None else img["width"] / img["natural_width"] * dpi / 72


def test_shape_error_sees_a_squashed_image():
    """The measure itself: a 4:1 image drawn at 2:1 is 50% off; a true one is 0% off."""
    squashed = {"width": 800, "height": 400, "natural_width": 1600, "natural_height": 400}
    assert shape_error(squashed) == pytest.approx(0.5)
    assert shape_error({**squashed, "height": 200}) == pytest.approx(0.0)


@pytest.mark.slow
def test_every_image_keeps_its_aspect_ratio(driver, pages, screen):
    """Rendered aspect ratio == the file's, within 2%, for every visible image of every page."""
    bad = {}
    for doc in pages:
        for img in rendered_images(driver, doc):
            if shape_error(img) > ASPECT_TOLERANCE:
                name = img["src"].rsplit("/", 1)[-1][:16]
                bad.setdefault(doc, []).append(
                    f"{name}: {img['width']:.0f}x{img['height']:.0f} shown, "
                    f"{img['natural_width']}x{img['natural_height']} in the file")
    n_bad = sum(map(len, bad.values()))
    assert not bad, f"{n_bad} images distorted on the {screen} screen: {bad}"


def annotation_px(img):
    """CSS px of the smallest annotation a rendered figure shows (None: it has none)."""
    path, scale = file_of(img["src"]), px_per_pt(img)
    if scale is None:
        return None
    size = png_text(path.read_bytes()).get(ANNOTATION_KEY)
    return None if size is None else float(size) * scale


def test_annotation_px_scales_the_points_by_the_rendering(tmp_path):
    """The measure itself: 10 pt at 200 dpi, shown at half its pixels, is 13.9 px."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=200)
    fig.subplots().text(0.5, 0.5, "91%", fontsize=10)
    path = tmp_path / "matrix.png"
    fig.savefig(path, dpi=200, metadata={ANNOTATION_KEY: "10"})
    img = {"src": path.as_uri(), "width": 200.0, "natural_width": 400}
    assert annotation_px(img) == pytest.approx(10 * 200 / 72 / 2, rel=1e-3)
    assert annotation_px({**img, "width": 100.0}) < MIN_ANNOTATION_PX      # squeezed


@pytest.mark.slow
def test_figure_text_is_legible(driver, pages, screen):
    """At 1280 px every figure with a dpi renders at >= 0.8 CSS px per point (10 pt text >=
    8 px) and its annotations at >= 10 px; on a phone, a smaller figure opens full size."""
    small, n_checked = {}, 0
    for doc in pages:
        for img in rendered_images(driver, doc):
            scale = px_per_pt(img) if img["in_main"] else None
            if scale is None:
                continue
            n_checked += 1
            name = img["src"].rsplit("/", 1)[-1][:16]
            problems = []
            if screen == "desktop" and scale < MIN_PX_PER_PT:
                problems.append(f"{scale:.2f} px/pt ({img['width']:.0f} px wide)")
            note = annotation_px(img) if screen == "desktop" else None
            if note is not None and note < MIN_ANNOTATION_PX:
                problems.append(f"annotations {note:.1f} px tall")
            if screen == "phone" and scale < MIN_PX_PER_PT and img["link"] != img["src"]:
                problems.append(f"{scale:.2f} px/pt and no link to the full-size file")
            if problems:
                small.setdefault(doc, []).append(f"{name}: {', '.join(problems)}")
    assert n_checked > 0, "no figure with a dpi found: is the build's _images/ empty?"
    assert not small, f"figures too small to read on the {screen} screen: {small}"


@pytest.mark.slow
def test_phone_screenshots(driver, pages, screen):
    """Screenshots of the Lego-bricks chapter on each screen, for a person to review."""
    lego = next(doc for doc in pages if doc.endswith("05_lego_bricks"))
    rendered_images(driver, lego)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"lego_bricks_{screen}.png"
    driver.execute_script(
        "const img = document.querySelector('main img[src*=\"_images/\"]');"
        "if (img) img.scrollIntoView();")
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


POSITIONAL = re.compile(r"^fig-\d\d-\d+$")   # the build's fallback label: the chapter's k-th figure


def figure_ids_and_links(page_html):
    """(labels of the page's numbered output figures, the #anchors its links point to)."""
    ids = re.findall(r'<figure[^>]*class="[^"]*output-figure[^"]*"[^>]*id="([^"]+)"', page_html)
    ids += re.findall(r'<figure[^>]*id="([^"]+)"[^>]*class="[^"]*output-figure', page_html)
    return set(ids), set(re.findall(r'href="#([^"]+)"', page_html))


def test_the_figure_check_sees_an_unreferenced_figure():
    page = ('<figure class="align-default output-figure" id="fig-05-bricks"><img alt="x"/>'
            '</figure><p>see <a href="#fig-05-other">Figure 2</a></p>')
    ids, links = figure_ids_and_links(page)
    assert ids == {"fig-05-bricks"} and ids - links == {"fig-05-bricks"}


def test_every_figure_is_named_and_referenced_by_its_page(pages):
    """Every numbered figure has a label its cell gives it (:figures:, not the positional
    fallback, which would move when a figure is added) and the page's prose links to it."""
    problems, n = {}, 0
    for doc in pages:
        ids, links = figure_ids_and_links((HTML / f"{doc}.html").read_text(encoding="utf-8"))
        n += len(ids)
        bad = sorted(i for i in ids if POSITIONAL.match(i) or i not in links)
        if bad:
            problems[doc] = bad
    assert n >= 30 and not problems, f"unnamed or unreferenced figures: {problems}"
