"""Assertions for test cells whose failure messages teach.

A failed check says what was expected, what came back, where they first
differ, and, when the wrong answer is one a typical mistake produces, names the
mistake. The basic problems (``None`` returned, wrong shape, wrong dtype,
NaN or inf) are checked first, each with its own message.
"""

import numpy as np

from mlkit.testing.book import MistakeTable
from mlkit.testing.checks import CheckError
from mlkit.testing.gradients import numerical_gradient, rel_error

__all__ = ["assert_close", "assert_gradient_close"]


def _show(array):
    """Short, readable text of an array for a failure message."""
    if array.ndim == 0:
        return repr(array.item())
    text = np.array2string(array, precision=8, threshold=24, edgeitems=3, separator=", ")
    return text.replace("\n", "\n            ")  # align rows under the first one


def _as_array(value, name):
    """Return ``value`` as a NumPy array, or raise an AssertionError saying what it was."""
    if value is None:
        raise CheckError(
            f"{name} returned None. Is a `return` statement missing at the end of the function?",
            summary="the function returned None (is a `return` statement missing?)")
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    except (TypeError, ValueError) as err:
        kind = value.__class__.__name__  # __class__: a student's object seen from the checker
        raise CheckError(
            f"{name} should be an array of numbers. Received a {kind}: {err}",
            summary=f"the result is a {kind}, not an array of numbers") from None
    if array.dtype.kind not in "biuf":
        raise CheckError(
            f"{name} should be an array of real numbers. "
            f"Received a {value.__class__.__name__} of dtype {array.dtype}: {_show(array)}",
            summary=f"the result is not an array of real numbers (dtype {array.dtype})")
    return array


def _matching_mistake(actual, mistakes, rtol, atol):
    """The description of the first mistake whose value equals ``actual``, or None."""
    for description, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=np.float64)  # tensors too: they convert themselves
        if wrong.shape != actual.shape:
            continue
        with np.errstate(invalid="ignore"):
            if np.allclose(actual.astype(np.float64), wrong, rtol=rtol, atol=atol, equal_nan=True):
                return description
    return None


def _problem(actual, expected, rtol, atol, check_dtype):
    """``(summary, sentence)`` saying what is wrong, or None when nothing is.

    The summary shows no value, so that it can be reported for a hidden check.
    """
    if actual.shape != expected.shape:
        text = f"wrong shape: expected shape {expected.shape}, received shape {actual.shape}."
        if actual.ndim == 2 and actual.shape == expected.shape[::-1]:
            text += " That is the shape of the transpose."
        elif actual.size == 1 and expected.size > 1:
            text += " A single number came back where an array was expected."
        return "wrong shape", text
    if check_dtype and actual.dtype != expected.dtype:
        return "wrong dtype", (
            f"wrong dtype: expected {expected.dtype}, received {actual.dtype}. "
            "Keep the dtype of the input (check for a float64 constant or an astype)."
        )
    bad = ~np.isfinite(actual.astype(np.float64)) & np.isfinite(expected.astype(np.float64))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(actual[index]) else "inf"
        summary = f"NaN or inf at {int(bad.sum())} of {actual.size} positions"
        return summary, (
            f"the result holds {summary}; "
            f"first at index {index}: expected {expected[index]!r}, received {kind}. "
            "Overflow (exp of a large number), log(0) or 0/0 are the usual causes."
        )
    with np.errstate(invalid="ignore"):
        close = np.isclose(actual.astype(np.float64), expected.astype(np.float64),
                           rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    summary = f"{int((~close).sum())} of {actual.size} values differ"
    return summary, (
        f"{summary} "
        f"(tolerance rtol={rtol:g}, atol={atol:g}); first at index {index}: "
        f"expected {expected[index].item()!r}, received {actual[index].item()!r}."
    )


def assert_close(actual, expected, *, name="the result", rtol=1e-6, atol=1e-8,
                 check_dtype=False, mistakes=None):
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
        mistakes: optional mapping from the description of a typical mistake to
            the value that mistake produces; when ``actual`` equals one of them,
            the message names the mistake. The tables of ``mlkit.testing.mistakes``
            (each a ``MistakeTable``) also give the message a link to the book: to
            the section on that mistake, or, for a wrong answer that is none of
            them, to the section on the computation.

    Raises:
        AssertionError: with a message saying what was expected, what came back,
            where they first differ and, when known, the likely mistake.

    Example:
        >>> assert_close(np.array([0.5, 1.0]), [0.5, 1.0], name="f(x)")
        >>> assert_close(np.array([0.5, 2.0]), [0.5, 1.0], name="f(x)")
        Traceback (most recent call last):
        ...
        mlkit.testing.checks.CheckError: f(x) is not right: 1 of 2 values differ ...
    """
    actual = _as_array(actual, name)
    expected = np.asarray(expected)
    problem = _problem(actual, expected, rtol, atol, check_dtype)
    if problem is None:
        return
    summary, text = problem
    lines = [f"{name} is not right: {text}",
             f"  expected: {_show(expected)}",
             f"  received: {_show(actual)}"]
    mistake = _matching_mistake(actual, mistakes, rtol, atol)
    if mistake is not None:
        lines.append(f"Likely mistake: {mistake}")
    link = mistakes.url(mistake) if isinstance(mistakes, MistakeTable) else None
    if link:
        lines.append(f"Read about it in the book: {link}" if mistake else
                     f"See the book's section on it: {link}")
    raise CheckError("\n".join(lines), summary=summary, mistake=mistake, link=link)


def assert_gradient_close(analytic, f, x, *, name="the gradient", upstream=None, tol=1e-6,
                          mistakes=None):
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

    Raises:
        AssertionError: naming the relative error and the first element that differs.

    Example:
        >>> x = np.array([0.5, -1.5])
        >>> assert_gradient_close(2 * x, lambda x: x ** 2, x, name="d/dx x**2")
    """
    actual = _as_array(analytic, name)
    numerical = numerical_gradient(f, x, upstream=upstream)
    if actual.shape == numerical.shape:
        error = rel_error(actual, numerical)
        if error <= tol:
            return
        header = (f"{name} does not match the numerical gradient: "
                  f"relative error {error:.3g}, should be below {tol:g}.")
    else:
        header = f"{name} does not match the numerical gradient."
    try:
        assert_close(actual, numerical, name=name, rtol=1e-4, atol=1e-7, mistakes=mistakes)
    except CheckError as err:
        raise CheckError(f"{header}\n{err}", summary=f"the gradient is wrong: {err.summary}",
                           mistake=err.mistake, link=err.link) from None
    # Close elementwise within the loose tolerance but not within `tol`.
    raise CheckError(header, summary="the gradient does not match the numerical gradient")
