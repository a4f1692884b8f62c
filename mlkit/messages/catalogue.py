"""The translations of the messages, read from the package's gettext catalogues.

``mlkit/locales/mlkit.pot`` is the template (every message of the code, in
English, as Babel extracts it); ``mlkit/locales/<language>/LC_MESSAGES/mlkit.po``
holds one language's translations. Both ship with the package as data.

Why the ``.po`` is read at run time, with Babel, rather than compiled to a
``.mo`` read by the standard library's :mod:`gettext`: a ``.mo`` is a build
product, and the package is used from places where no build step runs (a
fresh clone on the path, an editable install, Colab's ``pip install`` of the
repository). Compiling at install time would leave those without translations,
and committing the ``.mo`` would give translators a second file to keep in
step. The ``.po`` is the one file a translator edits, and reading it is what
Babel's :func:`~babel.messages.pofile.read_po` does; it is read once per
process and language (a few hundred entries: tens of milliseconds), and only
when a message is said in a language other than English, whose words are the
code's own.

An entry counts as a translation only when its ``msgstr`` is not empty and it
is not marked fuzzy: a fuzzy entry (its English changed since it was
translated) is never shown, and the English is said instead.
"""

import functools
from pathlib import Path

__all__ = ["DOMAIN", "LOCALES", "catalogue_path", "translations"]

DOMAIN = "mlkit"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def catalogue_path(language):
    """The ``.po`` file of ``language``.

    Example:
        >>> catalogue_path("ko").relative_to(LOCALES).as_posix()
        'ko/LC_MESSAGES/mlkit.po'
    """
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language):
    """``msgid -> msgstr`` of every current translation into ``language``.

    Args:
        language: a language code such as ``"ko"``; ``"en"`` has none (the
            messages are written in English).

    Returns:
        A dict; untranslated, fuzzy and obsolete entries are left out.

    Raises:
        FileNotFoundError: when the package holds no catalogue for ``language``.

    Example:
        >>> translations("en")
        {}
    """
    if language == "en":
        return {}
    from babel.messages.pofile import read_po

    path = catalogue_path(language)
    with path.open("rb") as file:
        catalog = read_po(file, locale=language, domain=DOMAIN, ignore_obsolete=True)
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string
            and not message.fuzzy}
