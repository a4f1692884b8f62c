"""Named checks, whose failures can be reported without showing values.

A test cell's hidden part runs only at grading time, and its feedback must say
which hidden check failed and why without showing the check's code or its
expected values. Each hidden check is a ``with check("name"):`` block;
a failure inside it becomes a :class:`CheckError` whose first line names the
check and says, in words only, what went wrong.

Example:
    >>> with check("squares"):
    ...     assert [x * x for x in range(3)] == [0, 1, 4]
    >>> with check("cubes"):
    ...     raise ValueError("shapes (2, 3) and (4,) do not match")
    Traceback (most recent call last):
    ...
    mlkit.testing.checks.CheckError: Check 'cubes' failed: the code raised ValueError.
    ValueError: shapes (2, 3) and (4,) do not match
"""

import contextlib
import contextvars
import dataclasses
from dataclasses import dataclass

from mlkit.messages import Message, shown, tr, translated
from mlkit.messages.text import Text
from mlkit.testing._collecting import collecting

__all__ = ["CheckError", "CheckResult", "check", "hidden_checks_pending", "recording", "summary_of"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one named check, as data a grader records.

    ``summary`` and ``mistake`` are English whatever the language the student
    reads (:class:`~mlkit.messages.Message` s, whose value is their English):
    they are the failure's identity, which the class report counts.
    :meth:`sentence` says them in the student's language.

    Attributes:
        name: the check's name, as given to :func:`check`.
        passed: whether the block ran without failing.
        summary: what went wrong, in words only (None when it passed).
        mistake: the likely mistake named by the failure, or None.
        link: the book section that explains the failure, or None.
    """

    name: str
    passed: bool
    summary: str | None = None
    mistake: str | None = None
    link: str | None = None

    def sentence(self, language=None):
        """The failure in words and the book's address only, for a hidden check's feedback.

        Args:
            language: ``"en"`` or ``"ko"``; by default the language chosen now
                (:func:`mlkit.messages.language.current`).

        Example:
            >>> CheckResult("f(X)", False, "2 of 6 values differ").sentence("en")
            '2 of 6 values differ.'
            >>> CheckResult("f(X)", True).sentence()
            ''
        """
        if self.passed:
            return ""
        summary = translated(self.summary, language) or ""
        text = summary.rstrip(".") + "."
        if self.mistake:
            mistake = translated(self.mistake, language).rstrip(".")
            text += " " + translated(tr("Likely mistake: %(mistake)s.", mistake=mistake),
                                     language)
        if self.link:  # worded as assert_close words it
            text += " " + translated(tr("Read about it in the book: %(link)s", link=self.link)
                                     if self.mistake else
                                     tr("See the book's section on it: %(link)s", link=self.link),
                                     language)
        return text

    def record(self):
        """The result as JSON data: its fields, English, and what it takes to translate them.

        ``messages`` holds, for ``summary`` and ``mistake`` when they are
        :class:`~mlkit.messages.Message` s, their :meth:`~mlkit.messages.Message.data`,
        and for a mistake a test cell described (a :class:`~mlkit.messages.text.Text`)
        its :meth:`~mlkit.messages.text.Text.data`, with its translations.

        Example:
            >>> CheckResult("f(X)", False, tr("wrong shape")).record()["messages"]
            {'summary': {'msgid': 'wrong shape', 'params': {}}}
            >>> CheckResult("f(X)", False, tr("wrong shape"),
            ...             Text("x < 0 kept", {"ko": "x < 0을 남겼습니다"})).record()["mistake"]
            'x < 0 kept'
        """
        fields = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        messages = {name: value.data() for name, value in fields.items()
                    if isinstance(value, Message)
                    or (name == "mistake" and isinstance(value, Text))}
        record = {name: str(value) if isinstance(value, str) else value
                  for name, value in fields.items()}
        return {**record, "messages": messages} if messages else record

    @classmethod
    def from_record(cls, record):
        """The result :meth:`record` gave ``record`` for (fields it does not know are ignored).

        A recorded message whose English no longer matches its field (a record
        of another version) is kept as its English only.
        """
        fields = {field.name for field in dataclasses.fields(cls)}
        values = {name: value for name, value in record.items() if name in fields}
        for name, data in (record.get("messages") or {}).items():
            try:
                message = Text.from_data(data) if isinstance(data, dict) and "text" in data \
                    else Message.from_data(data)
            except (ValueError, TypeError, KeyError, AttributeError):
                continue
            if name in values and message == values[name]:
                values[name] = message
        return cls(**values)


# The list the checks of the running test cell report to, while a grader records them.
_results = contextvars.ContextVar("mlkit_check_results", default=None)


@contextlib.contextmanager
def recording():
    """Collect the :class:`CheckResult` of every :func:`check` that runs in the block.

    Example:
        >>> with recording() as results:
        ...     with check("one is one"):
        ...         assert 1 == 1
        >>> results
        [CheckResult(name='one is one', passed=True, summary=None, mistake=None, link=None)]
    """
    with collecting(_results) as results:
        yield results


class CheckError(AssertionError):
    """An assertion error that also carries a summary free of values.

    Attributes:
        summary: what went wrong, in words only (no expected or received value),
            so that it can be shown for a hidden check.
        mistake: the description of the likely mistake, or None.
        link: the address of the book section that explains the failure
            (``mlkit.testing.book.section_url``), or None.

    Example:
        >>> error = CheckError("f(x) is 3, expected 2", summary="1 of 1 values differ")
        >>> isinstance(error, AssertionError), error.summary
        (True, '1 of 1 values differ')
    """

    def __init__(self, message, *, summary, mistake=None, link=None):
        super().__init__(message)
        self.summary = summary
        self.mistake = mistake
        self.link = link


def summary_of(error):
    """What went wrong in ``error``, in words that show no value.

    Args:
        error: an exception raised by a check.

    Returns:
        The summary of a :class:`CheckError`; for another AssertionError,
        ``"an assertion failed"``; otherwise the exception's type.

    Example:
        >>> summary_of(KeyError("secret"))
        'the code raised KeyError'
    """
    if isinstance(error, CheckError):
        return error.summary
    if isinstance(error, AssertionError):
        return tr("an assertion failed")
    return tr("the code raised %(error)s", error=type(error).__name__)


@contextlib.contextmanager
def check(name):
    """Run the block as the check ``name``; turn any failure into a :class:`CheckError`.

    The failure's message starts with one line, ``Check 'name' failed: ...``,
    holding the summary, the likely mistake if one was named and the link to
    the book section that explains it if there is one: nothing but words and
    that address, so that the feedback of a hidden check can show it. The full
    message of the original error follows on the next lines.

    Args:
        name: what the check checks, a short phrase such as
            ``"softmax(X) for a 3-d array X"``.

    Raises:
        CheckError: when the block raises any ``Exception``.

    Example:
        >>> with check("the sum of a list"):
        ...     assert sum([1, 2]) == 4, "sum([1, 2]) is 3"
        Traceback (most recent call last):
        ...
        mlkit.testing.checks.CheckError: Check 'the sum of a list' failed: an assertion failed.
        sum([1, 2]) is 3
    """
    results = _results.get()
    try:
        yield
    except Exception as error:
        summary = summary_of(error)
        mistake = getattr(error, "mistake", None)
        link = getattr(error, "link", None)
        result = CheckResult(name, False, summary, mistake, link)
        if results is not None:
            results.append(result)
        first = shown("Check %(name)s failed: %(sentence)s", name=repr(translated(name)),
                    sentence=result.sentence())
        # the original message, without its line of the link, now on the first line
        detail = "\n".join(line for line in str(error).split("\n")
                           if not (link and line.rstrip().endswith(link)))
        if not isinstance(error, AssertionError):
            detail = f"{type(error).__name__}: {detail}"
        raise CheckError(f"{first}\n{detail}", summary=summary, mistake=mistake,
                         link=link) from None
    if results is not None:
        results.append(CheckResult(name, True))


def hidden_checks_pending(count):
    """Say that a test cell's visible checks passed and that ``count`` hidden checks wait.

    A released test cell ends with this call (``mlkit.grading.release`` writes
    it where the hidden tests were), so that passing the visible checks never
    reads as full marks. It speaks the student's language, as every message of
    :mod:`mlkit.testing` does: a cell of the Korean release says it in Korean.

    Args:
        count: the number of hidden checks of the cell, a positive integer.

    Raises:
        ValueError: if ``count`` is not a positive integer.

    Example:
        >>> hidden_checks_pending(2)
        Visible checks passed. This cell's 2 hidden checks run only when the assignment is ...
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"`count` must be a positive integer, the number of hidden checks. "
                         f"Received: count={count!r}")
    if count == 1:
        print(shown("Visible checks passed. This cell's 1 hidden check runs only when the "
                    "assignment is graded: not run yet."))
    else:
        print(shown("Visible checks passed. This cell's %(count)s hidden checks run only when "
                    "the assignment is graded: not run yet.", count=count))
