"""Checks of how an answer was built, not only of its value.

An assignment that asks for ``sigmoid`` wants the student's own computation,
not a call to the course's reference implementation in :mod:`mlkit`.
:func:`no_mlkit_calls` watches every Python call made while its block runs and
fails if one lands in mlkit's own implementation files. :func:`substitute`
lets a test check one part with the other parts replaced by correct ones, so a
mistake costs the points of the part that holds it and no others;
:func:`own_work` does both at once. :func:`no_overflow` checks that a
computation is numerically stable.
"""

import contextlib
import contextvars
import importlib
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from mlkit.messages import shown, tr, translated
from mlkit.testing.book import stability_section
from mlkit.testing.checks import CheckError

__all__ = ["no_mlkit_calls", "no_overflow", "own_work", "student_elsewhere", "substitute"]

# True while a grader runs the checks here and the student's code in another process.
_elsewhere = contextvars.ContextVar("mlkit_student_elsewhere", default=False)


@contextlib.contextmanager
def student_elsewhere():
    """Checks in the block run in a grader whose student code runs in another process.

    There, :func:`no_mlkit_calls` has nothing to watch: the student's process
    has no reference implementation to call, and it cannot call anything of
    this process but the functions lent to it for one check.
    """
    token = _elsewhere.set(True)
    try:
        yield
    finally:
        _elsewhere.reset(token)

_MLKIT_DIR = str(Path(__file__).resolve().parent.parent) + os.sep
_TESTING_DIR = str(Path(__file__).resolve().parent) + os.sep
# What a test cell calls to say its words, not an implementation of the course: the messages,
# and the test cells' texts when mlkit-check says them in the student's language.
_WORDS = (_MLKIT_DIR + "messages" + os.sep, _MLKIT_DIR + os.path.join("grading", "test_texts.py"))


def _is_mlkit_implementation(filename):
    """True for a file of the mlkit package other than mlkit.testing and the words' modules.

    Example:
        >>> import mlkit.numpy, mlkit.messages.text
        >>> _is_mlkit_implementation(mlkit.numpy.__file__)
        True
        >>> _is_mlkit_implementation(mlkit.messages.text.__file__)
        False
    """
    path = os.path.realpath(filename)
    return (path.startswith(_MLKIT_DIR) and not path.startswith(_TESTING_DIR)
            and not path.startswith(_WORDS))


def _qualified_name(code):
    """``package.module.function`` of a code object in the mlkit package."""
    package_parent = os.path.dirname(os.path.dirname(_MLKIT_DIR))  # the folder holding mlkit/
    relative = os.path.relpath(os.path.realpath(code.co_filename), package_parent)
    module = relative[:-3].replace(os.sep, ".") if relative.endswith(".py") else relative
    return f"{module}.{code.co_qualname}"


@contextlib.contextmanager
def no_mlkit_calls(part, *, allow=()):
    """Fail if the code in the block calls one of mlkit's implementations.

    Every Python-level call made while the block runs is watched (with
    ``sys.setprofile``). A call into a file of the mlkit package, other than
    :mod:`mlkit.testing` and the modules that say its words (:mod:`mlkit.messages`,
    :mod:`mlkit.grading.test_texts`), fails the check when the block ends, naming the
    function that was called. Calls made from inside a function listed in
    ``allow`` are not watched: pass the reference implementations a test has
    put in place with :func:`substitute`.

    Args:
        part: what the student was asked to write, e.g. ``"sigmoid"``, for the message.
        allow: functions that may be called, together with everything they call.

    Raises:
        AssertionError: if mlkit's own implementation was called, or if the code
            in the block replaced the profiler that does the watching.

    Example:
        >>> with no_mlkit_calls("square"):
        ...     _ = [x * x for x in range(3)]
    """
    if _elsewhere.get():
        yield
        return
    allowed_codes = {getattr(f, "__code__", None) for f in allow} - {None}
    calls = []
    inside_allowed = []  # frames of allowed functions that have not returned yet

    def watch(frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code in allowed_codes:
                inside_allowed.append(frame)
            elif not inside_allowed and _is_mlkit_implementation(code.co_filename):
                calls.append(_qualified_name(code))
        elif event == "return" and inside_allowed and frame is inside_allowed[-1]:
            inside_allowed.pop()

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        yield
    finally:
        tampered = sys.getprofile() is not watch
        sys.setprofile(previous)
    if tampered:
        summary = tr("While `%(part)s` ran, the profiler that checks how it was built was "
                     "replaced (sys.setprofile). Write the function without changing the "
                     "interpreter's hooks.", part=part)
        raise CheckError(translated(summary), summary=summary)
    if calls:
        summary = tr("`%(part)s` calls the course's reference implementation %(function)s. This "
                     "part asks you to write the computation yourself with NumPy (or TensorFlow) "
                     "operations, not to call mlkit's version.", part=part, function=calls[0])
        raise CheckError(translated(summary), summary=summary)


@contextlib.contextmanager
def substitute(namespace, **replacements):
    """Temporarily replace names in a namespace (such as a notebook's ``globals()``).

    Inside the block each ``name`` refers to its replacement; afterwards every
    name is restored, or removed if it did not exist before.

    Args:
        namespace: a dict of names, usually ``globals()``.
        **replacements: name=object pairs.

    Example:
        >>> ns = {"f": abs}
        >>> with substitute(ns, f=round):
        ...     ns["f"](2.6)
        3
        >>> ns["f"] is abs
        True
    """
    missing = object()
    saved = {name: dict.get(namespace, name, missing) for name in replacements}
    namespace.update(replacements)
    # A grader's namespace whose names live in the student's process (see
    # mlkit.grading.channel.StudentNamespace) binds them there too, for the block only.
    student = getattr(namespace, "student", None)
    with student.lend() if student is not None else contextlib.nullcontext():
        bound = []
        try:
            for name, value in replacements.items():
                if student is not None:
                    student.bind(name, value)
                    bound.append(name)
            yield
        finally:
            for name in reversed(bound):
                student.unbind(name)
            for name, value in saved.items():
                if value is missing:
                    namespace.pop(name, None)
                else:
                    namespace[name] = value


@contextlib.contextmanager
def own_work(namespace, part, *, uses=(), backend="numpy"):
    """Check a student's own ``part``, with the functions it may use replaced by correct ones.

    Inside the block, each name in ``uses`` refers to mlkit's reference
    implementation (so a mistake in, say, the student's ``sigmoid`` does not
    also cost the points of ``sigmoid_grad``), and :func:`no_mlkit_calls`
    checks that ``part`` itself does not call mlkit's implementation.

    Args:
        namespace: the notebook's ``globals()``.
        part: the name of the function under test, e.g. ``"sigmoid_grad"``.
        uses: names of other functions ``part`` may call, e.g. ``("sigmoid",)``.
        backend: ``"numpy"`` or ``"tensorflow"``: where the references come from.

    Raises:
        AssertionError: as :func:`no_mlkit_calls`.

    Example:
        >>> ns = {}
        >>> exec("def sigmoid_grad(x):\\n    s = sigmoid(x)\\n    return s * (1 - s)", ns)
        >>> with own_work(ns, "sigmoid_grad", uses=("sigmoid",)):
        ...     print(ns["sigmoid_grad"](0.0))
        0.25
    """
    reference = importlib.import_module(f"mlkit.{backend}")
    replacements = {name: getattr(reference, name) for name in uses}
    with substitute(namespace, **replacements), no_mlkit_calls(part, allow=replacements.values()):
        yield


@contextlib.contextmanager
def no_overflow(what, *, hint=None, explained_by=None):
    """Fail if the NumPy code in the block overflows, divides by zero or makes a NaN.

    NumPy only warns when ``exp`` overflows or ``log`` meets 0; inside this
    block those become errors, reported as an AssertionError that says what
    happened.

    Args:
        what: what is being computed, e.g. ``"sigmoid(x) for x = -1000"``.
        hint: a sentence on how to make the computation stable.
        explained_by: the function of :mod:`mlkit.testing.mistakes` for what is
            computed (``mistakes.sigmoid``): the failure links to the book's
            section on computing it stably, when it has one.

    Raises:
        AssertionError: naming the floating-point problem and ``hint``.

    Example:
        >>> with no_overflow("exp(1000)"):
        ...     np.exp(np.array([1000.0]))
        Traceback (most recent call last):
        ...
        mlkit.testing.checks.CheckError: exp(1000) is not numerically stable: overflow ... in exp.
    """
    link = None if explained_by is None else stability_section(explained_by)
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise"), \
                warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            yield
    except (FloatingPointError, RuntimeWarning) as err:
        summary = tr("%(what)s is not numerically stable: %(error)s", what=what, error=err)
        if hint:
            summary = tr("%(problem)s. Hint: %(hint)s", problem=summary, hint=hint.rstrip("."))
        message = translated(summary) + "."
        if link:
            message += "\n" + shown("Read about it in the book: %(link)s", link=link)
        raise CheckError(message, summary=summary, link=link) from None
