"""Accessibility of the built book: figures described, colour-blind safe, legible in dark mode.

The figure checks read the PNG files the build wrote; the dark-mode and font
checks look at the pages in Chromium with the theme switched to dark.
"""

import colorsys
import io
import re
from urllib.parse import urljoin

import numpy as np
import pytest
from matplotlib import image as mpimg

from mlkit.plotting import OKABE_ITO
from tests.book.browser import OfflineBrowser, serve, wait_for_mathjax
from tests.book.test_book import CHAPTERS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

_HUES = [colorsys.rgb_to_hsv(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]
         for c in OKABE_ITO if c != "#000000"]


#: Each chapter in each edition: the Korean edition draws its figures again.
EDITIONS = [(chapter, language) for language in ("en", "ko") for chapter in CHAPTERS]


def _figures(built_book, chapter, language="en"):
    """``(src, alt, pixels)`` of the chapter's figures, pixels as floats in [0, 1], RGBA."""
    page = built_book.page(chapter, language)
    folder = built_book.html if language == "en" else built_book.html / language
    figures = []
    for tag in re.findall(r"<img[^>]*>", page):
        src = re.search(r'src="(\.\./_images/[^"]+\.png)"', tag)
        if src:
            alt = re.search(r'alt="([^"]*)"', tag)
            pixels = mpimg.imread(folder / "book" / src.group(1))
            if pixels.shape[2] == 3:
                pixels = np.dstack([pixels, np.ones(pixels.shape[:2])])
            figures.append((src.group(1), alt.group(1) if alt else "", pixels))
    return figures


def off_palette_share(pixels, tolerance=0.04):
    """The share of the coloured pixels whose hue is none of Okabe–Ito's (greys do not count).

    Tints of a palette colour (blended with white, as with ``alpha``) keep its
    hue, so they count as the palette; only clearly coloured pixels (chroma
    above 0.25) are judged, which leaves out anti-aliased edges.
    """
    rgb = pixels[..., :3].reshape(-1, 3)
    chroma = rgb.max(axis=1) - rgb.min(axis=1)
    coloured = rgb[chroma > 0.25]
    if len(coloured) == 0:
        return 0.0
    hues = np.array([colorsys.rgb_to_hsv(*px)[0] for px in np.unique(coloured, axis=0)])
    counts = {tuple(px): n for px, n in zip(*np.unique(coloured, axis=0, return_counts=True),
                                            strict=True)}
    distance = np.min([np.minimum(abs(hues - h), 1 - abs(hues - h)) for h in _HUES], axis=0)
    weights = np.array(list(counts.values()))
    return float(weights[distance > tolerance].sum() / weights.sum())


class TestFigures:
    @pytest.mark.parametrize(("chapter", "language"), EDITIONS)
    def test_alt_texts_describe_each_figure(self, built_book, chapter, language):
        """Each figure has its own alt text, a description rather than a caption or a label."""
        figures = _figures(built_book, chapter, language)
        alts = [alt for _, alt, _ in figures]
        # Korean words carry their particles: a description has fewer of them.
        assert all(len(alt.split()) >= (12 if language == "en" else 8) for alt in alts), alts
        assert len(set(alts)) == len(alts), "two figures share one description"
        for alt in alts:
            assert not re.match(r"(figure|image|plot|png)\b", alt, flags=re.IGNORECASE), alt

    @pytest.mark.parametrize(("chapter", "language"), EDITIONS)
    def test_figures_are_opaque_on_white(self, built_book, chapter, language):
        """Figures carry their own white background, so dark mode cannot hide black ink."""
        for src, _, pixels in _figures(built_book, chapter, language):
            assert pixels[..., 3].min() == 1.0, f"{src} is transparent"
            border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
            assert np.mean(border[:, :3].min(axis=1) > 0.95) > 0.9, f"{src}: border not white"

    @pytest.mark.parametrize(("chapter", "language"), EDITIONS)
    def test_figures_use_the_okabe_ito_palette(self, built_book, chapter, language):
        """Every clearly coloured pixel of every figure has an Okabe–Ito hue."""
        for src, _, pixels in _figures(built_book, chapter, language):
            assert off_palette_share(pixels) < 0.01, src

    def test_palette_check_rejects_matplotlib_defaults(self):
        """The palette check fails a figure drawn in matplotlib's default colours (tab10)."""
        tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
        pixels = np.ones((5, 10, 4))
        for row, colour in enumerate(tab10):
            pixels[row, :, :3] = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        assert off_palette_share(pixels) > 0.3
        okabe = np.ones((7, 10, 4))
        for row, colour in enumerate(OKABE_ITO[:7]):
            okabe[row, :, :3] = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        assert off_palette_share(okabe) == 0.0


def _luminance(rgb):
    """Relative luminance (WCAG 2) of sRGB values in [0, 1]."""
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def _contrast(a, b):
    high, low = max(a, b), min(a, b)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def dark_site(built_book):
    """The built site in a Chromium that prefers a dark colour scheme."""
    with serve(built_book.html) as base_url, \
            OfflineBrowser(base_url, color_scheme="dark") as browser:
        yield browser


class TestDarkMode:
    @pytest.mark.parametrize("chapter", ["neurons", "softmax", "keras_mlp", "ko/book/mnist"])
    def test_figures_stay_legible_in_dark_mode(self, dark_site, chapter):
        """In dark mode the page is dark, and each figure still shows dark ink on light paper."""
        page = dark_site.context.new_page()
        path = chapter if chapter.endswith("mnist") else f"book/{chapter}"
        page.goto(urljoin(dark_site.base_url, f"{path}.html"), wait_until="load")
        wait_for_mathjax(page)
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        background = page.evaluate(
            "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number)")
        assert _luminance(np.array(background[:3]) / 255) < 0.1, background
        figures = page.query_selector_all("article img[src$='.png']")
        assert figures
        for figure in figures:
            figure.scroll_into_view_if_needed()
            shot = mpimg.imread(io.BytesIO(figure.screenshot()), format="png")[..., :3]
            luminance = _luminance(shot.reshape(-1, 3))
            paper, ink = np.percentile(luminance, 90), np.percentile(luminance, 0.5)
            assert paper > 0.5, "the figure's background turned dark"
            assert _contrast(paper, ink) >= 4.5, f"ink on paper contrast {_contrast(paper, ink)}"
        page.close()

    def test_korean_glyphs_render(self, dark_site):
        """The glossary's Korean terms are drawn with a font that has Hangul (no empty boxes)."""
        page = dark_site.context.new_page()
        page.goto(urljoin(dark_site.base_url, "book/glossary.html"), wait_until="load")
        assert "활성화 함수" in page.inner_text("article")
        # Two different syllables drawn in the page's own font: with no Hangul font
        # both become the same "missing glyph" box.
        drawings = page.evaluate("""() => {
          const font = getComputedStyle(document.querySelector('article')).font;
          return ['뉴', '런', '\\u{10FFFD}'].map(ch => {
            const canvas = document.createElement('canvas');
            canvas.width = canvas.height = 64;
            const ctx = canvas.getContext('2d');
            ctx.font = font.replace(/\\d+(\\.\\d+)?px/, '40px');
            ctx.fillText(ch, 4, 48);
            return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',');
          });
        }""")
        hangul_1, hangul_2, missing = drawings
        assert hangul_1 != hangul_2, "two Hangul syllables look the same: no Korean font"
        assert missing not in (hangul_1, hangul_2), "Hangul drawn as the missing-glyph box"
        page.close()
