"""Assertions for test cells whose failure messages teach.

A failed check says what was expected, what came back, where they first
differ, and, when the wrong answer is one a typical mistake produces, names the
mistake. The basic problems (``None`` returned, wrong shape, wrong dtype,
NaN or inf) are checked first, each with its own message.
"""

import unicodedata

import numpy as np

from mlkit.messages import Message, shown, tr, translated
from mlkit.testing.book import Mistake, MistakeTable, section_url
from mlkit.testing.checks import CheckError
from mlkit.testing.diagnosis import found_properties, matching, narrowed
from mlkit.testing.gradients import numerical_gradient, rel_error

__all__ = ["assert_close", "assert_gradient_close"]


# The names a failure message gives the value checked, when the test gives none.
RESULT = tr("the result")
GRADIENT = tr("the gradient")


def _width(text):
    """The columns ``text`` takes in a terminal: wide (Hangul, CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _show(array, indent=12):
    """Short, readable text of an array for a failure message, its rows ``indent`` columns in."""
    if array.ndim == 0:
        return repr(array.item())
    text = np.array2string(array, precision=8, threshold=24, edgeitems=3, separator=", ")
    return text.replace("\n", "\n" + " " * indent)  # align rows under the first one


def _labelled(label, array):
    """``label``, such as ``tr("  expected: %(value)s", value="")``, said with ``array`` in it,
    its rows aligned under the first whatever the language's letters."""
    indent = _width(translated(label))
    return translated(Message(label.msgid, {"value": _show(array, indent)}))


def _as_array(value, name):
    """Return ``value`` as a NumPy array, or raise an AssertionError saying what it was."""
    if value is None:
        raise CheckError(
            shown("%(name)s returned None. Is a `return` statement missing at the end of the "
                "function?", name=name),
            summary=tr("the function returned None (is a `return` statement missing?)"))
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    except (TypeError, ValueError) as err:
        kind = value.__class__.__name__  # __class__: a student's object seen from the checker
        raise CheckError(
            shown("%(name)s should be an array of numbers. Received a %(kind)s: %(error)s",
                name=name, kind=kind, error=err),
            summary=tr("the result is a %(kind)s, not an array of numbers", kind=kind)) from None
    if array.dtype.kind not in "biuf":
        raise CheckError(
            shown("%(name)s should be an array of real numbers. Received a %(kind)s of dtype "
                "%(dtype)s: %(value)s", name=name, kind=value.__class__.__name__,
                dtype=array.dtype, value=_show(array)),
            summary=tr("the result is not an array of real numbers (dtype %(dtype)s)",
                       dtype=array.dtype))
    return array


def _problem(actual, expected, rtol, atol, check_dtype, floats=False):
    """``(summary, sentence)`` saying what is wrong, or None when nothing is.

    The summary shows no value, so that it can be reported for a hidden check;
    it is a :class:`~mlkit.messages.Message` (English, translated when shown),
    the sentence is said in the language chosen now.
    """
    if actual.shape != expected.shape:
        text = shown("wrong shape: expected shape %(expected)s, received shape %(received)s.",
                   expected=expected.shape, received=actual.shape)
        if actual.ndim == 2 and actual.shape == expected.shape[::-1]:
            text += " " + shown("That is the shape of the transpose.")
        elif actual.size == 1 and expected.size > 1:
            text += " " + shown("A single number came back where an array was expected.")
        return tr("wrong shape"), text
    if floats and actual.dtype.kind != "f":
        if actual.dtype.kind == "b":
            return tr("the result holds booleans, not floats"), shown(
                "the result holds booleans (dtype %(dtype)s) where floats are asked for: "
                "convert with .astype(float).", dtype=actual.dtype)
        return tr("the result holds integers, not floats"), shown(
            "the result holds integers (dtype %(dtype)s) where floats are asked for: "
            "convert with .astype(float).", dtype=actual.dtype)
    if check_dtype and actual.dtype != expected.dtype:
        return tr("wrong dtype"), shown(
            "wrong dtype: expected %(expected)s, received %(received)s. Keep the dtype of the "
            "input (check for a float64 constant or an astype).",
            expected=expected.dtype, received=actual.dtype)
    bad = ~np.isfinite(actual.astype(np.float64)) & np.isfinite(expected.astype(np.float64))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(actual[index]) else "inf"
        summary = tr("NaN or inf at %(count)s of %(size)s positions", count=int(bad.sum()),
                     size=actual.size)
        return summary, shown(
            "the result holds %(summary)s; first at index %(index)s: expected %(expected)s, "
            "received %(kind)s. Overflow (exp of a large number), log(0) or 0/0 are the usual "
            "causes.", summary=translated(summary), index=index,
            expected=repr(expected[index]), kind=kind)
    with np.errstate(invalid="ignore"):
        close = np.isclose(actual.astype(np.float64), expected.astype(np.float64),
                           rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    summary = tr("%(count)s of %(size)s values differ", count=int((~close).sum()),
                 size=actual.size)
    return summary, shown(
        "%(summary)s (tolerance rtol=%(rtol)s, atol=%(atol)s); first at index %(index)s: "
        "expected %(expected)s, received %(received)s.", summary=translated(summary),
        rtol=f"{rtol:g}", atol=f"{atol:g}", index=index,
        expected=repr(expected[index].item()), received=repr(actual[index].item()))


def _either(candidates):
    """One mistake of several the evidence cannot tell apart: "either A; or B; or C"."""
    choices = candidates[0]
    for candidate in candidates[1:]:
        choices = tr("%(first)s; or %(second)s", first=choices, second=candidate)
    return tr("either %(choices)s", choices=choices)


def _listed(sentences):
    """Several properties of a wrong answer, in one text: "A; B"."""
    text = sentences[0]
    for sentence in sentences[1:]:
        text = tr("%(first)s; %(second)s", first=text, second=sentence)
    return text


def _text(mistake):
    """What the student is told of a mistake: a Mistake's text, or a plain description."""
    return mistake.text if isinstance(mistake, Mistake) else mistake


def _diagnosis(actual, expected, mistakes, probe, rtol, atol, reference=None):
    """``(mistake, link)``: what the evidence says went wrong, in words, and where to read."""
    candidates = matching(actual, mistakes, rtol, atol)
    if probe is not None and candidates:
        candidates = narrowed(candidates, mistakes, probe, rtol, atol)
    table = mistakes if isinstance(mistakes, MistakeTable) else None
    link = table.url() if table is not None else None  # an empty table still has its section
    if len(candidates) == 1:
        return _text(candidates[0]), table.url(candidates[0]) if table is not None else None
    if candidates:
        return _either([_text(c) for c in candidates]), link
    properties = found_properties(actual, expected, probe, getattr(mistakes, "inputs", None),
                                  rtol, atol, parameters=getattr(mistakes, "parameters", ()),
                                  reference=reference)
    if len(properties) == 1 and properties[0].section:
        link = section_url(*properties[0].section)
    if properties:
        return _listed([finding.sentence for finding in properties]), link
    return None, link


def assert_close(actual, expected, *, name=RESULT, rtol=1e-6, atol=1e-8,
                 check_dtype=False, floats=False, mistakes=None, probe=None, reference=None):
    """Assert that ``actual`` equals ``expected`` within a tolerance, explaining any difference.

    Passes when the shapes match and every element satisfies
    ``|actual - expected| <= atol + rtol * |expected|`` (NaN matches NaN).

    Args:
        actual: what the code under test returned: a number, array or tensor.
        expected: the right answer, any shape.
        name: how to call ``actual`` in a message, e.g. ``"sigmoid(x)"``.
        rtol: relative tolerance.
        atol: absolute tolerance.
        check_dtype: also require ``actual.dtype == expected.dtype``.
        floats: also require a float dtype (any precision): booleans or
            integers with the right values fail, where a task asks for floats.
        mistakes: optional mapping from a typical mistake (a
            ``Mistake`` (``mlkit.testing.book``), or a plain description) to
            the value that mistake produces; when ``actual`` equals one of them,
            the message names the mistake. The tables of ``mlkit.testing.mistakes``
            (each a ``MistakeTable``) also give the message a link to the book: to
            the section on that mistake, or, for a wrong answer that is none of
            them, to the section on the computation.
        probe: optional: the student's function that gave ``actual``, called as
            the ``mistakes`` function was. When the answer is wrong, it is called
            again on nearby inputs, so that a mistake is named only when it
            still fits (see ``mlkit.testing.diagnosis``), and to find properties
            of the answer (inputs changed in place, a batch of one).
        reference: optional: the right function, called as ``probe`` is. With
            it, the probes also compare the two on inputs made for the
            purpose: a parameter that is ignored, a reduction over the wrong
            axis or the whole batch, a hard-coded size.

    Raises:
        AssertionError: with a message saying what was expected, what came back,
            where they first differ and, when known, the likely mistake (or the
            mistakes the evidence cannot tell apart).

    Example:
        >>> assert_close(np.array([0.5, 1.0]), [0.5, 1.0], name="f(x)")
        >>> assert_close(np.array([0.5, 2.0]), [0.5, 1.0], name="f(x)")
        Traceback (most recent call last):
        ...
        mlkit.testing.checks.CheckError: f(x) is not right: 1 of 2 values differ ...
    """
    name = translated(name) if isinstance(name, Message) else name
    actual = _as_array(actual, name)
    expected = np.asarray(expected)
    problem = _problem(actual, expected, rtol, atol, check_dtype, floats)
    if problem is None:
        return
    summary, text = problem
    lines = [shown("%(name)s is not right: %(problem)s", name=name, problem=text),
             _labelled(tr("  expected: %(value)s", value=""), expected),
             _labelled(tr("  received: %(value)s", value=""), actual)]
    mistake, link = _diagnosis(actual, expected, mistakes, probe, rtol, atol, reference)
    if mistake is not None:
        lines.append(shown("Likely mistake: %(mistake)s", mistake=translated(mistake)))
    if link:  # the link last on its line: check() leaves this line out of its detail
        lines.append(shown("Read about it in the book: %(link)s", link=link) if mistake else
                     shown("See the book's section on it: %(link)s", link=link))
    raise CheckError("\n".join(lines), summary=summary, mistake=mistake, link=link)


def assert_gradient_close(analytic, f, x, *, name=GRADIENT, upstream=None, tol=1e-6,
                          mistakes=None, probe=None, reference=None):
    """Assert that an analytic gradient matches centred differences of ``f`` at ``x``.

    The check is :func:`~mlkit.testing.rel_error` between ``analytic`` and
    :func:`~mlkit.testing.numerical_gradient` ``(f, x, upstream=upstream)``,
    which must stay below ``tol``.

    Args:
        analytic: the gradient to check, shape of ``x``.
        f: the function it is the gradient of (elementwise, or scalar-valued).
        x: the point, any shape; use float64 and avoid kinks (such as 0 for ReLU).
        name: how to call ``analytic`` in a message, e.g. ``"sigmoid_grad(x)"``.
        upstream: as in :func:`~mlkit.testing.numerical_gradient`.
        tol: the largest relative error accepted.
        mistakes: as in :func:`assert_close`.
        probe: as in :func:`assert_close`.
        reference: as in :func:`assert_close`.

    Raises:
        AssertionError: naming the relative error and the first element that differs.

    Example:
        >>> x = np.array([0.5, -1.5])
        >>> assert_gradient_close(2 * x, lambda x: x ** 2, x, name="d/dx x**2")
    """
    name = translated(name) if isinstance(name, Message) else name
    actual = _as_array(analytic, name)
    numerical = numerical_gradient(f, x, upstream=upstream)
    if actual.shape == numerical.shape:
        error = rel_error(actual, numerical)
        if error <= tol:
            return
        header = shown("%(name)s does not match the numerical gradient: relative error "
                     "%(error)s, should be below %(tol)s.", name=name, error=f"{error:.3g}",
                     tol=f"{tol:g}")
    else:
        header = shown("%(name)s does not match the numerical gradient.", name=name)
    try:
        assert_close(actual, numerical, name=name, rtol=1e-4, atol=1e-7, mistakes=mistakes,
                     probe=probe, reference=reference)
    except CheckError as err:
        raise CheckError(f"{header}\n{err}",
                         summary=tr("the gradient is wrong: %(summary)s", summary=err.summary),
                         mistake=err.mistake, link=err.link) from None
    # Close elementwise within the loose tolerance but not within `tol`.
    raise CheckError(header, summary=tr("the gradient does not match the numerical gradient"))
