"""The look of the book's figures: one colour-blind-safe style for every chapter.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; lines also differ in style, so a figure
reads in grey too. Figures have an opaque white background, so they stay legible
when the book is shown in dark mode.

Example:
    >>> from mlkit.plotting import OKABE_ITO, use_book_style
    >>> use_book_style()
    >>> len(OKABE_ITO)
    8
"""

__all__ = ["LINESTYLES", "OKABE_ITO", "use_book_style"]

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
