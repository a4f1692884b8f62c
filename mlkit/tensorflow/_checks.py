"""Input checks shared by the TensorFlow backend: clear errors for bad input."""

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
    """
    if x is None:
        raise TypeError(
            f"`{name}` must be a number, an array or a tensor of real numbers. "
            f"Received: {name}=None"
        )
    try:
        tensor = tf.convert_to_tensor(x)
    except (TypeError, ValueError) as err:
        raise TypeError(
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
