"""Which language a student reads the course's messages in: English or Korean.

The student chooses, or the notebook does:

1. ``MLKIT_LANG`` (``en`` or ``ko``), when it is set, decides: ``MLKIT_LANG=en``
   gives English even in a Korean locale or notebook;
2. otherwise Korean when the locale is Korean (the first of ``LC_ALL``,
   ``LC_MESSAGES`` and ``LANG`` that is set starts with ``ko``, as POSIX reads
   them) or when the notebook is the Korean release (its metadata holds
   ``{"mlkit": {"language": "ko"}}``): the notebook mlkit-check checks, or
   the one whose kernel runs the check (:mod:`mlkit.messages.kernel`);
3. otherwise English.

The grader reads the notebook alone (:func:`of_submission`): its feedback
follows the release the student submitted, not the grading machine's locale.
A block of code can be run in a given language with :func:`using`, which
:func:`current` honours before anything else.

Example:
    >>> choose(environ={"LANG": "ko_KR.UTF-8"})
    'ko'
    >>> choose({"metadata": {"mlkit": {"language": "ko"}}}, environ={"MLKIT_LANG": "en"})
    'en'
    >>> with using("ko"):
    ...     current()
    'ko'
"""

import contextlib
import contextvars
import os

from mlkit.messages import kernel

__all__ = ["LANGUAGES", "VARIABLE", "choose", "current", "of_notebook", "of_submission",
           "using"]

LANGUAGES = ("en", "ko")
VARIABLE = "MLKIT_LANG"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_override = contextvars.ContextVar("mlkit_language", default=None)


def _checked(value, where):
    """``value`` if it is one of :data:`LANGUAGES`, else a ValueError naming ``where``."""
    if value not in LANGUAGES:
        accepted = " or ".join(repr(language) for language in LANGUAGES)
        raise ValueError(f"`{where}` must be {accepted}. Received: {where}={value!r}")
    return value


def _requested(environ):
    """The language ``MLKIT_LANG`` names, or None when it is unset or empty."""
    value = environ.get(VARIABLE, "").strip()
    return _checked(value.lower(), VARIABLE) if value else None


def _locale_is_korean(environ):
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return value.lower().startswith("ko")
    return False


def of_notebook(notebook):
    """The language a notebook's metadata names (``mlkit.language``), or None.

    Args:
        notebook: a notebook, as an nbformat node or as plain JSON data.

    Raises:
        ValueError: when the metadata names a language other than those of :data:`LANGUAGES`.

    Example:
        >>> of_notebook({"metadata": {"mlkit": {"language": "ko"}}, "cells": []})
        'ko'
        >>> of_notebook({"metadata": {}, "cells": []}) is None
        True
    """
    metadata = notebook.get("metadata", {}) if isinstance(notebook, dict) else {}
    mlkit = metadata.get("mlkit") if isinstance(metadata, dict) else None
    value = mlkit.get("language") if isinstance(mlkit, dict) else None
    return None if value is None else _checked(value, "metadata.mlkit.language")


def of_submission(notebook):
    """The language the grader speaks to the author of ``notebook``: its release's, else English.

    A notebook whose metadata names an unknown language is graded in English:
    a damaged submission is still graded.

    Example:
        >>> of_submission({"metadata": {"mlkit": {"language": "tlh"}}})
        'en'
    """
    try:
        return of_notebook(notebook) or "en"
    except ValueError:
        return "en"


def choose(notebook=None, *, environ=None):
    """The language of the messages: see the module's description for the rules.

    Args:
        notebook: the notebook being checked, or None.
        environ: the environment to read (default: ``os.environ``).

    Returns:
        ``"en"`` or ``"ko"``.

    Raises:
        ValueError: when ``MLKIT_LANG`` or the notebook's metadata names another language.
    """
    environ = os.environ if environ is None else environ
    requested = _requested(environ)
    if requested is not None:
        return requested
    if notebook is not None and of_notebook(notebook) == "ko":
        return "ko"
    return "ko" if _locale_is_korean(environ) else "en"


def current():
    """The language to speak now: that of the enclosing :func:`using` block, else :func:`choose`'s
    for the notebook this kernel runs, if any (:mod:`mlkit.messages.kernel`).

    Raises:
        ValueError: when ``MLKIT_LANG`` names a language other than those of :data:`LANGUAGES`.
    """
    override = _override.get()
    if override:
        return override
    running = kernel.notebook()
    try:
        return choose(running)
    except ValueError:
        if running is None:
            raise
        return choose()  # the notebook's metadata is damaged: MLKIT_LANG and the locale decide


@contextlib.contextmanager
def using(language):
    """Speak ``language`` in the block, whatever the environment says.

    Args:
        language: ``"en"`` or ``"ko"``.

    Raises:
        ValueError: for another language.
    """
    token = _override.set(_checked(language, "language"))
    try:
        yield language
    finally:
        _override.reset(token)
