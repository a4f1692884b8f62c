"""The look of the book's figures: one colour-blind-safe style for every chapter.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; lines also differ in style, so a figure
reads in grey too. Figures have an opaque white background, so they stay legible
when the book is shown in dark mode.

Every figure the book shows also travels with itself: beside its PNG, its
display carries the matplotlib figure, pickled (MIME type :data:`FIGURE_MIME`),
so that a translated edition of the book can draw it again with its words
(titles, axis labels, legends, annotations) in another language, without
running the chapter again: :func:`figure_words` lists the words a translator
sees, :func:`redraw` draws the figure with them translated.

Example:
    >>> from mlkit.plotting import OKABE_ITO, use_book_style
    >>> use_book_style()
    >>> len(OKABE_ITO)
    8
"""

import base64
import pickle
import re
import zlib

__all__ = ["FIGURE_MIME", "HANGUL_FONT", "LINESTYLES", "OKABE_ITO", "figure_words",
           "load_figure", "redraw", "use_book_style"]

#: The MIME type of a displayed figure's pickle (zlib-compressed, then base64).
FIGURE_MIME = "application/vnd.mlkit.figure+pickle"

#: The font that draws Hangul in a translated figure (Debian's ``fonts-noto-cjk``).
HANGUL_FONT = "Noto Sans CJK KR"

# A text worth translating has a letter in it; tick labels (numbers) have none.
_WORDS = re.compile(r"[^\W\d_]")

# Okabe & Ito (2008), "Color Universal Design", in the order that keeps
# neighbouring lines far apart.
#: The eight colours of Okabe and Ito's colour-blind-safe palette, as hex strings.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Line styles paired with :data:`OKABE_ITO`, so that lines differ in grey too.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--")


def use_book_style():
    """Set matplotlib's defaults to the book's style (colours, line styles, background)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=OKABE_ITO) + cycler(linestyle=LINESTYLES),
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.facecolor": "white",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "lines.linewidth": 2.0,
        "font.size": 11,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "figure.autolayout": True,
    })
    _carry_figures()


def _carry_figures():
    """Make IPython's displays of a figure also carry the figure, pickled."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: no displays to add to
        return
    shell = get_ipython()
    if shell is None:
        return
    from IPython.core.formatters import BaseFormatter, catch_format_error
    from matplotlib.figure import Figure
    from traitlets import ObjectName, Unicode

    class FigureFormatter(BaseFormatter):
        """Every Figure, by its class: the inline backend resets the formatters' type
        registries when it starts, which may be after this runs."""

        format_type = Unicode(FIGURE_MIME)
        print_method = ObjectName("_repr_mlkit_figure_")

        @catch_format_error
        def __call__(self, obj):
            return _pickled(obj) if self.enabled and isinstance(obj, Figure) else None

    formatters = shell.display_formatter.formatters
    if FIGURE_MIME not in formatters:
        formatters[FIGURE_MIME] = FigureFormatter(parent=shell.display_formatter)


def _pickled(figure):
    # The inline backend gives each figure its own `show`, a lambda, which cannot be pickled.
    show = figure.__dict__.pop("show", None)
    try:
        data = pickle.dumps(figure)
    finally:
        if show is not None:
            figure.show = show
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def load_figure(payload):
    """The figure a display carried under :data:`FIGURE_MIME`.

    Args:
        payload: the display's text for :data:`FIGURE_MIME` (made by the book's
            own chapters: a pickle is code, so load only what the book made).

    Returns:
        The matplotlib ``Figure``, as it was when it was shown.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> figure, axes = plt.subplots()
        >>> _ = axes.set_title("loss per epoch")
        >>> load_figure(_pickled(figure)).axes[0].get_title()
        'loss per epoch'
    """
    if not isinstance(payload, str):
        raise TypeError("`payload` must be the base64 text of a figure's display. "
                        f"Received: {type(payload).__name__}")
    return pickle.loads(zlib.decompress(base64.b64decode(payload)))


def _is_words(text):
    """Whether ``text`` has a letter outside its formulas ("$x_1$" has none)."""
    return bool(_WORDS.search(re.sub(r"\$[^$]*\$", "", text)))


def _texts(figure):
    from matplotlib.text import Text

    return [text for text in figure.findobj(Text) if _is_words(text.get_text())]


def figure_words(figure):
    """The words a figure shows, each once, in the order they are drawn.

    Titles, axis labels, legend entries and annotations: every text with a
    letter outside its formulas. Tick labels that are numbers, and labels that
    are formulas alone (``"$x_1$"``), are not words.

    Args:
        figure: a matplotlib ``Figure``.

    Returns:
        A list of strings.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> figure, axes = plt.subplots()
        >>> _ = axes.plot([0, 1], [0, 1], label="training loss")
        >>> _ = axes.set(xlabel="epoch", ylabel="loss")
        >>> _ = axes.legend()
        >>> figure_words(figure)
        ['epoch', 'loss', 'training loss']
    """
    return list(dict.fromkeys(text.get_text() for text in _texts(figure)))


def redraw(figure, translate):
    """Draw ``figure`` again as a PNG, its words replaced by ``translate(word)``.

    The figure is drawn as IPython's inline backend draws it (its own size and
    resolution, a tight bounding box), so that a translated figure looks like
    the original; the layout is computed again for the new words, and Hangul
    is drawn in :data:`HANGUL_FONT`.

    Args:
        figure: a matplotlib ``Figure`` (changed in place: its texts are replaced).
        translate: a function from a word of :func:`figure_words` to the text
            to draw instead (return the word itself to keep it).

    Returns:
        The PNG image, as bytes.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> figure, axes = plt.subplots()
        >>> _ = axes.set_xlabel("epoch")
        >>> png = redraw(figure, {"epoch": "에포크"}.get)
        >>> figure.axes[0].get_xlabel(), png[:4]
        ('에포크', b'\x89PNG')
    """
    from IPython.core.pylabtools import print_figure
    from matplotlib import font_manager

    try:
        font_manager.findfont(HANGUL_FONT, fallback_to_default=False)
    except ValueError:
        raise RuntimeError(f"A translated figure needs the font {HANGUL_FONT!r} to draw "
                           "Hangul: install Debian's fonts-noto-cjk package") from None
    for text in _texts(figure):
        word = text.get_text()
        new = translate(word) or word
        if new != word:
            family = text.get_fontfamily()
            text.set_text(new)
            # Beside a formula, mathtext draws the words in the text's first font alone.
            text.set_fontfamily([HANGUL_FONT, *family] if "$" in new else [*family, HANGUL_FONT])
    return print_figure(figure, "png")
