"""Rosenblatt's perceptron (1958): a step neuron that learns from its mistakes.

:func:`perceptron_update` is the learning rule for one example;
:class:`Perceptron` is the estimator that applies it, example after example,
epoch after epoch, until an epoch passes without a mistake. Labels are 0 and 1.

Taught in the book chapter *The perceptron*.
"""

import numpy as np

from mlkit._args import check_lr, check_positive_int, check_real, check_seed
from mlkit.numpy._checks import as_float_array

__all__ = ["perceptron_update", "Perceptron"]


def _check_label(y, name="y"):
    """Return one label as the float 0.0 or 1.0, or raise if it is anything else."""
    label = np.asarray(y)
    if label.ndim != 0 or label.dtype.kind not in "biuf" or label.item() not in (0, 1):
        raise ValueError(f"`{name}` must be the label 0 or 1. Received: {name}={y!r}")
    return float(label.item())


def _as_examples(X, n_features=None):
    """``X`` as a float64 array of shape (n, n_features), finite, with at least one row."""
    X = as_float_array(X, "X").astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(
            f"`X` must be a 2-D array of shape (n, n_features), one example per row. "
            f"Received: X.shape={X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"`X` must hold at least one example and one feature. Received: X.shape={X.shape}"
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"`X` must have {n_features} features (columns), as the data given to `fit`. "
            f"Received: X.shape={X.shape}"
        )
    if not np.all(np.isfinite(X)):
        raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
    return X


def _as_labels(y, n):
    """``y`` as a float64 array of shape (n,) holding only 0.0 and 1.0."""
    y = as_float_array(y, "y").astype(np.float64, copy=False)
    if y.shape != (n,):
        raise ValueError(
            f"`y` must have shape (n,) = ({n},), one label per row of `X`. "
            f"Received: y.shape={y.shape}"
        )
    wrong = np.unique(y[(y != 0) & (y != 1)])
    if wrong.size:
        raise ValueError(
            f"`y` must hold only the labels 0 and 1. Received other values: {wrong.tolist()[:5]}"
        )
    return y


def perceptron_update(w, b, x, y, lr=1.0):
    """Rosenblatt's learning rule for one example: move the boundary if it got ``x`` wrong.

    .. math::

        \\hat y = \\operatorname{step}(w \\cdot x + b), \\qquad
        w \\leftarrow w + \\eta\\,(y - \\hat y)\\,x, \\qquad
        b \\leftarrow b + \\eta\\,(y - \\hat y)

    with :math:`\\eta` = ``lr`` and :math:`\\operatorname{step}(z) = 1` if :math:`z > 0`,
    else 0. When the prediction is right, :math:`y - \\hat y = 0` and nothing
    changes; a missed positive example adds :math:`\\eta x` to ``w``, a false
    alarm subtracts it. The function is pure: ``w`` is not modified.

    Args:
        w: weights of shape (n_features,).
        b: bias, a number.
        x: one example of shape (n_features,).
        y: its label, 0 or 1.
        lr: learning rate :math:`\\eta`, a positive number.

    Returns:
        ``(w_new, b_new)``: a new float64 array of shape (n_features,) and a float.

    Example:
        >>> perceptron_update(np.array([0.0, 0.0]), 0.0, np.array([1.0, 1.0]), 1)
        (array([1., 1.]), 1.0)
    """
    w = as_float_array(w, "w").astype(np.float64, copy=False)
    x = as_float_array(x, "x").astype(np.float64, copy=False)
    if w.ndim != 1 or x.shape != w.shape:
        raise ValueError(
            f"`w` and `x` must both have shape (n_features,). "
            f"Received: w.shape={w.shape}, x.shape={x.shape}"
        )
    b = check_real(b.item() if isinstance(b, np.ndarray) and b.ndim == 0 else b, "b")
    y = _check_label(y)
    lr = check_lr(lr)
    y_hat = 1.0 if x @ w + b > 0 else 0.0
    error = y - y_hat  # 0 when right, +1 for a missed positive, -1 for a false alarm
    return w + lr * error * x, b + lr * error


class Perceptron:
    """Rosenblatt's perceptron for labels 0 and 1, trained with :func:`perceptron_update`.

    .. math:: \\hat y = \\operatorname{step}(X W + b)

    The weights start at zero. Each epoch visits every example once and
    applies the learning rule; training stops after the first epoch without a
    mistake, or after ``num_epochs`` epochs. On linearly separable data it
    always stops (Novikoff, 1962); on XOR it never does.

    The estimator follows scikit-learn: hyperparameters are keyword-only and
    only stored by ``__init__`` (they are checked by ``fit``), ``fit`` returns
    the estimator, and what was learned ends in ``_``. The weights are float64
    NumPy values whatever the dtype of ``X``, as in scikit-learn.

    Args:
        lr: learning rate :math:`\\eta`, a positive number. Starting from zero
            weights it only scales ``W_`` and ``b_``: the predictions, and so the
            mistakes, are the same for every ``lr``.
        num_epochs: the largest number of passes over the data, a positive integer.
        seed: ``None`` to visit the examples in the order of the rows of ``X``
            in every epoch, or an integer: the examples are then shuffled, anew
            each epoch, with ``np.random.default_rng(seed)``. It controls nothing else.

    Attributes:
        W_: learned weights, float64 array of shape (n_features,).
        b_: learned bias, a float.
        errors_: list of ints, the number of mistakes (that is, of updates) in each epoch.
        n_epochs_: the number of epochs run, ``len(errors_)``.

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> model = Perceptron().fit(X, np.array([0, 0, 0, 1]))  # AND
        >>> model
        Perceptron(lr=1.0, num_epochs=100, seed=None)
        >>> model.W_, model.b_, model.errors_
        (array([2., 1.]), -2.0, [1, 3, 3, 2, 1, 0])
        >>> model.predict(X)
        array([0, 0, 0, 1])
    """

    def __init__(self, *, lr=1.0, num_epochs=100, seed=None):
        self.lr = lr
        self.num_epochs = num_epochs
        self.seed = seed

    def __repr__(self):
        return f"Perceptron(lr={self.lr!r}, num_epochs={self.num_epochs!r}, seed={self.seed!r})"

    def fit(self, X, y):
        """Learn ``W_`` and ``b_`` from examples ``X`` and their 0/1 labels ``y``.

        Args:
            X: inputs of shape (n, n_features).
            y: labels of shape (n,), each 0 or 1.

        Returns:
            The estimator itself, fitted.
        """
        lr = check_lr(self.lr)
        num_epochs = check_positive_int(self.num_epochs, "num_epochs")
        seed = check_seed(self.seed)
        rng = np.random.default_rng(seed)
        X = _as_examples(X)
        y = _as_labels(y, len(X))
        W, b = np.zeros(X.shape[1]), 0.0
        self.errors_ = []
        for _ in range(num_epochs):
            order = range(len(X)) if seed is None else rng.permutation(len(X))
            num_errors = 0
            for i in order:
                y_hat = 1.0 if X[i] @ W + b > 0 else 0.0
                if y_hat != y[i]:  # only a mistake changes the weights
                    W, b = perceptron_update(W, b, X[i], y[i], lr)
                    num_errors += 1
            self.errors_.append(num_errors)
            if num_errors == 0:  # every example is right: nothing more to learn
                break
        self.W_, self.b_, self.n_epochs_ = W, b, len(self.errors_)
        return self

    def predict(self, X):
        """Predict the label, 0 or 1, of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            int64 array of shape (n,) holding 0 and 1.
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This Perceptron is not fitted yet: call `fit(X, y)` before `predict(X)`."
            )
        X = _as_examples(X, n_features=len(self.W_))
        return (X @ self.W_ + self.b_ > 0).astype(np.int64)
