"""Activation functions and their derivatives in TensorFlow.

The same names, signatures and results as :mod:`mlkit.numpy.activations`.
Each function accepts tensors, arrays or numbers, keeps a float input's dtype,
pins no device (so it runs on a GPU when TensorFlow sees one) and works both
eagerly and inside ``tf.function``.

Taught in the book chapter *Activation functions*.
"""

import tensorflow as tf

from mlkit._args import check_axis, check_positive_int, check_real
from mlkit.tensorflow._checks import as_float_tensor

__all__ = [
    "step",
    "step_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "maxout",
]


def step(x):
    """Heaviside step function: 1 where ``x > 0``, else 0 (NaN stays NaN).

    .. math:: \\operatorname{step}(x) = 1 \\text{ if } x > 0 \\text{ else } 0

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> step(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 1.], dtype=float32)
    """
    x = as_float_tensor(x)
    ones, zeros = tf.ones_like(x), tf.zeros_like(x)
    return tf.where(tf.math.is_nan(x), x, tf.where(x > 0, ones, zeros))


def step_grad(x):
    """Derivative of :func:`step`: zero everywhere (undefined at 0, taken as 0).

    Args:
        x: pre-activations, any shape.

    Returns:
        Zeros of the shape and dtype of ``x`` (NaN stays NaN).

    Example:
        >>> step_grad(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 0.], dtype=float32)
    """
    x = as_float_tensor(x)
    return tf.where(tf.math.is_nan(x), x, tf.zeros_like(x))


def sigmoid(x):
    """Logistic sigmoid; ``tf.math.sigmoid`` is already numerically stable.

    .. math:: \\sigma(x) = \\frac{1}{1 + e^{-x}}

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``, values in [0, 1].

    Example:
        >>> sigmoid(tf.constant([-1.0, 0.0, 1.0])).numpy()
        array([0.26894143, 0.5       , 0.7310586 ], dtype=float32)
    """
    return tf.math.sigmoid(as_float_tensor(x))


def sigmoid_grad(x):
    """Derivative of :func:`sigmoid` at the pre-activation ``x``.

    .. math:: \\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``, values in [0, 1/4].

    Example:
        >>> sigmoid_grad(tf.constant([-1.0, 0.0, 1.0])).numpy()
        array([0.19661194, 0.25      , 0.19661193], dtype=float32)
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Hyperbolic tangent.

    .. math:: \\tanh(x) = \\frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\\sigma(2x) - 1

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``, values in [-1, 1].

    Example:
        >>> tanh(tf.constant([-1.0, 0.0, 1.0])).numpy()
        array([-0.7615942,  0.       ,  0.7615942], dtype=float32)
    """
    return tf.math.tanh(as_float_tensor(x))


def tanh_grad(x):
    """Derivative of :func:`tanh` at the pre-activation ``x``.

    .. math:: \\tanh'(x) = 1 - \\tanh^2(x)

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``, values in [0, 1].

    Example:
        >>> tanh_grad(tf.constant([-1.0, 0.0, 1.0])).numpy()
        array([0.41997433, 1.        , 0.41997433], dtype=float32)
    """
    t = tanh(x)
    return 1.0 - t * t


def relu(x):
    """Rectified linear unit.

    .. math:: \\operatorname{relu}(x) = \\max(0, x)

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> relu(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 3.], dtype=float32)
    """
    return tf.nn.relu(as_float_tensor(x))


def relu_grad(x):
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (0 at ``x = 0``).

    Args:
        x: pre-activations, any shape.

    Returns:
        Tensor of the shape and float dtype of ``x`` holding 0 and 1.

    Example:
        >>> relu_grad(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([0., 0., 1.], dtype=float32)
    """
    return step(x)


def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU: a small slope instead of zero for negative inputs.

    .. math:: \\operatorname{leaky\\_relu}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha x

    with :math:`\\alpha` = ``negative_slope`` (0.01 as in Maas et al., 2013;
    Keras's function ``keras.activations.leaky_relu`` defaults to 0.2, its
    layer ``keras.layers.LeakyReLU`` to 0.3).

    Args:
        x: pre-activations, any shape.
        negative_slope: slope :math:`\\alpha` for ``x <= 0``, a finite real number.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> leaky_relu(tf.constant([-2.0, 0.0, 3.0]), negative_slope=0.1).numpy()
        array([-0.2,  0. ,  3. ], dtype=float32)
    """
    x = as_float_tensor(x)
    slope = tf.constant(check_real(negative_slope, "negative_slope"), dtype=x.dtype)
    return tf.where(x > 0, x, slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    """Derivative of :func:`leaky_relu`: 1 where ``x > 0``, else ``negative_slope``.

    Args:
        x: pre-activations, any shape.
        negative_slope: slope for ``x <= 0``, a finite real number.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> leaky_relu_grad(tf.constant([-2.0, 0.0, 3.0]), negative_slope=0.1).numpy()
        array([0.1, 0.1, 1. ], dtype=float32)
    """
    x = as_float_tensor(x)
    slope = check_real(negative_slope, "negative_slope")
    return tf.where(x > 0, tf.ones_like(x), tf.fill(tf.shape(x), tf.constant(slope, dtype=x.dtype)))


def elu(x, alpha=1.0):
    """Exponential linear unit (Clevert, Unterthiner and Hochreiter, 2015).

    .. math:: \\operatorname{elu}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha (e^x - 1)

    Args:
        x: pre-activations, any shape.
        alpha: the value approached as ``x -> -inf`` is ``-alpha``; a finite real number.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> elu(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([-0.86466473,  0.        ,  3.        ], dtype=float32)
    """
    x = as_float_tensor(x)
    alpha = tf.constant(check_real(alpha, "alpha"), dtype=x.dtype)
    # expm1 of min(x, 0): accurate near 0, and no inf (nor a NaN gradient) for large x.
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, 0.0)))


def elu_grad(x, alpha=1.0):
    """Derivative of :func:`elu`: 1 where ``x > 0``, else :math:`\\alpha e^x`.

    Args:
        x: pre-activations, any shape.
        alpha: the ``alpha`` of :func:`elu`, a finite real number.

    Returns:
        Tensor of the shape and float dtype of ``x``.

    Example:
        >>> elu_grad(tf.constant([-2.0, 0.0, 3.0])).numpy()
        array([0.13533528, 1.        , 1.        ], dtype=float32)
    """
    x = as_float_tensor(x)
    alpha = tf.constant(check_real(alpha, "alpha"), dtype=x.dtype)
    return tf.where(x > 0, tf.ones_like(x), alpha * tf.math.exp(tf.minimum(x, 0.0)))


def maxout(x, num_units, axis=-1):
    """Maxout (Goodfellow et al., 2013): the maximum over groups of pre-activations.

    The ``axis`` of size ``num_units * k`` is split into ``num_units``
    consecutive groups of ``k`` pieces; each output unit is the largest piece
    of its group.

    .. math:: h_i(x) = \\max_{j = 1..k} z_{i,j}

    Args:
        x: pre-activations of shape (..., num_units * k, ...), ``k`` pieces per unit along ``axis``.
        num_units: number of output units; must divide the size of ``axis``.
        axis: the axis that holds the pieces.

    Returns:
        Tensor of shape (..., num_units, ...) in the float dtype of ``x``.

    Example:
        >>> maxout(tf.constant([[1.0, 5.0, -2.0, -3.0]]), num_units=2).numpy()
        array([[ 5., -2.]], dtype=float32)
    """
    x = as_float_tensor(x)
    num_units = check_positive_int(num_units, "num_units")
    ndim = x.shape.rank
    if ndim is None or ndim == 0:
        raise ValueError(
            f"`x` must have a known number of dimensions, at least one, for maxout. "
            f"Received: x.shape={x.shape}"
        )
    axis = check_axis(axis, ndim)
    size = x.shape[axis]
    if size == 0:
        raise ValueError(
            f"`x` must not be empty along axis {axis} for maxout. "
            f"Received: x.shape={tuple(x.shape)}")
    if size is not None and size % num_units:
        raise ValueError(
            f"`num_units` must divide the size of axis {axis} of `x`. "
            f"Received: num_units={num_units}, x.shape={tuple(x.shape)}"
        )
    to_last = [d for d in range(ndim) if d != axis] + [axis]
    moved = tf.transpose(x, to_last)
    groups = tf.concat([tf.shape(moved)[:-1], [num_units, -1]], axis=0)
    pooled = tf.reduce_max(tf.reshape(moved, groups), axis=-1)
    back = list(range(ndim - 1))
    back.insert(axis, ndim - 1)
    return tf.transpose(pooled, back)
