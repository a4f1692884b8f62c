"""Links from failure messages to the book section that explains a mistake.

The book's chapters build to ``book/<chapter>.html`` and their sections carry
stable MyST labels, ``(label)=``, which become the anchors ``#label``. A link
is ``<book>/book/<chapter>.html#<label>``, where ``<book>`` is the address the
book is published at, taken from the environment variable ``MLKIT_BOOK_URL``;
without it, the link is the page's path inside the built book, which
``./dev.sh book`` writes to ``_build/html``.

A function of :mod:`mlkit.testing.mistakes` decorated with :func:`explained_in`
returns a :class:`MistakeTable`, a dict that also knows its section, so that
:func:`~mlkit.testing.assert_close` can add the link to the message.
"""

import functools
import os
import re

__all__ = ["MistakeTable", "explained_in", "section_url", "stability_section"]

# function name -> (chapter, label of the section on computing it stably), from explained_in
_STABILITY = {}


def section_url(chapter, label):
    """The address of a section of the book.

    Args:
        chapter: the chapter's file name without ``.md``, e.g. ``"softmax"``.
        label: the section's MyST label, e.g. ``"softmax-max-shift"``.

    Returns:
        ``$MLKIT_BOOK_URL/book/<chapter>.html#<label>``, or without the
        variable, the path ``book/<chapter>.html#<label>`` inside the built book.

    Example:
        >>> section_url("softmax", "softmax-max-shift")
        'book/softmax.html#softmax-max-shift'
    """
    base = os.environ.get("MLKIT_BOOK_URL", "").rstrip("/")
    path = f"book/{chapter}.html#{label}"
    return f"{base}/{path}" if base else path


class MistakeTable(dict):
    """A mapping ``description -> value`` of typical mistakes, with the book section of each.

    Attributes:
        chapter: the chapter that explains these mistakes.
        sections: ``description -> label`` of the section explaining each one.
        label: the section that explains the computation itself, for a wrong
            answer that is none of the mistakes.
    """

    def __init__(self, mistakes, chapter, sections, label):
        super().__init__(mistakes)
        self.chapter = chapter
        self.sections = sections
        self.label = label

    def url(self, description=None):
        """The link to the section explaining ``description``, or the computation if None."""
        return section_url(self.chapter, self.label if description is None
                           else self.sections[description])


def explained_in(chapter, label, sections=None, *, stability=None):
    """Decorate a mistakes function: its mistakes are explained in ``chapter``, section ``label``.

    Args:
        chapter: the chapter's file name without ``.md``.
        label: the section explaining the mistakes by default.
        sections: ``{keyword: label}``: a mistake whose description contains
            the keyword (e.g. ``"max shift"``) is explained in that section instead.
        stability: the label of the section on computing the function stably,
            which :func:`~mlkit.testing.no_overflow` links to (see
            :func:`stability_section`).

    Example:
        >>> @explained_in("softmax", "softmax-scores", {"max shift": "softmax-max-shift"})
        ... def softmax_mistakes(x):
        ...     return {"no max shift: ...": 1, "the wrong axis": 2}
        >>> softmax_mistakes(0).url("no max shift: ...")
        'book/softmax.html#softmax-max-shift'
        >>> softmax_mistakes(0).url()  # a wrong answer that is none of them
        'book/softmax.html#softmax-scores'
    """
    keywords = dict(sections or {})

    def decorate(function):
        if stability:
            _STABILITY[function.__name__] = (chapter, stability)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            mistakes = function(*args, **kwargs)
            sections = {}
            for description in mistakes:
                found = [lab for key, lab in keywords.items() if key in description]
                sections[description] = found[0] if found else label
            return MistakeTable(mistakes, chapter, sections, label)
        return wrapper
    return decorate


def stability_section(what):
    """The link to the section on computing stably the function ``what`` starts with, or None.

    Args:
        what: a description such as ``"softmax(X) for scores of +-1000"``.

    Example:
        >>> import mlkit.testing.mistakes
        >>> stability_section("softmax(X) for scores of +-1000")
        'book/softmax.html#softmax-max-shift'
    """
    name = re.match(r"\s*(\w+)", what)
    found = _STABILITY.get(name.group(1)) if name else None
    return section_url(*found) if found else None
