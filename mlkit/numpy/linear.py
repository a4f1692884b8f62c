"""Linear regression in matrix notation, NumPy reference: H(X) = XW + b for all examples at once.

One row of ``X`` per example, one column of ``W`` per output. The functions
are the steps of gradient descent on the mean squared error, written with the
analytic gradient: :func:`linear_predict` (the hypothesis),
:func:`linear_mse_grads` (the gradient of the loss) and
:func:`linear_gradient_step`; :class:`LinearRegression` repeats the step.
:func:`least_squares` solves the same problem in closed form, the oracle that
gradient descent should reach, and :func:`standardize` rescales the features
so that it reaches it quickly.

Taught in the book chapter *Matrix notation*.
"""

import numpy as np

from mlkit._args import check_lr, check_positive_int, check_seed
from mlkit.numpy._checks import as_float_array, check_shape
from mlkit.numpy.losses import mean_squared_error, mean_squared_error_grad

__all__ = [
    "linear_predict",
    "linear_mse_grads",
    "linear_gradient_step",
    "least_squares",
    "standardize",
    "LinearRegression",
]


def _check_inputs(X):
    """``X`` as a float array of shape (n, n_features) with at least one row and column."""
    X = check_shape(as_float_array(X, "X"), "X", "(n, n_features), one row per example", ndim=2)
    if 0 in X.shape:
        raise ValueError(
            f"`X` must hold at least one example and one feature. Received: X.shape={X.shape}")
    return X


def _check_params(X, W, b):
    """``X``, ``W`` and ``b`` as float arrays whose shapes fit ``X @ W + b``, or a clear error."""
    X = _check_inputs(X)
    W = check_shape(as_float_array(W, "W"), "W", "(n_features, n_outputs)", ndim=2,
                    sizes={0: X.shape[1]}, origin=f"n_features = {X.shape[1]} from `X`")
    b = check_shape(as_float_array(b, "b"), "b", "(n_outputs,)", ndim=1,
                    sizes={0: W.shape[1]}, origin=f"n_outputs = {W.shape[1]} from `W`")
    return X, W, b


def _check_targets(y, n, n_outputs=None):
    """``y`` as a float array of shape (n, n_outputs), or an error that says how to reshape it."""
    y = as_float_array(y, "y")
    expected = f"({n}, n_outputs)" if n_outputs is None else f"({n}, {n_outputs})"
    if y.ndim != 2 or y.shape[0] != n or (n_outputs is not None and y.shape[1] != n_outputs):
        hint = " For one output, use y.reshape(-1, 1)." if y.ndim == 1 else ""
        raise ValueError(
            f"`y` must have shape (n, n_outputs) = {expected}: one row per row of `X`."
            f"{hint} Received: y.shape={y.shape}")
    return y


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
        ``Y_hat`` of shape (n, n_outputs), in the float dtype of ``X @ W``.

    Example:
        >>> X = np.array([[73.0, 80.0, 75.0], [93.0, 88.0, 93.0]])
        >>> linear_predict(X, np.array([[1.0], [0.5], [0.5]]), np.array([1.5]))
        array([[152.],
               [185.]])
    """
    X, W, b = _check_params(X, W, b)
    return X @ W + b


def linear_mse_grads(X, y, W, b):
    """Gradient of the mean squared error of :math:`H(X) = XW + b` with respect to ``W`` and ``b``.

    .. math::

        L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2, \\qquad
        \\frac{\\partial L}{\\partial W} = X^\\top \\frac{2 (\\hat Y - Y)}{nk}, \\qquad
        \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\frac{2 (\\hat Y - Y)}{nk}

    with :math:`\\hat Y = XW + b`. The derivative of the loss with respect to
    the predictions is ``mean_squared_error_grad``; the chain rule through
    :math:`XW + b` multiplies it by :math:`X^\\top` for ``W`` and sums it over
    the examples for ``b``, which was added to every row.

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).
        W: weights of shape (n_features, n_outputs).
        b: biases of shape (n_outputs,).

    Returns:
        ``(dW, db)`` of shapes (n_features, n_outputs) and (n_outputs,).

    Example:
        >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [2.0]])
        >>> dW, db = linear_mse_grads(X, y, np.zeros((2, 1)), np.zeros(1))
        >>> dW.ravel(), db  # -2/n * X^T y and -2/n * sum(y)
        (array([ -7., -10.]), array([-3.]))
    """
    X, W, b = _check_params(X, W, b)
    y = _check_targets(y, X.shape[0], W.shape[1])
    dY_hat = mean_squared_error_grad(y, X @ W + b)  # 2 (Y_hat - Y) / (n k), shape (n, k)
    return X.T @ dY_hat, dY_hat.sum(axis=0)


def linear_gradient_step(X, y, W, b, lr):
    """One step of gradient descent on the mean squared error: downhill, by ``lr`` times the slope.

    .. math::

        W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}, \\qquad
        b \\leftarrow b - \\eta \\frac{\\partial L}{\\partial b}

    with :math:`\\eta` = ``lr`` and the gradients of :func:`linear_mse_grads`.
    The function is pure: the arrays given are not modified.

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).
        W: weights of shape (n_features, n_outputs).
        b: biases of shape (n_outputs,).
        lr: learning rate :math:`\\eta`, a positive number.

    Returns:
        ``(W_new, b_new)``: new arrays of the shapes of ``W`` and ``b``.

    Example:
        >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [2.0]])
        >>> W, b = linear_gradient_step(X, y, np.zeros((2, 1)), np.zeros(1), lr=0.1)
        >>> W.ravel(), b
        (array([0.7, 1. ]), array([0.3]))
    """
    lr = check_lr(lr)
    dW, db = linear_mse_grads(X, y, W, b)
    return W - lr * dW, b - lr * db


def least_squares(X, y):
    """The weights and bias of least mean squared error, in closed form: the oracle of this chapter.

    .. math::

        (W, b) = \\arg\\min_{W, b} \\lVert X W + b - Y \\rVert^2
        = \\tilde X^{+} Y, \\qquad \\tilde X = [X \\;\\; \\mathbf{1}]

    A column of ones carries the bias (its weight is ``b``). The solution is
    computed by ``np.linalg.lstsq`` from the singular value decomposition of
    :math:`\\tilde X`, never by inverting :math:`\\tilde X^\\top \\tilde X`, whose
    condition number is the square of that of :math:`\\tilde X`. When several
    solutions fit equally well (more features than examples, or a repeated
    feature) it returns the one of least norm.

    Args:
        X: inputs of shape (n, n_features).
        y: targets of shape (n, n_outputs).

    Returns:
        ``(W, b)``: float64 arrays of shapes (n_features, n_outputs) and (n_outputs,).

    Example:
        >>> X = np.array([[0.0], [1.0], [2.0]])
        >>> W, b = least_squares(X, 2.0 * X + 1.0)  # the line y = 2x + 1 exactly
        >>> W.round(12), b.round(12)
        (array([[2.]]), array([1.]))
    """
    X = _check_inputs(X).astype(np.float64, copy=False)
    y = _check_targets(y, X.shape[0]).astype(np.float64, copy=False)
    X_ones = np.hstack([X, np.ones((X.shape[0], 1))])
    solution = np.linalg.lstsq(X_ones, y, rcond=None)[0]
    return solution[:-1], solution[-1]


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
        ``(X_scaled, mean, std)``: ``X_scaled`` of the shape of ``X``; ``mean``
        and ``std`` of shape (n_features,).

    Example:
        >>> X_scaled, mean, std = standardize(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> X_scaled, mean, std
        (array([[-1., -1.],
               [ 1.,  1.]]), array([ 2., 20.]), array([ 1., 10.]))
    """
    X = _check_inputs(X)
    mean, std = X.mean(axis=0), X.std(axis=0)
    constant = np.flatnonzero(std == 0)
    if constant.size:
        raise ValueError(
            f"`X` must not have a constant column: its standard deviation is 0 and it cannot be "
            f"rescaled. Received constant columns: {constant.tolist()}")
    return (X - mean) / std, mean, std


class LinearRegression:
    """Linear regression trained by full-batch gradient descent on the mean squared error.

    .. math::

        \\hat Y = X W + b, \\qquad
        L = \\frac{1}{nk} \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2

    Each epoch is one :func:`linear_gradient_step` over all the examples, with
    the analytic gradient. If the loss overflows to inf (or NaN), training
    stops with an error: the learning rate is too large for the scale of the
    features.

    The estimator follows scikit-learn: hyperparameters are keyword-only and
    only stored by ``__init__`` (``fit`` checks them), ``fit`` returns the
    estimator, and what was learned ends in ``_``. The computation runs in float64.

    Args:
        lr: learning rate :math:`\\eta`, a positive number. Gradient descent
            converges only if ``lr`` is below 2 / (the largest eigenvalue of the
            loss's Hessian); unscaled features need a tiny one (see :func:`standardize`).
        num_epochs: the number of gradient steps, a positive integer.
        seed: ``None`` to start from ``W = 0`` and ``b = 0``, or an integer: the
            initial weights and biases are then drawn from the standard normal
            distribution with ``np.random.default_rng(seed)``.

    Attributes:
        W_: learned weights, float64 array of shape (n_features, n_outputs).
        b_: learned biases, float64 array of shape (n_outputs,).
        loss_history_: list of ``num_epochs`` floats, the mean squared error of
            the weights at the start of each epoch (before its step), as Keras
            reports a full-batch epoch's loss.

    Raises:
        FloatingPointError: from ``fit``, when the loss stops being finite.

    Example:
        >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [3.0], [5.0]])
        >>> model = LinearRegression(lr=0.1, num_epochs=2000).fit(X, y)
        >>> model
        LinearRegression(lr=0.1, num_epochs=2000, seed=None)
        >>> model.W_.round(6), model.b_.round(6), model.loss_history_[0]
        (array([[2.]]), array([1.]), 11.666666666666666)
        >>> model.predict(np.array([[3.0]])).round(6)
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
            X: inputs of shape (n, n_features).
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
        X = _check_inputs(X).astype(np.float64, copy=False)
        y = _check_targets(y, X.shape[0]).astype(np.float64, copy=False)
        W, b = _initial_params(X.shape[1], y.shape[1], seed)
        self.loss_history_ = []
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            for epoch in range(num_epochs):
                loss = float(np.mean(mean_squared_error(y, linear_predict(X, W, b))))
                if not np.isfinite(loss):
                    raise FloatingPointError(_diverged_message(epoch, loss, self.loss_history_, lr))
                self.loss_history_.append(loss)
                W, b = linear_gradient_step(X, y, W, b, lr)
        self.W_, self.b_ = W, b
        return self

    def predict(self, X):
        """Predict the outputs of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            float64 array of shape (n, n_outputs).
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This LinearRegression is not fitted yet: call `fit(X, y)` before `predict(X)`.")
        X = _check_inputs(X)
        if X.shape[1] != self.W_.shape[0]:
            raise ValueError(
                f"`X` must have {self.W_.shape[0]} features (columns), as the data given to "
                f"`fit`. Received: X.shape={X.shape}")
        return linear_predict(X.astype(np.float64, copy=False), self.W_, self.b_)


def _initial_params(n_features, n_outputs, seed):
    """Zeros (``seed=None``) or standard normal draws of ``np.random.default_rng(seed)``.

    Shared with the TensorFlow backend, so that both start from the same weights.
    """
    if seed is None:
        return np.zeros((n_features, n_outputs)), np.zeros(n_outputs)
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_features, n_outputs)), rng.standard_normal(n_outputs)


def _diverged_message(epoch, loss, history, lr):
    """The error message of a training run whose loss became inf or NaN."""
    start = f" (it was {history[0]:.4g} at the start)" if history else ""
    return (
        f"Training diverged at epoch {epoch + 1}: the loss became {loss}{start}. "
        f"The learning rate lr={lr!r} is too large for these features: lower it, "
        f"or standardize the features first (see `standardize`).")
