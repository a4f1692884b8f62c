"""Linear regression in matrix notation, H(X) = XW + b: the contract both backends fulfil.

One row of ``X`` per example, one column of ``W`` per output. The functions
are the steps of gradient descent on the mean squared error:
:func:`linear_predict` (the hypothesis), :func:`linear_mse_grads` (the
gradient of the loss) and :func:`linear_gradient_step`; :class:`LinearRegression`
repeats the step. :func:`least_squares` solves the same problem in closed form,
the oracle that gradient descent should reach, and :func:`standardize` rescales
the features so that it reaches it quickly. The NumPy backend writes the
gradient out by hand; the TensorFlow backend lets ``tf.GradientTape``
differentiate the loss. ``W``, ``b`` and ``y`` take the dtype of ``X`` (Python
numbers and lists are read in it; an array of another float dtype is an error).

Taught in the book chapter *Matrix notation*.
"""

import numpy as np

from mlkit._args import check_lr, check_positive_int, check_seed
from mlkit._training import check_finite

__all__ = [
    "linear_predict",
    "linear_mse_grads",
    "linear_gradient_step",
    "least_squares",
    "standardize",
    "LinearRegression",
]


def check_inputs(backend, X):
    """``X`` as a float array of shape (n, n_features) with at least one row and column."""
    X = backend.check_shape(backend.as_float(X, "X"), "X", "(n, n_features), one row per example",
                            ndim=2)
    if 0 in backend.shape(X):
        raise ValueError(f"`X` must hold at least one example and one feature. "
                         f"Received: X.shape={backend.shape(X)}")
    return X


def _check_params(backend, X, W, b):
    """``X``, ``W`` and ``b`` of one float dtype, with shapes that fit ``X W + b``."""
    X = check_inputs(backend, X)
    n_features = backend.shape(X)[1]
    W = backend.check_shape(backend.as_float_of(W, X.dtype, "W"), "W", "(n_features, n_outputs)",
                            ndim=2, sizes={0: n_features},
                            origin=f"n_features = {n_features} from `X`")
    n_outputs = backend.shape(W)[1]
    b = backend.check_shape(backend.as_float_of(b, X.dtype, "b"), "b", "(n_outputs,)", ndim=1,
                            sizes={0: n_outputs}, origin=f"n_outputs = {n_outputs} from `W`")
    return X, W, b


def _check_targets(backend, y, X, n_outputs=None):
    """``y`` in the dtype of ``X``, of shape (n, n_outputs), or an error that says how to fix it."""
    y = backend.as_float_of(y, X.dtype, "y")
    n, shape = backend.shape(X)[0], backend.shape(y)
    expected = f"({n}, n_outputs)" if n_outputs is None else f"({n}, {n_outputs})"
    if (len(shape) != 2 or (None not in (n, shape[0]) and shape[0] != n)
            or (n_outputs is not None and shape[1] != n_outputs)):
        hint = " For one output, use y.reshape(-1, 1)." if len(shape) == 1 else ""
        raise ValueError(f"`y` must have shape (n, n_outputs) = {expected}: one row per row of "
                         f"`X`.{hint} Received: y.shape={shape}")
    return y


def linear_predict(backend, kernel):
    def linear_predict(X, W, b):
        """The hypothesis of linear regression for every example at once.

        .. math:: H(X) = X W + b, \\qquad [n, d] \\cdot [d, k] + [k] = [n, k]

        Row :math:`i` of the result is :math:`x_i^\\top W + b`, the prediction for
        example :math:`i`; ``b`` is added to every row (broadcasting). The lecture's
        column-vector form :math:`W x + b` is the transpose of one row of it.

        Args:
            X: inputs of shape (n, n_features), one row per example.
            W: weights of shape (n_features, n_outputs), one column per output.
            b: biases of shape (n_outputs,).

        Returns:
            ``Y_hat`` of shape (n, n_outputs), in the dtype of ``X``.

        Example:
            >>> X = np.array([[73.0, 80.0, 75.0], [93.0, 88.0, 93.0]])
            >>> np.asarray(mk.linear_predict(X, np.array([[1.0], [0.5], [0.5]]), [1.5]))
            array([[152.],
                   [185.]])
        """
        return kernel(*_check_params(backend, X, W, b))

    return linear_predict


def linear_mse_grads(backend, kernel):
    def linear_mse_grads(X, y, W, b):
        """Gradient of the mean squared error of :math:`H(X) = XW + b` in ``W`` and ``b``.

        .. math::

            L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2, \\qquad
            \\frac{\\partial L}{\\partial W} = X^\\top \\frac{2 (\\hat Y - Y)}{nk}, \\qquad
            \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\frac{2 (\\hat Y - Y)}{nk}

        with :math:`\\hat Y = XW + b`. The derivative of the loss with respect to
        the predictions is ``mean_squared_error_grad``; the chain rule through
        :math:`XW + b` multiplies it by :math:`X^\\top` for ``W`` and sums it over
        the examples for ``b``, which was added to every row. (In TensorFlow the
        formulas are what comes out: the tape records the loss and differentiates it.)

        Args:
            X: inputs of shape (n, n_features).
            y: targets of shape (n, n_outputs).
            W: weights of shape (n_features, n_outputs).
            b: biases of shape (n_outputs,).

        Returns:
            ``(dW, db)`` of shapes (n_features, n_outputs) and (n_outputs,).

        Example:
            >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [2.0]])
            >>> dW, db = mk.linear_mse_grads(X, y, np.zeros((2, 1)), np.zeros(1))
            >>> np.asarray(dW).ravel(), np.asarray(db)  # -2/n * X^T y and -2/n * sum(y)
            (array([ -7., -10.]), array([-3.]))
        """
        X, W, b = _check_params(backend, X, W, b)
        y = _check_targets(backend, y, X, backend.shape(W)[1])
        return kernel(X, y, W, b)

    return linear_mse_grads


def linear_gradient_step(backend, kernel):
    def linear_gradient_step(X, y, W, b, lr):
        """One step of gradient descent on the mean squared error: downhill, ``lr`` times the slope.

        .. math::

            W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}, \\qquad
            b \\leftarrow b - \\eta \\frac{\\partial L}{\\partial b}

        with :math:`\\eta` = ``lr`` and the gradients of :func:`linear_mse_grads`.
        The function is pure: the arrays given are not modified (a ``tf.Variable``
        is not assigned to; the caller assigns the result).

        Args:
            X: inputs of shape (n, n_features).
            y: targets of shape (n, n_outputs).
            W: weights of shape (n_features, n_outputs).
            b: biases of shape (n_outputs,).
            lr: learning rate :math:`\\eta`, a positive number.

        Returns:
            ``(W_new, b_new)``, of the shapes of ``W`` and ``b``.

        Example:
            >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [2.0]])
            >>> W, b = mk.linear_gradient_step(X, y, np.zeros((2, 1)), np.zeros(1), lr=0.1)
            >>> np.asarray(W).ravel(), np.asarray(b)
            (array([0.7, 1. ]), array([0.3]))
        """
        lr = check_lr(lr)
        X, W, b = _check_params(backend, X, W, b)
        y = _check_targets(backend, y, X, backend.shape(W)[1])
        return kernel(X, y, W, b, lr)

    return linear_gradient_step


def linear_gradient_step_kernel(X, y, W, b, lr, *, linear_mse_grads):
    """The kernel of :func:`linear_gradient_step`, for both backends: ``W`` and ``b`` a step
    of ``lr`` down the gradients of the backend's ``linear_mse_grads`` kernel."""
    dW, db = linear_mse_grads(X, y, W, b)
    return W - lr * dW, b - lr * db


def least_squares(backend, kernel):
    def least_squares(X, y):
        """The weights and bias of least mean squared error in closed form: the chapter's oracle.

        .. math::

            (W, b) = \\arg\\min_{W, b} \\lVert X W + b - Y \\rVert^2
            = \\tilde X^{+} Y, \\qquad \\tilde X = [X \\;\\; \\mathbf{1}]

        A column of ones carries the bias (its weight is ``b``). The solution is
        computed in float64 from an orthogonal decomposition of :math:`\\tilde X`
        (``np.linalg.lstsq``, ``tf.linalg.lstsq(fast=False)``), never by solving the
        normal equations :math:`\\tilde X^\\top \\tilde X w = \\tilde X^\\top Y`, whose
        condition number is the square of that of :math:`\\tilde X`. When several
        solutions fit equally well (more features than examples, or a repeated
        feature) it returns the one of least norm.

        Args:
            X: inputs of shape (n, n_features).
            y: targets of shape (n, n_outputs).

        Returns:
            ``(W, b)``: float64, of shapes (n_features, n_outputs) and (n_outputs,).

        Example:
            >>> X = np.array([[0.0], [1.0], [2.0]])
            >>> W, b = mk.least_squares(X, 2.0 * X + 1.0)  # the line y = 2x + 1 exactly
            >>> np.asarray(W).round(12), np.asarray(b).round(12)
            (array([[2.]]), array([1.]))
        """
        X = backend.cast(check_inputs(backend, X), np.float64)
        y = _check_targets(backend, backend.cast(backend.as_float(y, "y"), np.float64), X)
        return kernel(X, y)

    return least_squares


def standardize(backend, kernel):
    def standardize(X):
        """Rescale every feature (column) of ``X`` to mean 0 and standard deviation 1.

        .. math:: X'_{ij} = \\frac{X_{ij} - \\mu_j}{\\sigma_j}

        with :math:`\\mu_j` and :math:`\\sigma_j` the mean and (population) standard
        deviation of column :math:`j`, as scikit-learn's ``StandardScaler`` computes
        them. Apply the same ``mean`` and ``std`` to new data: ``(X_new - mean) / std``.
        A model trained on standardized features with weights ``W'`` and bias ``b'``
        predicts as the weights ``W' / std[:, None]`` and bias
        ``b' - (mean / std) @ W'`` on the original features.

        Args:
            X: inputs of shape (n, n_features); no column may be constant.

        Returns:
            ``(X_scaled, mean, std)``, in the dtype of ``X``: ``X_scaled`` of its
            shape; ``mean`` and ``std`` of shape (n_features,).

        Example:
            >>> X_scaled, mean, std = mk.standardize(np.array([[1.0, 10.0], [3.0, 30.0]]))
            >>> np.asarray(X_scaled), np.asarray(mean), np.asarray(std)
            (array([[-1., -1.],
                   [ 1.,  1.]]), array([ 2., 20.]), array([ 1., 10.]))
        """
        X = check_inputs(backend, X)
        mean, std = kernel(X)
        values = backend.values(std)
        message = "`X` must not have a constant column"
        if values is None:  # traced in a tf.function: checked when it runs
            std = backend.assert_positive(std, message)
        elif (values == 0).any():
            raise ValueError(f"{message}: its standard deviation is 0 and it cannot be "
                             f"rescaled. Received constant columns: "
                             f"{np.flatnonzero(values == 0).tolist()}")
        return (X - mean) / std, mean, std

    return standardize


class LinearRegression:
    """Linear regression trained by full-batch gradient descent on the mean squared error.

    .. math::

        \\hat Y = X W + b, \\qquad
        L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2

    Each epoch is one step of gradient descent over all the examples (see
    :func:`linear_gradient_step`). The estimator follows scikit-learn:
    hyperparameters are keyword-only and only stored by ``__init__`` (``fit``
    checks them), ``fit`` returns the estimator, and what was learned ends in
    ``_``. The computation runs in float64; for the same ``seed`` both backends
    give the same ``W_``, ``b_`` and ``loss_history_``.

    Return types, in both backends: what was learned is NumPy (``W_``, ``b_``) and
    Python floats (``loss_history_``); ``predict`` returns an array of the backend,
    a NumPy array from :mod:`mlkit.numpy`, a tensor from :mod:`mlkit.tensorflow`.
    If the loss stops being a finite number (the learning rate is too large for
    the scale of the features), training stops with a ``FloatingPointError``.

    Args:
        lr: learning rate :math:`\\eta`, a positive number. Gradient descent
            converges only if ``lr`` is below 2 / (the largest eigenvalue of the
            loss's Hessian); unscaled features need a tiny one (see :func:`standardize`).
        num_epochs: the number of gradient steps, a positive integer.
        seed: ``None`` to start from ``W = 0`` and ``b = 0``, or an integer: the
            initial weights and biases are then drawn from the standard normal
            distribution with ``np.random.default_rng(seed)``.

    Attributes:
        W_: learned weights, float64 NumPy array of shape (n_features, n_outputs).
        b_: learned biases, float64 NumPy array of shape (n_outputs,).
        loss_history_: list of ``num_epochs`` floats, the mean squared error of
            the weights at the start of each epoch (before its step), as Keras
            reports a full-batch epoch's loss.

    Example:
        >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [3.0], [5.0]])
        >>> model = mk.LinearRegression(lr=0.1, num_epochs=2000).fit(X, y)
        >>> model
        LinearRegression(lr=0.1, num_epochs=2000, seed=None)
        >>> model.W_.round(6), model.b_.round(6), model.loss_history_[0]
        (array([[2.]]), array([1.]), 11.666666666666666)
        >>> np.asarray(model.predict(np.array([[3.0]]))).round(6)
        array([[7.]])
    """

    _backend = None  # the backend's checks and conversions

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
            y: targets of shape (n, n_outputs); for one output, ``y.reshape(-1, 1)``.

        Returns:
            The estimator itself, fitted.

        Raises:
            FloatingPointError: if the loss becomes inf or NaN (the learning rate
                is too large for these features).
        """
        lr = check_lr(self.lr)
        num_epochs = check_positive_int(self.num_epochs, "num_epochs")
        seed = check_seed(self.seed)
        backend = self._backend
        X = backend.cast(check_inputs(backend, X), np.float64)
        y = _check_targets(backend, backend.cast(backend.as_float(y, "y"), np.float64), X)
        W, b = _initial_params(*backend.shape(X)[1:], backend.shape(y)[1], seed)
        W, b, losses = self._descend(X, y, W, b, lr, num_epochs)
        self.loss_history_ = [float(loss) for loss in losses]
        if not np.isfinite(self.loss_history_[-1]):
            *self.loss_history_, loss = self.loss_history_
            check_finite(loss, len(losses), lr, (self.loss_history_ or [None])[0],
                         advice=" or standardize the features first (see `standardize`)")
        self.W_, self.b_ = np.asarray(W), np.asarray(b)
        return self

    def predict(self, X):
        """Predict the outputs of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            float64, of shape (n, n_outputs): an array of the backend.
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This LinearRegression is not fitted yet: call `fit(X, y)` before `predict(X)`.")
        X = self._backend.cast(check_inputs(self._backend, X), np.float64)
        if self._backend.shape(X)[1] != self.W_.shape[0]:
            raise ValueError(
                f"`X` must have {self.W_.shape[0]} features (columns), as the data given to "
                f"`fit`. Received: X.shape={self._backend.shape(X)}")
        return self._predict(X)


def _initial_params(n_features, n_outputs, seed):
    """Zeros (``seed=None``) or standard normal draws of ``np.random.default_rng(seed)``."""
    if seed is None:
        return np.zeros((n_features, n_outputs)), np.zeros(n_outputs)
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_features, n_outputs)), rng.standard_normal(n_outputs)
