"""An oracle for the Korean messages that shares nothing with mlkit.messages' reading of them.

The Korean catalogue is compiled to a ``.mo`` with Babel and read with the
standard library's :mod:`gettext`, as any gettext program would read it.
"""

import functools
import gettext
import io

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from mlkit.messages.catalogue import catalogue_path


@functools.cache
def korean():
    """``gettext.GNUTranslations`` of the Korean catalogue (fuzzy entries left out, as msgfmt)."""
    with catalogue_path("ko").open("rb") as file:
        catalog = read_po(file, locale="ko")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def ko(msgid, **params):
    """``msgid`` in Korean, as gettext says it, formatted with ``params``."""
    text = korean().gettext(msgid)
    return text % params if params else text
