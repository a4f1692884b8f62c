"""Activation functions and their derivatives: the contract both backends fulfil.

Every elementwise activation ``f`` comes with ``f_grad``, its derivative
``f'(x)`` evaluated at the same pre-activation ``x``. All functions accept a
number, a (nested) list, an array or (in TensorFlow) a tensor of any shape and
return the same shape in the input's float dtype: integer and boolean input
becomes the backend's default float (float64 in NumPy, float32 in TensorFlow).
NumPy returns a NumPy array (a NumPy scalar for a scalar input), TensorFlow a
tensor. The kernels are numerically stable: no overflow for any finite input.

Taught in the book chapter *Activation functions*.
"""

from mlkit._args import check_axis, check_positive_int, check_real

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


def _elementwise(backend, kernel, x, *params, keep_nan=False):
    """The rule of every elementwise function: ``x`` as floats, the result in their dtype.

    With ``keep_nan``, a NaN of ``x`` gives NaN (for the kernels that compare
    ``x`` with 0, which would turn it into 0).
    """
    x = backend.as_float(x)
    y = kernel(x, *params)
    return backend.output(backend.keep_nan(x, y) if keep_nan else y, x.dtype)


def step(backend, kernel):
    def step(x):
        """Heaviside step function, the activation of a threshold logic unit.

        .. math:: \\operatorname{step}(x) = 1 \\text{ if } x > 0 \\text{ else } 0

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``: 1.0 where ``x > 0``, 0.0 elsewhere
            (NaN stays NaN).

        Example:
            >>> np.asarray(mk.step(np.array([-2.0, 0.0, 3.0])))
            array([0., 0., 1.])
        """
        return _elementwise(backend, kernel, x, keep_nan=True)

    return step


def step_grad(backend, kernel):
    def step_grad(x):
        """Derivative of :func:`step`: zero everywhere (undefined at 0, taken as 0).

        This is why a step activation gives gradient descent nothing to work with.

        Args:
            x: pre-activations, any shape.

        Returns:
            Zeros of the shape and float dtype of ``x`` (NaN stays NaN).

        Example:
            >>> np.asarray(mk.step_grad(np.array([-2.0, 0.0, 3.0])))
            array([0., 0., 0.])
        """
        return _elementwise(backend, kernel, x, keep_nan=True)

    return step_grad


def sigmoid(backend, kernel):
    def sigmoid(x):
        """Logistic sigmoid, computed without overflow for any input.

        .. math:: \\sigma(x) = \\frac{1}{1 + e^{-x}} = \\frac{e^{x}}{1 + e^{x}}

        The first form only exponentiates a non-positive number when ``x >= 0``,
        the second when ``x < 0``: choosing by the sign keeps ``sigmoid(-1000.0)``
        free of overflow.

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``, values in [0, 1].

        Example:
            >>> np.asarray(mk.sigmoid(np.array([-1.0, 0.0, 1.0])))
            array([0.26894142, 0.5       , 0.73105858])
        """
        return _elementwise(backend, kernel, x)

    return sigmoid


def sigmoid_grad(backend, kernel):
    def sigmoid_grad(x):
        """Derivative of :func:`sigmoid` at the pre-activation ``x``.

        .. math:: \\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))

        Note the argument: ``x`` is the input of the sigmoid, not its output. Its
        largest value is 1/4, at ``x = 0``, which is one reason deep sigmoid
        networks suffer from vanishing gradients.

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``, values in [0, 1/4].

        Example:
            >>> np.asarray(mk.sigmoid_grad(np.array([-1.0, 0.0, 1.0])))
            array([0.19661193, 0.25      , 0.19661193])
        """
        return _elementwise(backend, kernel, x)

    return sigmoid_grad


def sigmoid_grad_kernel(x, *, sigmoid):
    """The kernel of :func:`sigmoid_grad`, for both backends, from the backend's ``sigmoid``."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(backend, kernel):
    def tanh(x):
        """Hyperbolic tangent, a zero-centred, rescaled sigmoid.

        .. math:: \\tanh(x) = \\frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\\sigma(2x) - 1

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``, values in [-1, 1].

        Example:
            >>> np.asarray(mk.tanh(np.array([-1.0, 0.0, 1.0])))
            array([-0.76159416,  0.        ,  0.76159416])
        """
        return _elementwise(backend, kernel, x)

    return tanh


def tanh_grad(backend, kernel):
    def tanh_grad(x):
        """Derivative of :func:`tanh` at the pre-activation ``x``.

        .. math:: \\tanh'(x) = 1 - \\tanh^2(x)

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``, values in [0, 1].

        Example:
            >>> np.asarray(mk.tanh_grad(np.array([-1.0, 0.0, 1.0])))
            array([0.41997434, 1.        , 0.41997434])
        """
        return _elementwise(backend, kernel, x)

    return tanh_grad


def tanh_grad_kernel(x, *, tanh):
    """The kernel of :func:`tanh_grad`, for both backends, from the backend's ``tanh``."""
    t = tanh(x)
    return 1.0 - t * t


def relu(backend, kernel):
    def relu(x):
        """Rectified linear unit.

        .. math:: \\operatorname{relu}(x) = \\max(0, x)

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x`` (NaN stays NaN).

        Example:
            >>> np.asarray(mk.relu(np.array([-2.0, 0.0, 3.0])))
            array([0., 0., 3.])
        """
        return _elementwise(backend, kernel, x)

    return relu


def relu_grad(backend, kernel):
    def relu_grad(x):
        """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (0 at ``x = 0``, as in TensorFlow).

        A unit whose pre-activation is negative for every input gets a zero
        gradient everywhere and stops learning: a "dying ReLU".

        Args:
            x: pre-activations, any shape.

        Returns:
            The shape and float dtype of ``x``, holding 0.0 and 1.0 (NaN stays NaN).

        Example:
            >>> np.asarray(mk.relu_grad(np.array([-2.0, 0.0, 3.0])))
            array([0., 0., 1.])
        """
        return _elementwise(backend, kernel, x, keep_nan=True)

    return relu_grad


def relu_grad_kernel(x, *, step):
    """The kernel of :func:`relu_grad`, for both backends: the backend's ``step`` kernel."""
    return step(x)


def leaky_relu(backend, kernel):
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
            The shape and float dtype of ``x``.

        Example:
            >>> np.asarray(mk.leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1))
            array([-0.2,  0. ,  3. ])
        """
        return _elementwise(backend, kernel, x, check_real(negative_slope, "negative_slope"))

    return leaky_relu


def leaky_relu_grad(backend, kernel):
    def leaky_relu_grad(x, negative_slope=0.01):
        """Derivative of :func:`leaky_relu`: 1 where ``x > 0``, else ``negative_slope``.

        Args:
            x: pre-activations, any shape.
            negative_slope: slope for ``x <= 0``, a finite real number.

        Returns:
            The shape and float dtype of ``x``.

        Example:
            >>> np.asarray(mk.leaky_relu_grad(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1))
            array([0.1, 0.1, 1. ])
        """
        return _elementwise(backend, kernel, x, check_real(negative_slope, "negative_slope"))

    return leaky_relu_grad


def elu(backend, kernel):
    def elu(x, alpha=1.0):
        """Exponential linear unit (Clevert, Unterthiner and Hochreiter, 2015).

        .. math:: \\operatorname{elu}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha (e^x - 1)

        ``expm1`` of ``min(x, 0)`` keeps the result accurate near 0 and never
        exponentiates a large positive number.

        Args:
            x: pre-activations, any shape.
            alpha: the value approached as ``x -> -inf`` is ``-alpha``; a finite real number.

        Returns:
            The shape and float dtype of ``x``.

        Example:
            >>> np.asarray(mk.elu(np.array([-2.0, 0.0, 3.0])))
            array([-0.86466472,  0.        ,  3.        ])
        """
        return _elementwise(backend, kernel, x, check_real(alpha, "alpha"))

    return elu


def elu_grad(backend, kernel):
    def elu_grad(x, alpha=1.0):
        """Derivative of :func:`elu`: 1 where ``x > 0``, else :math:`\\alpha e^x`.

        Args:
            x: pre-activations, any shape.
            alpha: the ``alpha`` of :func:`elu`, a finite real number.

        Returns:
            The shape and float dtype of ``x``.

        Example:
            >>> np.asarray(mk.elu_grad(np.array([-2.0, 0.0, 3.0])))
            array([0.13533528, 1.        , 1.        ])
        """
        return _elementwise(backend, kernel, x, check_real(alpha, "alpha"))

    return elu_grad


def maxout(backend, kernel):
    def maxout(x, num_units, axis=-1):
        """Maxout (Goodfellow et al., 2013): the maximum over groups of pre-activations.

        The ``axis`` of size ``num_units * k`` is split into ``num_units``
        consecutive groups of ``k`` pieces, and each output unit is the largest
        piece of its group:

        .. math:: h_i(x) = \\max_{j = 1..k} z_{i,j}, \\qquad z_{i,j} = x \\cdot w_{i,j} + b_{i,j}

        A maxout unit with two pieces, one of them fixed at zero, is a ReLU.

        Args:
            x: pre-activations of shape (..., num_units * k, ...), ``k`` pieces per
                unit along ``axis``.
            num_units: number of output units; must divide the size of ``axis``.
            axis: the axis that holds the pieces.

        Returns:
            Shape (..., num_units, ...), in the float dtype of ``x``.

        Example:
            >>> np.asarray(mk.maxout(np.array([[1.0, 5.0, -2.0, -3.0]]), num_units=2))
            array([[ 5., -2.]])
        """
        x = backend.as_float(x)
        num_units = check_positive_int(num_units, "num_units")
        shape = backend.shape(x)
        if not shape:
            raise ValueError("`x` must have a known number of dimensions, at least one, for "
                             f"maxout. Received: x.shape={'<unknown>' if shape is None else ()}")
        axis = check_axis(axis, len(shape))
        if shape[axis] == 0:
            raise ValueError(
                f"`x` must not be empty along axis {axis} for maxout. Received: x.shape={shape}")
        if shape[axis] is not None and shape[axis] % num_units:
            raise ValueError(
                f"`num_units` must divide the size of axis {axis} of `x`. "
                f"Received: num_units={num_units}, x.shape={shape}")
        return kernel(x, num_units, axis)

    return maxout
