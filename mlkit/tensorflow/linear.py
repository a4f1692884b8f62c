"""Linear regression in matrix notation, TensorFlow: H(X) = XW + b, gradients by GradientTape.

The same names, signatures and results as :mod:`mlkit.numpy.linear`, with one
difference in how they are computed: the NumPy backend writes the gradient of
the mean squared error out by hand, this one lets TensorFlow's automatic
differentiation record the forward computation on a ``tf.GradientTape`` and
play it backwards. No device is pinned; the functions work eagerly and inside
``tf.function`` and keep the dtype of ``X``.

Taught in the book chapter *Matrix notation*.
"""

import contextlib
import numbers

import numpy as np
import tensorflow as tf

from mlkit._args import check_lr, check_positive_int, check_seed
from mlkit.numpy.linear import _diverged_message, _initial_params
from mlkit.tensorflow._checks import as_float_tensor, check_shape
from mlkit.tensorflow.losses import mean_squared_error

__all__ = [
    "linear_predict",
    "linear_mse_grads",
    "linear_gradient_step",
    "least_squares",
    "standardize",
    "LinearRegression",
]


def _as_dtype_of(value, dtype, name):
    """``value`` as a float tensor of ``dtype``; Python numbers and lists are read in it."""
    if isinstance(value, (numbers.Number, list, tuple)) and not isinstance(value, bool):
        with contextlib.suppress(TypeError, ValueError):  # as_float_tensor says what is wrong
            value = tf.convert_to_tensor(value, dtype_hint=dtype)
    tensor = as_float_tensor(value, name)
    if tensor.dtype != dtype:
        raise TypeError(
            f"`{name}` must have the dtype of `X`, {dtype.name}. "
            f"Received: {name}.dtype={tensor.dtype.name}")
    return tensor


def _check_inputs(X):
    """``X`` as a float tensor of shape (n, n_features) with at least one row and column."""
    X = check_shape(as_float_tensor(X, "X"), "X", "(n, n_features), one row per example", ndim=2)
    if 0 in X.shape:
        raise ValueError(
            f"`X` must hold at least one example and one feature. "
            f"Received: X.shape={tuple(X.shape)}")
    return X


def _check_params(X, W, b):
    """``X``, ``W`` and ``b`` as tensors of one float dtype whose shapes fit ``X W + b``."""
    X = _check_inputs(X)
    W = check_shape(_as_dtype_of(W, X.dtype, "W"), "W", "(n_features, n_outputs)", ndim=2,
                    sizes={0: X.shape[1]}, origin=f"n_features = {X.shape[1]} from `X`")
    b = check_shape(_as_dtype_of(b, X.dtype, "b"), "b", "(n_outputs,)", ndim=1,
                    sizes={0: W.shape[1]}, origin=f"n_outputs = {W.shape[1]} from `W`")
    return X, W, b


def _check_targets(y, X, n_outputs=None):
    """``y`` as a tensor of the dtype of ``X`` and shape (n, n_outputs), or a clear error."""
    y = _as_dtype_of(y, X.dtype, "y")
    n = X.shape[0]
    shape = tuple(y.shape)
    expected = f"({n}, n_outputs)" if n_outputs is None else f"({n}, {n_outputs})"
    if (len(shape) != 2 or (None not in (n, shape[0]) and shape[0] != n)
            or (n_outputs is not None and shape[1] != n_outputs)):
        hint = " For one output, use y.reshape(-1, 1)." if len(shape) == 1 else ""
        raise ValueError(
            f"`y` must have shape (n, n_outputs) = {expected}: one row per row of `X`."
            f"{hint} Received: y.shape={shape}")
    return y


def linear_predict(X, W, b):
    """The hypothesis of linear regression for every example at once.

    .. math:: H(X) = X W + b, \\qquad [n, d] \\cdot [d, k] + [k] = [n, k]

    Args:
        X: inputs of shape (n, n_features), one row per example.
        W: weights of shape (n_features, n_outputs), one column per output
            (a tensor, a ``tf.Variable`` or an array of the dtype of ``X``).
        b: biases of shape (n_outputs,).

    Returns:
        ``Y_hat``, a tensor of shape (n, n_outputs) in the dtype of ``X``.

    Example:
        >>> X = tf.constant([[73.0, 80.0, 75.0], [93.0, 88.0, 93.0]])
        >>> linear_predict(X, tf.constant([[1.0], [0.5], [0.5]]), [1.5]).numpy()
        array([[152.],
               [185.]], dtype=float32)
    """
    X, W, b = _check_params(X, W, b)
    return tf.matmul(X, W) + b


def linear_mse_grads(X, y, W, b):
    """Gradient of the mean squared error of :math:`H(X) = XW + b`, by ``tf.GradientTape``.

    .. math::

        L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2, \\qquad
        \\frac{\\partial L}{\\partial W} = X^\\top \\frac{2 (\\hat Y - Y)}{nk}, \\qquad
        \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\frac{2 (\\hat Y - Y)}{nk}

    The formulas are what comes out; nothing here writes them: the tape
    records the loss computed from ``W`` and ``b`` and differentiates it.

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).
        W: weights of shape (n_features, n_outputs).
        b: biases of shape (n_outputs,).

    Returns:
        ``(dW, db)``: tensors of shapes (n_features, n_outputs) and (n_outputs,).

    Example:
        >>> X, y = tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([[1.0], [2.0]])
        >>> dW, db = linear_mse_grads(X, y, tf.zeros((2, 1)), tf.zeros(1))
        >>> tf.reshape(dW, [-1]).numpy(), db.numpy()
        (array([ -7., -10.], dtype=float32), array([-3.], dtype=float32))
    """
    X, W, b = _check_params(X, W, b)
    y = _check_targets(y, X, W.shape[1])
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        loss = tf.reduce_mean(mean_squared_error(y, tf.matmul(X, W) + b))
    dW, db = tape.gradient(loss, [W, b])
    return dW, db


def linear_gradient_step(X, y, W, b, lr):
    """One step of gradient descent on the mean squared error, with the tape's gradients.

    .. math::

        W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}, \\qquad
        b \\leftarrow b - \\eta \\frac{\\partial L}{\\partial b}

    The function is pure: a ``tf.Variable`` passed as ``W`` or ``b`` is not
    assigned to; the caller assigns the result (``W.assign(W_new)``).

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).
        W: weights of shape (n_features, n_outputs).
        b: biases of shape (n_outputs,).
        lr: learning rate :math:`\\eta`, a positive number.

    Returns:
        ``(W_new, b_new)``: tensors of the shapes of ``W`` and ``b``.

    Example:
        >>> X, y = tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([[1.0], [2.0]])
        >>> W, b = linear_gradient_step(X, y, tf.zeros((2, 1)), tf.zeros(1), lr=0.1)
        >>> tf.reshape(W, [-1]).numpy(), b.numpy()
        (array([0.7, 1. ], dtype=float32), array([0.3], dtype=float32))
    """
    lr = check_lr(lr)
    X, W, b = _check_params(X, W, b)
    dW, db = linear_mse_grads(X, y, W, b)
    return W - lr * dW, b - lr * db


def least_squares(X, y):
    """The weights and bias of least mean squared error, in closed form (``tf.linalg.lstsq``).

    .. math::

        (W, b) = \\arg\\min_{W, b} \\lVert X W + b - Y \\rVert^2
        = \\tilde X^{+} Y, \\qquad \\tilde X = [X \\;\\; \\mathbf{1}]

    Computed in float64 with ``fast=False`` (an orthogonal decomposition of
    :math:`\\tilde X`); the default ``fast=True`` solves the normal equations
    :math:`\\tilde X^\\top \\tilde X w = \\tilde X^\\top Y`, which square the
    condition number.

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).

    Returns:
        ``(W, b)``: float64 tensors of shapes (n_features, n_outputs) and (n_outputs,).

    Example:
        >>> X = tf.constant([[0.0], [1.0], [2.0]])
        >>> W, b = least_squares(X, 2.0 * X + 1.0)  # the line y = 2x + 1 exactly
        >>> W.numpy().round(12), b.numpy().round(12)
        (array([[2.]]), array([1.]))
    """
    X = tf.cast(_check_inputs(X), tf.float64)
    y = _check_targets(tf.cast(as_float_tensor(y, "y"), tf.float64), X)
    X_ones = tf.concat([X, tf.ones_like(X[:, :1])], axis=1)
    solution = tf.linalg.lstsq(X_ones, y, fast=False)
    return solution[:-1], solution[-1]


def standardize(X):
    """Rescale every feature (column) of ``X`` to mean 0 and standard deviation 1.

    .. math:: X'_{ij} = \\frac{X_{ij} - \\mu_j}{\\sigma_j}

    with the population standard deviation, as in :func:`mlkit.numpy.standardize`.

    Args:
        X: inputs of shape (n, n_features); no column may be constant.

    Returns:
        ``(X_scaled, mean, std)``: tensors of the dtype of ``X``, ``X_scaled`` of
        its shape, ``mean`` and ``std`` of shape (n_features,).

    Example:
        >>> X_scaled, mean, std = standardize(tf.constant([[1.0, 10.0], [3.0, 30.0]]))
        >>> X_scaled.numpy()
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
        >>> mean.numpy(), std.numpy()
        (array([ 2., 20.], dtype=float32), array([ 1., 10.], dtype=float32))
    """
    X = _check_inputs(X)
    mean, std = tf.reduce_mean(X, axis=0), tf.math.reduce_std(X, axis=0)
    if tf.executing_eagerly():
        constant = np.flatnonzero(std.numpy() == 0)
        if constant.size:
            raise ValueError(
                f"`X` must not have a constant column: its standard deviation is 0 and it cannot "
                f"be rescaled. Received constant columns: {constant.tolist()}")
    else:
        tf.debugging.assert_positive(std, message="`X` must not have a constant column")
    return (X - mean) / std, mean, std


class LinearRegression:
    """Linear regression trained by full-batch gradient descent, with ``tf.GradientTape``.

    .. math::

        \\hat Y = X W + b, \\qquad
        L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2

    The same estimator as :class:`mlkit.numpy.LinearRegression`: ``W`` and
    ``b`` live in ``tf.Variable`` objects; each epoch records the loss on a tape,
    asks it for the gradients and assigns ``W - lr * dW`` and ``b - lr * db``.
    The whole loop is one ``tf.function``, so that TensorFlow runs it as a
    graph without returning to Python between epochs. It computes in float64 and returns what it
    learned as NumPy values, so that for the same ``seed`` (a NumPy generator
    draws the initial weights in both backends) the two estimators give the
    same ``W_``, ``b_`` and ``loss_history_`` and can replace each other.

    Args:
        lr: learning rate :math:`\\eta`, a positive number.
        num_epochs: the number of gradient steps, a positive integer.
        seed: ``None`` to start from ``W = 0`` and ``b = 0``, or an integer: the
            initial weights and biases are then drawn from the standard normal
            distribution with ``np.random.default_rng(seed)``.

    Attributes:
        W_: learned weights, float64 NumPy array of shape (n_features, n_outputs).
        b_: learned biases, float64 NumPy array of shape (n_outputs,).
        loss_history_: list of ``num_epochs`` floats, the mean squared error at
            the start of each epoch (before its step).

    Raises:
        FloatingPointError: from ``fit``, when the loss stops being finite.

    Example:
        >>> X, y = tf.constant([[0.0], [1.0], [2.0]]), tf.constant([[1.0], [3.0], [5.0]])
        >>> model = LinearRegression(lr=0.1, num_epochs=2000).fit(X, y)
        >>> model.W_.round(6), model.b_.round(6)
        (array([[2.]]), array([1.]))
        >>> model.predict(tf.constant([[3.0]])).round(6)
        array([[7.]])
    """

    def __init__(self, *, lr=0.01, num_epochs=1000, seed=None):
        self.lr = lr
        self.num_epochs = num_epochs
        self.seed = seed

    def __repr__(self):
        return (f"LinearRegression(lr={self.lr!r}, num_epochs={self.num_epochs!r}, "
                f"seed={self.seed!r})")

    def fit(self, X, y):
        """Learn ``W_`` and ``b_`` by ``num_epochs`` steps of gradient descent.

        Args:
            X: inputs of shape (n, n_features), an array or a tensor.
            y: targets of shape (n, n_outputs), an array or a tensor.

        Returns:
            The estimator itself, fitted.

        Raises:
            FloatingPointError: if the loss becomes inf or NaN (the learning rate
                is too large for these features).
        """
        lr = check_lr(self.lr)
        num_epochs = check_positive_int(self.num_epochs, "num_epochs")
        seed = check_seed(self.seed)
        X = tf.cast(_check_inputs(X), tf.float64)
        y = _check_targets(tf.cast(as_float_tensor(y, "y"), tf.float64), X)
        W_init, b_init = _initial_params(X.shape[1], y.shape[1], seed)
        W, b = tf.Variable(W_init, name="W"), tf.Variable(b_init, name="b")

        @tf.function
        def train():  # the whole loop runs as one graph: no Python between the epochs
            losses = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
            for epoch in tf.range(num_epochs):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(mean_squared_error(y, tf.matmul(X, W) + b))
                losses = losses.write(epoch, loss)
                if not tf.math.is_finite(loss):
                    break  # diverged: reported below
                dW, db = tape.gradient(loss, [W, b])
                W.assign_sub(lr * dW)
                b.assign_sub(lr * db)
            return losses.stack()

        self.loss_history_ = [float(loss) for loss in train().numpy()]
        if not np.isfinite(self.loss_history_[-1]):
            *self.loss_history_, loss = self.loss_history_
            raise FloatingPointError(
                _diverged_message(len(self.loss_history_), loss, self.loss_history_, lr))
        self.W_, self.b_ = W.numpy(), b.numpy()
        return self

    def predict(self, X):
        """Predict the outputs of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features), an array or a tensor.

        Returns:
            float64 NumPy array of shape (n, n_outputs) (as in the NumPy backend).
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This LinearRegression is not fitted yet: call `fit(X, y)` before `predict(X)`.")
        X = tf.cast(_check_inputs(X), tf.float64)
        if X.shape[1] != self.W_.shape[0]:
            raise ValueError(
                f"`X` must have {self.W_.shape[0]} features (columns), as the data given to "
                f"`fit`. Received: X.shape={tuple(X.shape)}")
        return linear_predict(X, self.W_, self.b_).numpy()
