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
import inspect
import os

import numpy as np

__all__ = ["MistakeTable", "explained_in", "section_url", "stability_section"]


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
        inputs: ``(args, kwargs)`` the values were computed from (copies), or
            None; with :meth:`recompute`, what probes of a student's function
            compare against (:mod:`mlkit.testing.diagnosis`).
    """

    def __init__(self, mistakes, chapter, sections, label, *, inputs=None, catalogue=None):
        super().__init__(mistakes)
        self.chapter = chapter
        self.sections = sections
        self.label = label
        self.inputs = inputs
        self._catalogue = catalogue

    @property
    def parameters(self):
        """The names of the positional parameters of the function that made the table."""
        if self._catalogue is None:
            return ()
        return tuple(inspect.signature(self._catalogue).parameters)

    def recompute(self, *args, **kwargs):
        """The same mistakes' values on other inputs (a new table)."""
        if self._catalogue is None:
            raise TypeError("this table was not made by a mistakes function: it cannot be "
                            "recomputed on other inputs")
        return self._catalogue(*args, **kwargs)

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
            which :func:`~mlkit.testing.no_overflow` links to when a test cell
            names this function as ``explained_by`` (see :func:`stability_section`).

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
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            inputs = _plain_copy((list(args), dict(kwargs)))
            mistakes = function(*args, **kwargs)
            sections = {}
            for description in mistakes:
                found = [lab for key, lab in keywords.items() if key in description]
                sections[description] = found[0] if found else label
            return MistakeTable(mistakes, chapter, sections, label, inputs=inputs,
                                catalogue=wrapper)
        wrapper.stability = (chapter, stability) if stability else None
        return wrapper
    return decorate


class _NotPlainError(Exception):
    pass


def _plain_copy(value):
    """A copy of numbers, arrays and containers of them; None if ``value`` holds anything else.

    Only such inputs are copied for probing: a model or a student's object is not.
    """
    def copied(item):
        if item is None or isinstance(item, bool | int | float | str | np.generic):
            return item
        if isinstance(item, np.ndarray):
            return item.copy()
        if isinstance(item, list | tuple):
            return type(item)(copied(i) for i in item)
        if isinstance(item, dict):
            return {k: copied(v) for k, v in item.items()}
        raise _NotPlainError

    try:
        return copied(value)
    except _NotPlainError:
        return None


def stability_section(catalogue):
    """The link to the book's section on computing stably what a mistakes function is about.

    Args:
        catalogue: a function of :mod:`mlkit.testing.mistakes` (decorated with
            :func:`explained_in`).

    Returns:
        The section's address, or None when the function names no such section.

    Example:
        >>> from mlkit.testing import mistakes
        >>> stability_section(mistakes.softmax)
        'book/softmax.html#softmax-max-shift'
        >>> stability_section(mistakes.step) is None
        True
    """
    if not hasattr(catalogue, "stability"):
        raise TypeError("`explained_by` must be a function of mlkit.testing.mistakes. "
                        f"Received: {catalogue!r}")
    return section_url(*catalogue.stability) if catalogue.stability else None
