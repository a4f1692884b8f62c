"""The TensorFlow backend's conversions and checks, used by the contracts in ``mlkit.contracts``.

The NumPy backend's ``_checks`` module has the same names: a contract converts
and checks its arguments through them, whichever backend it serves. Everything
here works eagerly and inside ``tf.function`` (on static shapes).
"""

import contextlib
import numbers

import tensorflow as tf


def as_float_tensor(x, name="x"):
    """Return ``x`` as a floating-point tensor, keeping a float input's dtype.

    Tensors, NumPy arrays and Python numbers are accepted. A float tensor or
    array keeps its dtype (float16, bfloat16, float32, float64); integer and
    boolean input becomes float32, TensorFlow's default float. Works eagerly and
    inside ``tf.function``.

    Args:
        x: a number, a (nested) list of numbers, an array or a tensor, any shape.
        name: the argument's name, used in error messages.

    Returns:
        A ``tf.Tensor`` of a float dtype, same shape as ``x``.

    Raises:
        TypeError: if ``x`` is None or does not hold real numbers.
        ValueError: if TensorFlow cannot convert ``x`` (e.g. a ragged nested list).
    """
    if x is None:
        raise TypeError(
            f"`{name}` must be a number, an array or a tensor of real numbers. "
            f"Received: {name}=None"
        )
    try:
        tensor = tf.convert_to_tensor(x)
    except (TypeError, ValueError) as err:
        raise type(err)(
            f"`{name}` must be a rectangular array or tensor of real numbers. "
            f"Received a {type(x).__name__} that TensorFlow cannot convert: {err}"
        ) from None
    if tensor.dtype.is_floating:
        return tensor
    if tensor.dtype.is_integer or tensor.dtype == tf.bool:
        return tf.cast(tensor, tf.float32)
    raise TypeError(
        f"`{name}` must hold real numbers (a float, integer or bool dtype). "
        f"Received: {name}.dtype={tensor.dtype.name}"
    )


def check_shape(x, name, expected, *, ndim, sizes=None, origin=None):
    """Return ``x`` if it has an allowed rank and the given sizes, else raise (as in NumPy).

    Works on the static shape, so inside ``tf.function`` too: a size that is
    not known when the function is traced (``None``) is not checked; an unknown
    rank is an error, since the caller needs to know it.

    Args:
        x: a tensor.
        name: the argument's name, used in the message.
        expected: the shape it should have, in words, e.g. ``"(n_inputs, n_units)"``.
        ndim: the allowed rank, an int or a tuple of ints.
        sizes: optional mapping ``axis -> size`` that ``x`` must match where
            both are known (negative axes count from the end).
        origin: optional text saying where those sizes come from, e.g.
            ``"n_inputs = 3 from `X`"``.

    Returns:
        ``x`` itself.

    Raises:
        ValueError: if the rank or a known size is not the expected one.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    shape = x.shape
    if shape.rank in allowed and all(
            shape[axis] is None or size is None or shape[axis] == size
            for axis, size in (sizes or {}).items()):
        return x
    where = f" with {origin}" if origin else ""
    received = "<unknown>" if shape.rank is None else str(tuple(shape))
    raise ValueError(
        f"`{name}` must have shape {expected}{where}. Received: {name}.shape={received}")


as_float = as_float_tensor


def shape(x):
    """The static shape of a tensor, a tuple (None for unknown sizes); None for an unknown rank."""
    return None if x.shape.rank is None else tuple(x.shape)


def keep_nan(x, y):
    """``y``, with NaN wherever ``x`` is NaN: the rule of the functions that would lose a NaN."""
    return tf.where(tf.math.is_nan(x), x, tf.cast(y, x.dtype))


def output(y, dtype):
    """A kernel's result as the contracts return it: a tensor of ``dtype``."""
    return y if y.dtype == dtype else tf.cast(y, dtype)


def as_array(x):
    """``x`` as a tensor of its own dtype (labels), without conversion to float."""
    return tf.convert_to_tensor(x)


def dtype_kind(x):
    """"f" for a float tensor, "i" for an integer one, "b" for bool, "?" otherwise."""
    if x.dtype.is_floating:
        return "f"
    if x.dtype.is_integer:
        return "i"
    return "b" if x.dtype == tf.bool else "?"


def dtype_name(x):
    return x.dtype.name


def values(x):
    """The values of ``x`` as a NumPy array, or None inside ``tf.function`` (not known yet)."""
    return x.numpy() if tf.executing_eagerly() else None


def checked_labels(labels, num_classes):
    """Class labels traced in a ``tf.function``: int64, with graph assertions of their values."""
    message = f"`y_true` must hold class labels in [0, {num_classes}), one per example."
    checks = [tf.debugging.assert_non_negative(labels, message=message),
              tf.debugging.assert_less(labels, tf.cast(num_classes, labels.dtype), message=message)]
    if labels.dtype.is_floating:
        checks.append(tf.debugging.assert_equal(labels, tf.round(labels), message=message))
    with tf.control_dependencies(checks):
        return tf.cast(labels, tf.int64)


def as_int64(x):
    return tf.cast(x, tf.int64)


def squeeze(x, axis):
    return tf.squeeze(x, axis=axis)


def cast(x, dtype):
    return x if x.dtype == dtype else tf.cast(x, dtype)


def as_float_of(x, dtype, name, *, cast=False):
    """``x`` as a float tensor of ``dtype`` (that of `X`); Python numbers and lists are read in it.

    Another float dtype is an error, or with ``cast=True`` converted. Reading
    numbers in ``dtype`` directly matters: through TensorFlow's default float32
    first, 0.1 would be rounded before it became float64.
    """
    if isinstance(x, numbers.Number | list | tuple) and not isinstance(x, bool):
        with contextlib.suppress(TypeError, ValueError):  # as_float_tensor says what is wrong
            x = tf.convert_to_tensor(x, dtype_hint=dtype)
    x = as_float_tensor(x, name)
    if cast:
        return tf.cast(x, dtype)
    if x.dtype != dtype:
        raise TypeError(f"`{name}` must have the dtype of `X`, {tf.as_dtype(dtype).name}. "
                        f"Received: {name}.dtype={x.dtype.name}")
    return x


def assert_positive(x, message):
    """``x``, with a graph assertion that it is positive (for a tensor traced in a tf.function)."""
    with tf.control_dependencies([tf.debugging.assert_positive(x, message=message)]):
        return tf.identity(x)


def scalar(x):
    """A 0-d tensor, kept as it is (NumPy: a Python float)."""
    return x
