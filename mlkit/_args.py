"""Checks of plain Python arguments (slopes, counts, axes), shared by both backends."""

import math
import numbers


def check_real(value, name):
    """Return ``value`` as a float, or raise TypeError if it is not a finite real number."""
    message = f"`{name}` must be a finite real number. Received: {name}={value!r}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message)
    try:
        result = float(value)
    except OverflowError:  # an int beyond the float range
        raise TypeError(message) from None
    if not math.isfinite(result):
        raise TypeError(message)
    return result


def check_positive_int(value, name):
    """Return ``value`` as an int, or raise ValueError if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_axis(axis, ndim, name="axis"):
    """Return ``axis`` as a non-negative index into an input of ``ndim`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer. Received: {name}={axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`{name}` must be in [{-ndim}, {ndim}) for an input with {ndim} dimensions. "
            f"Received: {name}={axis}"
        )
    return int(axis) % ndim


def check_lr(lr, name="lr"):
    """Return a learning rate as a float, or raise if it is not a positive finite number."""
    lr = check_real(lr, name)
    if lr <= 0:
        raise ValueError(f"`{name}` must be positive. Received: {name}={lr!r}")
    return lr


def check_seed(seed):
    """Return ``seed`` unchanged if it is None or a non-negative integer, else raise."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"`seed` must be None or a non-negative integer. Received: seed={seed!r}")
    return int(seed)


def shape_fits(shape, expected):
    """Whether a shape is ``expected``; a size not known before running (None) fits any.

    Args:
        shape: a tuple of sizes (None for a size TensorFlow does not know yet), or None
            for an unknown number of dimensions.
        expected: the tuple of sizes it should have (None where any size fits).
    """
    return (shape is not None and len(shape) == len(expected)
            and all(None in (size, want) or size == want
                    for size, want in zip(shape, expected, strict=True)))
