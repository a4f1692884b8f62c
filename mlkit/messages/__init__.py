"""The words students read, in English or in Korean, through gettext catalogues.

- :mod:`mlkit.messages.language`: which language to speak (``MLKIT_LANG``, the
  locale, the notebook's metadata).
- :mod:`mlkit.messages.text`: :func:`tr` and :func:`shown` mark the texts to
  translate; a :class:`Message` keeps its English as its identity.
- :mod:`mlkit.messages.catalogue`: the translations, read from
  ``mlkit/locales/<language>/LC_MESSAGES/mlkit.po``.

Example:
    >>> with using("ko"):
    ...     shown("%(count)s of %(size)s values differ", count=2, size=6)
    '값 6개 중 2개가 다릅니다'
"""

from mlkit.messages.language import current, using
from mlkit.messages.text import Message, shown, tr, translated

__all__ = ["Message", "current", "shown", "tr", "translated", "using"]
