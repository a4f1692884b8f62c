"""Messages that keep one identity in every language: their English, and how to say them.

A :class:`Message` is a ``str`` whose value is its English text, so that
everything that keys, compares or records messages (the tables of typical
mistakes, the grader's records, the class report) sees one text whatever the
language the student reads. It also remembers its ``msgid`` (the English
template, with named placeholders such as ``%(count)s``) and its parameters,
so that :func:`translated` can say it in another language later, in another
process even (:meth:`Message.data`, :meth:`Message.from_data`).

- ``tr(msgid, **params)`` marks a text to translate and gives its :class:`Message`;
- ``shown(msgid, **params)`` gives the text in the language chosen now, a plain ``str``,
  for what is shown at once (an error's message).

Both are the keywords Babel extracts the catalogue's messages by. Placeholders
are named, ``%(name)s`` only, so that a translation may put them in any order;
a parameter is a value shown as it is (a number, a name, code) or a
:class:`Message`, which is translated too.

Example:
    >>> wrong = tr("%(count)s of %(size)s values differ", count=2, size=6)
    >>> wrong, wrong == "2 of 6 values differ"
    ('2 of 6 values differ', True)
    >>> translated(wrong, "ko")
    '값 6개 중 2개가 다릅니다'
"""

from mlkit.messages import kernel
from mlkit.messages import language as languages
from mlkit.messages.catalogue import translations

__all__ = ["Message", "Text", "shown", "tr", "translated"]

_PLAIN = (str, int, float, bool, type(None))


def _plain(value):
    """A parameter as data that survives JSON: Messages, strings and numbers as they are."""
    if isinstance(value, _PLAIN):  # a Message is a str
        return value
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # NumPy scalars
        return value.item()
    return str(value)


class Message(str):
    """A translatable text: its value is the English, its ``msgid`` and ``params`` say how.

    Attributes:
        msgid: the English template, as in the catalogue.
        params: the values of its placeholders (plain values or Messages).
    """

    def __new__(cls, msgid, params=None):
        params = {name: _plain(value) for name, value in (params or {}).items()}
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid, self.params = msgid, params
        return self

    def __reduce__(self):
        return type(self), (self.msgid, self.params)

    def data(self):
        """The message as JSON data, to record and say again later.

        Example:
            >>> tr("%(name)s returned None", name="f(x)").data()
            {'msgid': '%(name)s returned None', 'params': {'name': 'f(x)'}}
        """
        return {"msgid": self.msgid,
                "params": {name: value.data() if isinstance(value, Message | Text) else value
                           for name, value in self.params.items()}}

    @classmethod
    def from_data(cls, data):
        """The message that :meth:`data` gave ``data`` for.

        Raises:
            ValueError: when ``data`` is not such data.
        """
        if not (isinstance(data, dict) and isinstance(data.get("msgid"), str)
                and isinstance(data.get("params", {}), dict)):
            raise ValueError(f"`data` must be a dict with a str 'msgid' and a dict 'params'. "
                             f"Received: data={data!r}")
        params = {name: (Text.from_data(value) if "text" in value else cls.from_data(value))
                  if isinstance(value, dict) else value
                  for name, value in data.get("params", {}).items()}
        return cls(data["msgid"], params)


class Text(str):
    """A text that comes with its translations (a test cell's, from its assignment's catalogue).

    Its value is the English, as a :class:`Message`'s is; ``translations``
    holds what it says in other languages. It crosses to another process (a
    student's) as the plain English string.

    Attributes:
        translations: dict language -> the text in that language.

    Example:
        >>> name = Text("f(X) for a 2x3 array X", {"ko": "2x3 배열 X에 대한 f(X)"})
        >>> name == "f(X) for a 2x3 array X", translated(name, "ko")
        (True, '2x3 배열 X에 대한 f(X)')
        >>> translated(Text("Hint: scale.", {"ko": "힌트: 조정합니다."}).rstrip("."), "ko")
        '힌트: 조정합니다'
    """

    def __new__(cls, english, translations=None):
        self = super().__new__(cls, english)
        self.translations = dict(translations or {})
        return self

    def __reduce__(self):
        return str, (str(self),)

    def rstrip(self, chars=None):
        """The text and its translations without the trailing ``chars``, still a Text."""
        return Text(str.rstrip(self, chars), {language: text.rstrip(chars)
                                              for language, text in self.translations.items()})

    def data(self):
        """The text as JSON data: ``{"text": English, "translations": {...}}``."""
        return {"text": str(self), "translations": dict(self.translations)}

    @classmethod
    def from_data(cls, data):
        """The text that :meth:`data` gave ``data`` for."""
        translations = data.get("translations")
        return cls(str(data["text"]), {str(language): str(text) for language, text in
                                       translations.items()} if isinstance(translations, dict)
                   else {})


def tr(msgid, **params):
    """Mark ``msgid`` as a text to translate; its :class:`Message`, English until said.

    Args:
        msgid: the English text, with ``%(name)s`` for each parameter.
        **params: the parameters' values.

    Example:
        >>> tr("wrong shape")
        'wrong shape'
    """
    return Message(msgid, params)


def translated(text, language=None):
    """``text`` in ``language`` (default: the language chosen now), as a plain ``str``.

    A :class:`Message` is said from its translated template, its Message
    parameters translated too; a plain string is looked up as a msgid (a
    message recorded as its English only); a template with no current
    translation is said in English. None stays None.

    Example:
        >>> translated("wrong shape", "ko"), translated("wrong shape", "en")
        ('모양이 틀렸습니다', 'wrong shape')
    """
    if text is None:
        return None
    language = language or languages.current()
    if isinstance(text, Text):
        return text.translations.get(language, str(text))
    table = translations(language)
    if not isinstance(text, Message):
        if str(text) in table:
            return table[str(text)]
        # a test cell's own text (a check's name), translated by the notebook it runs in
        said = kernel.notebook_texts().get(str(text))
        return said.get(language, str(text)) if isinstance(said, dict) else str(text)
    if not text.params:
        return table.get(text.msgid, text.msgid)
    params = {name: translated(value, language) if isinstance(value, Message | Text) else value
              for name, value in text.params.items()}
    return table.get(text.msgid, text.msgid) % params


def shown(msgid, **params):
    """``msgid`` with its parameters, in the language chosen now: a plain ``str`` to show.

    Example:
        >>> from mlkit.messages.language import using
        >>> with using("ko"):
        ...     shown("wrong shape")
        '모양이 틀렸습니다'
    """
    return translated(Message(msgid, params))
