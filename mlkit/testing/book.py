"""Links from failure messages to the book section that explains a mistake.

The book's chapters build to ``book/<chapter>.html`` and their sections carry
stable MyST labels, ``(label)=``, which become the anchors ``#label``. A link
is ``<book>/book/<chapter>.html#<label>``, where ``<book>`` is the address the
book is published at, taken from the environment variable ``MLKIT_BOOK_URL``;
without it, the link is the page's path inside the built book, which
``./dev.sh book`` writes to ``_build/html``.

Each typical mistake is described as data, a :class:`Mistake`: its stable
identity, what the student is told, and the :class:`Section` that explains it.
A function of :mod:`mlkit.testing.mistakes` decorated with :func:`explained_in`
returns a :class:`MistakeTable`, a dict ``Mistake -> value`` that also knows the
section on the computation itself, so that :func:`~mlkit.testing.assert_close`
can add the link to the message.
"""

import dataclasses
import functools
import inspect
import os

import numpy as np

from mlkit.messages import Message

__all__ = ["Mistake", "MistakeTable", "Section", "explained_in", "section_url",
           "stability_section"]


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


@dataclasses.dataclass(frozen=True)
class Section:
    """A section of the book: its chapter and its MyST label.

    Example:
        >>> Section("softmax", "softmax-max-shift").url()
        'book/softmax.html#softmax-max-shift'
    """

    chapter: str
    label: str

    def url(self):
        """The section's address (see :func:`section_url`)."""
        return section_url(self.chapter, self.label)


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A typical mistake: its identity, what the student is told, and where the book explains it.

    Attributes:
        id: its stable identity, ``"<catalogue>/<name>"``, e.g. ``"perceptron/sign-flipped"``.
        text: what the student is told, a :class:`~mlkit.messages.Message` (``tr(...)``):
            its English is also the key of its translations. A text with placeholders
            is given their values by :meth:`said`.
        section: the :class:`Section` of the book that explains it.

    Example:
        >>> from mlkit.messages import tr, translated
        >>> axis = Mistake("softmax/wrong-axis", tr("softmax over axis=%(other)s"),
        ...                Section("softmax", "softmax-scores"))
        >>> str(axis.said(other=0)), axis.said(other=0).section.url()
        ('softmax over axis=0', 'book/softmax.html#softmax-scores')
    """

    id: str
    text: Message
    section: Section

    def said(self, **params):
        """The same mistake, its text's placeholders given these values."""
        return dataclasses.replace(self, text=Message(self.text.msgid, params))

    def __str__(self):
        return str(self.text)


class MistakeTable(dict):
    """A mapping ``Mistake -> value`` of typical mistakes, and the section on the computation.

    A key is a :class:`Mistake`, which knows its own section; a hand-made table
    may use plain descriptions instead, which the table's ``label`` explains.

    Attributes:
        chapter: the chapter that explains these mistakes.
        label: the section that explains the computation itself, for a wrong
            answer that is none of the mistakes.
        inputs: ``(args, kwargs)`` the values were computed from (copies), or
            None; with :meth:`recompute`, what probes of a student's function
            compare against (:mod:`mlkit.testing.diagnosis`).
    """

    def __init__(self, mistakes, chapter, label, *, inputs=None, catalogue=None):
        super().__init__(mistakes)
        self.chapter = chapter
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

    def section(self, mistake=None):
        """The :class:`Section` explaining ``mistake``, or the computation if None."""
        if isinstance(mistake, Mistake):
            return mistake.section
        return Section(self.chapter, self.label)

    def url(self, mistake=None):
        """The link to the section explaining ``mistake``, or the computation if None."""
        return self.section(mistake).url()


def explained_in(chapter, label, *, stability=None):
    """Decorate a mistakes function: its table's computation is explained in ``chapter``, ``label``.

    Each mistake the function lists is a :class:`Mistake` and brings its own
    section; ``label`` is the section a wrong answer that is none of them links to.

    Args:
        chapter: the chapter's file name without ``.md``.
        label: the section explaining the computation.
        stability: the label of the section on computing the function stably,
            which :func:`~mlkit.testing.no_overflow` links to when a test cell
            names this function as ``explained_by`` (see :func:`stability_section`).

    Example:
        >>> from mlkit.messages import tr
        >>> NO_SHIFT = Mistake("softmax/no-max-shift", tr("no max shift: ..."),
        ...                    Section("softmax", "softmax-max-shift"))
        >>> @explained_in("softmax", "softmax-scores")
        ... def softmax_mistakes(x):
        ...     return {NO_SHIFT: 1}
        >>> softmax_mistakes(0).url(NO_SHIFT)
        'book/softmax.html#softmax-max-shift'
        >>> softmax_mistakes(0).url()  # a wrong answer that is none of them
        'book/softmax.html#softmax-scores'
    """
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            inputs = _plain_copy((list(args), dict(kwargs)))
            return MistakeTable(function(*args, **kwargs), chapter, label, inputs=inputs,
                                catalogue=wrapper)
        wrapper.stability = Section(chapter, stability) if stability else None
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
    return catalogue.stability.url() if catalogue.stability else None
