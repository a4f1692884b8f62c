"""Activation functions and their derivatives, NumPy reference implementations.

Every elementwise activation ``f`` comes with ``f_grad``, its derivative
``f'(x)`` evaluated at the same pre-activation ``x``. All functions accept a
number or an array of any shape and return the same shape in the input's float
dtype (integer input becomes float64). They are written to be numerically
stable: no overflow warning for any finite input.

Taught in the book chapter *Activation functions*.
"""

import numpy as np

from mlkit._args import check_axis, check_positive_int, check_real
from mlkit.numpy._checks import as_float_array

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
    """Heaviside step function, the activation of a threshold logic unit.

    .. math:: \\operatorname{step}(x) = 1 \\text{ if } x > 0 \\text{ else } 0

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape of ``x``: 1.0 where ``x > 0``, 0.0 elsewhere (NaN stays NaN).

    Example:
        >>> step(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 1.])
    """
    x = as_float_array(x)
    # a comparison rather than np.heaviside(x, 0.0): the same values, a hundred times
    # faster, which matters in relu_grad on every training step of a ReLU network
    out = np.asarray(x > 0).astype(x.dtype)
    out[np.isnan(x)] = np.nan
    return out[()]


def step_grad(x):
    """Derivative of :func:`step`: zero everywhere (undefined at 0, taken as 0).

    This is why a step activation gives gradient descent nothing to work with.

    Args:
        x: pre-activations, any shape.

    Returns:
        Zeros of the shape and dtype of ``x`` (NaN stays NaN).

    Example:
        >>> step_grad(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 0.])
    """
    x = as_float_array(x)
    return np.where(np.isnan(x), x, 0.0).astype(x.dtype, copy=False)[()]


def sigmoid(x):
    """Logistic sigmoid, computed without overflow for any input.

    .. math:: \\sigma(x) = \\frac{1}{1 + e^{-x}}

    For ``x >= 0`` the formula above only ever exponentiates a non-positive
    number; for ``x < 0`` the equivalent form ``e^x / (1 + e^x)`` does the same.
    Splitting on the sign keeps ``sigmoid(-1000.0)`` free of overflow warnings.

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x``, values in [0, 1].

    Example:
        >>> sigmoid(np.array([-1.0, 0.0, 1.0]))
        array([0.26894142, 0.5       , 0.73105858])
    """
    x = as_float_array(x)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])  # x < 0 (or NaN) here, so exp cannot overflow
    out[~positive] = exp_x / (1.0 + exp_x)
    return out[()]


def sigmoid_grad(x):
    """Derivative of :func:`sigmoid` at the pre-activation ``x``.

    .. math:: \\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))

    Note the argument: ``x`` is the input of the sigmoid, not its output. Its
    largest value is 1/4, at ``x = 0``, which is one reason deep sigmoid networks
    suffer from vanishing gradients.

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x``, values in [0, 1/4].

    Example:
        >>> sigmoid_grad(np.array([-1.0, 0.0, 1.0]))
        array([0.19661193, 0.25      , 0.19661193])
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Hyperbolic tangent, a zero-centred, rescaled sigmoid.

    .. math:: \\tanh(x) = \\frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\\sigma(2x) - 1

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x``, values in [-1, 1].

    Example:
        >>> tanh(np.array([-1.0, 0.0, 1.0]))
        array([-0.76159416,  0.        ,  0.76159416])
    """
    x = as_float_array(x)
    return np.tanh(x)[()]


def tanh_grad(x):
    """Derivative of :func:`tanh` at the pre-activation ``x``.

    .. math:: \\tanh'(x) = 1 - \\tanh^2(x)

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x``, values in [0, 1].

    Example:
        >>> tanh_grad(np.array([-1.0, 0.0, 1.0]))
        array([0.41997434, 1.        , 0.41997434])
    """
    t = tanh(x)
    return 1.0 - t * t


def relu(x):
    """Rectified linear unit.

    .. math:: \\operatorname{relu}(x) = \\max(0, x)

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x``.

    Example:
        >>> relu(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 3.])
    """
    x = as_float_array(x)
    # against an array of zeros rather than the scalar 0.0: NumPy's vectorised
    # loop, twice as fast on every training step of a ReLU network; NaN stays NaN
    return np.maximum(x, np.zeros_like(x))[()]


def relu_grad(x):
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (0 at ``x = 0``, as in TensorFlow).

    A unit whose pre-activation is negative for every input gets a zero
    gradient everywhere and stops learning: a "dying ReLU".

    Args:
        x: pre-activations, any shape.

    Returns:
        Array of the shape and float dtype of ``x`` holding 0.0 and 1.0.

    Example:
        >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 1.])
    """
    return step(x)


def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU: a small slope instead of zero for negative inputs.

    .. math:: \\operatorname{leaky\\_relu}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha x

    with :math:`\\alpha` = ``negative_slope``. The default 0.01 is the value of
    Maas, Hannun and Ng (2013), who introduced it. Keras has two defaults: its
    function ``keras.activations.leaky_relu`` (like ``keras.ops.leaky_relu``)
    uses 0.2, its layer ``keras.layers.LeakyReLU`` 0.3.

    Args:
        x: pre-activations, any shape.
        negative_slope: slope :math:`\\alpha` for ``x <= 0``, a finite real number.

    Returns:
        Array of the shape and float dtype of ``x``.

    Example:
        >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
        array([-0.2,  0. ,  3. ])
    """
    x = as_float_array(x)
    slope = check_real(negative_slope, "negative_slope")
    return np.where(x > 0, x, slope * x).astype(x.dtype, copy=False)[()]


def leaky_relu_grad(x, negative_slope=0.01):
    """Derivative of :func:`leaky_relu`: 1 where ``x > 0``, else ``negative_slope``.

    Args:
        x: pre-activations, any shape.
        negative_slope: slope for ``x <= 0``, a finite real number.

    Returns:
        Array of the shape and float dtype of ``x``.

    Example:
        >>> leaky_relu_grad(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
        array([0.1, 0.1, 1. ])
    """
    x = as_float_array(x)
    slope = check_real(negative_slope, "negative_slope")
    return np.where(x > 0, 1.0, slope).astype(x.dtype, copy=False)[()]


def elu(x, alpha=1.0):
    """Exponential linear unit (Clevert, Unterthiner and Hochreiter, 2015).

    .. math:: \\operatorname{elu}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha (e^x - 1)

    ``expm1`` of ``min(x, 0)`` keeps the result accurate near 0 and never
    exponentiates a large positive number.

    Args:
        x: pre-activations, any shape.
        alpha: the value approached as ``x -> -inf`` is ``-alpha``; a finite real number.

    Returns:
        Array of the shape and float dtype of ``x``.

    Example:
        >>> elu(np.array([-2.0, 0.0, 3.0]))
        array([-0.86466472,  0.        ,  3.        ])
    """
    x = as_float_array(x)
    alpha = check_real(alpha, "alpha")
    negative_part = alpha * np.expm1(np.minimum(x, 0.0))
    return np.where(x > 0, x, negative_part).astype(x.dtype, copy=False)[()]


def elu_grad(x, alpha=1.0):
    """Derivative of :func:`elu`: 1 where ``x > 0``, else :math:`\\alpha e^x`.

    Args:
        x: pre-activations, any shape.
        alpha: the ``alpha`` of :func:`elu`, a finite real number.

    Returns:
        Array of the shape and float dtype of ``x``.

    Example:
        >>> elu_grad(np.array([-2.0, 0.0, 3.0]))
        array([0.13533528, 1.        , 1.        ])
    """
    x = as_float_array(x)
    alpha = check_real(alpha, "alpha")
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype, copy=False)[()]


def maxout(x, num_units, axis=-1):
    """Maxout (Goodfellow et al., 2013): the maximum over groups of pre-activations.

    The ``axis`` of size ``num_units * k`` is split into ``num_units``
    consecutive groups of ``k`` pieces, and each output unit is the largest
    piece of its group:

    .. math:: h_i(x) = \\max_{j = 1..k} z_{i,j}, \\qquad z_{i,j} = x \\cdot w_{i,j} + b_{i,j}

    A maxout unit with two pieces, one of them fixed at zero, is a ReLU.

    Args:
        x: pre-activations of shape (..., num_units * k, ...), ``k`` pieces per unit along ``axis``.
        num_units: number of output units; must divide the size of ``axis``.
        axis: the axis that holds the pieces.

    Returns:
        Array of shape (..., num_units, ...) in the float dtype of ``x``.

    Example:
        >>> maxout(np.array([[1.0, 5.0, -2.0, -3.0]]), num_units=2)
        array([[ 5., -2.]])
    """
    x = as_float_array(x)
    num_units = check_positive_int(num_units, "num_units")
    if x.ndim == 0:
        raise ValueError("`x` must have at least one dimension for maxout. Received: x.shape=()")
    axis = check_axis(axis, x.ndim)
    size = x.shape[axis]
    if size == 0:
        raise ValueError(
            f"`x` must not be empty along axis {axis} for maxout. Received: x.shape={x.shape}")
    if size % num_units:
        raise ValueError(
            f"`num_units` must divide the size of axis {axis} of `x`. "
            f"Received: num_units={num_units}, x.shape={x.shape}"
        )
    moved = np.moveaxis(x, axis, -1)
    pieces = moved.reshape((*moved.shape[:-1], num_units, size // num_units))
    return np.moveaxis(pieces.max(axis=-1), -1, axis)
