"""The NumPy backend's conversions and checks, used by the contracts in ``mlkit.contracts``.

The TensorFlow backend's ``_checks`` module has the same names: a contract
converts and checks its arguments through them, whichever backend it serves.
"""

import contextlib
import numbers

import numpy as np


def as_float_array(x, name="x"):
    """Return ``x`` as a floating-point array, keeping a float input's dtype.

    Integer and boolean input becomes float64 (as ``np.exp`` would make it);
    anything that is not an array of real numbers is rejected.

    Args:
        x: a number, a (nested) list of numbers or an array, any shape.
        name: the argument's name, used in error messages.

    Returns:
        An ``np.ndarray`` of a float dtype, same shape as ``x``.

    Raises:
        TypeError: if ``x`` is None or does not hold real numbers.
        ValueError: if ``x`` is a ragged nested list.
    """
    if x is None:
        raise TypeError(
            f"`{name}` must be a number or an array of real numbers. Received: {name}=None"
        )
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(
            f"`{name}` must be a rectangular array of real numbers "
            f"(every row the same length). Received a ragged {type(x).__name__}: {err}"
        ) from None
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "iub":
        return arr.astype(np.float64)
    raise TypeError(
        f"`{name}` must hold real numbers (a float, integer or bool dtype). "
        f"Received: {name}.dtype={arr.dtype}"
    )


def check_shape(x, name, expected, *, ndim, sizes=None, origin=None):
    """Return ``x`` if it has an allowed number of dimensions and the given sizes, else raise.

    The message names the argument, the shape it should have and the shape it
    has, e.g. ``"`W` must have shape (n_inputs, n_units) with n_inputs = 3 from
    `X`. Received: W.shape=(2, 4)"``.

    Args:
        x: an array.
        name: the argument's name, used in the message.
        expected: the shape it should have, in words, e.g. ``"(n_inputs, n_units)"``.
        ndim: the allowed number of dimensions, an int or a tuple of ints.
        sizes: optional mapping ``axis -> size`` that ``x`` must match
            (negative axes count from the end).
        origin: optional text saying where those sizes come from, e.g.
            ``"n_inputs = 3 from `X`"``.

    Returns:
        ``x`` itself.

    Raises:
        ValueError: if the number of dimensions or a size is not the expected one.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if x.ndim in allowed and all(x.shape[axis] == size for axis, size in (sizes or {}).items()):
        return x
    where = f" with {origin}" if origin else ""
    raise ValueError(
        f"`{name}` must have shape {expected}{where}. Received: {name}.shape={x.shape}")


as_float = as_float_array


def shape(x):
    """The shape of an array, a tuple (the TensorFlow backend gives None for an unknown rank)."""
    return x.shape


def keep_nan(x, y):
    """``y``, with NaN wherever ``x`` is NaN: the rule of the functions that would lose a NaN."""
    return np.where(np.isnan(x), x, y)


def output(y, dtype):
    """A kernel's result as the contracts return it: an array of ``dtype``, a scalar if 0-d."""
    return np.asarray(y).astype(dtype, copy=False)[()]


def as_array(x):
    """``x`` as an array of its own dtype (labels), without conversion to float."""
    return np.asarray(x)


def dtype_kind(x):
    """"f" for a float array, "i" for an integer one, "b" for bool, another letter otherwise."""
    return "i" if x.dtype.kind == "u" else x.dtype.kind


def dtype_name(x):
    return str(x.dtype)


def values(x):
    """The values of ``x`` as a NumPy array (in the TensorFlow backend, None while tracing)."""
    return x


def as_int64(x):
    return x.astype(np.int64, copy=False)


def squeeze(x, axis):
    return np.squeeze(x, axis=axis)


def cast(x, dtype):
    return x.astype(dtype, copy=False)


def as_float_of(x, dtype, name, *, cast=False):
    """``x`` as a float array of ``dtype`` (that of `X`); numbers and lists are read in it.

    Another float dtype is an error, or with ``cast=True`` converted.
    """
    if isinstance(x, numbers.Number | list | tuple) and not isinstance(x, bool):
        with contextlib.suppress(TypeError, ValueError):  # as_float_array says what is wrong
            x = np.asarray(x, dtype=dtype)
    x = as_float_array(x, name)
    if cast:
        return x.astype(dtype, copy=False)
    if x.dtype != dtype:
        raise TypeError(f"`{name}` must have the dtype of `X`, {np.dtype(dtype).name}. "
                        f"Received: {name}.dtype={x.dtype.name}")
    return x


def assert_positive(x, message):
    """Nothing to do: NumPy arrays have values, and the contracts check them."""
    return x


def scalar(x):
    """A 0-d array as the Python float the NumPy estimators keep (TensorFlow: a tensor)."""
    return float(x)
