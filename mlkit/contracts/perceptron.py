"""Rosenblatt's perceptron (1958), a step neuron that learns from its mistakes: the contract.

:func:`perceptron_update` is the learning rule for one example;
:class:`Perceptron` is the estimator that applies it, example after example,
epoch after epoch, until an epoch passes without a mistake. Labels are 0 and 1.
The TensorFlow estimator keeps its weights in ``tf.Variable`` objects and
updates them one example at a time, as Rosenblatt's rule does: the same
computation as the NumPy one, step for step, so that for the same ``seed``
both learn the same weights and make the same mistakes.

Taught in the book chapter *The perceptron*.
"""

import numbers

import numpy as np

from mlkit._args import check_lr, check_positive_int, check_real, check_seed, shape_fits

__all__ = ["perceptron_update", "Perceptron"]


def _check_bias(backend, b, dtype):
    if isinstance(b, numbers.Number):
        check_real(b, "b")
    message = f"`b` must be a finite real number. Received: b={b!r}"
    try:
        b = backend.as_float_of(b, dtype, "b", cast=True)
    except (TypeError, ValueError):
        raise TypeError(message) from None
    if backend.shape(b) != ():
        raise TypeError(message)
    return backend.scalar(b)


def _check_label(backend, y, dtype):
    message = f"`y` must be the label 0 or 1. Received: y={y!r}"
    try:
        label = backend.as_float_of(y, dtype, "y", cast=True)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    values = backend.values(label)
    if backend.shape(label) != () or (values is not None and values.item() not in (0, 1)):
        raise ValueError(message)
    return backend.scalar(label)


def perceptron_update(backend, kernel):
    def perceptron_update(w, b, x, y, lr=1.0):
        """Rosenblatt's learning rule for one example: move the boundary if it got ``x`` wrong.

        .. math::

            \\hat y = \\operatorname{step}(w \\cdot x + b), \\qquad
            w \\leftarrow w + \\eta\\,(y - \\hat y)\\,x, \\qquad
            b \\leftarrow b + \\eta\\,(y - \\hat y)

        with :math:`\\eta` = ``lr`` and :math:`\\operatorname{step}(z) = 1` if :math:`z > 0`,
        else 0. When the prediction is right, :math:`y - \\hat y = 0` and nothing
        changes; a missed positive example adds :math:`\\eta x` to ``w``, a false
        alarm subtracts it. The function is pure: ``w`` is not modified (a
        ``tf.Variable`` is not assigned to; the caller assigns the result).

        Args:
            w: weights of shape (n_features,).
            b: bias, a number.
            x: one example of shape (n_features,).
            y: its label, 0 or 1.
            lr: learning rate :math:`\\eta`, a positive number.

        Returns:
            ``(w_new, b_new)`` in the float dtype of ``w`` (integers become the
            backend's default float): ``w_new`` of shape (n_features,), ``b_new`` a
            float in NumPy, a scalar tensor in TensorFlow.

        Example:
            >>> w_new, b_new = mk.perceptron_update(np.zeros(2), 0.0, np.array([1.0, 1.0]), 1)
            >>> np.asarray(w_new), float(b_new)
            (array([1., 1.]), 1.0)
        """
        w = backend.as_float(w, "w")
        x = backend.as_float_of(x, w.dtype, "x", cast=True)
        w_shape, x_shape = backend.shape(w), backend.shape(x)
        if w_shape is None or len(w_shape) != 1 or not shape_fits(x_shape, w_shape):
            raise ValueError(f"`w` and `x` must both have shape (n_features,). "
                             f"Received: w.shape={w_shape}, x.shape={x_shape}")
        b = _check_bias(backend, b, w.dtype)
        y = _check_label(backend, y, w.dtype)
        return kernel(w, b, x, y, check_lr(lr))

    return perceptron_update


def perceptron_update_kernel(w, b, x, y, lr, *, tlu):
    """The kernel of :func:`perceptron_update`, for both backends: the prediction is ``tlu``'s,
    the backend's threshold logic unit, ``step(w · x + b)``."""
    error = y - tlu(x, w, b)  # 0 when right, +1 for a missed positive, -1 for a false alarm
    return w + lr * error * x, b + lr * error


def _check_examples(X, n_features=None):
    """``X`` as a finite float64 NumPy array of shape (n, n_features), at least one row."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"`X` must hold real numbers. Received: X.dtype={X.dtype}")
    X = X.astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"`X` must be a 2-D array of shape (n, n_features), one example per "
                         f"row. Received: X.shape={X.shape}")
    if 0 in X.shape:
        raise ValueError(f"`X` must hold at least one example and one feature. "
                         f"Received: X.shape={X.shape}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"`X` must have {n_features} features (columns), as the data given to "
                         f"`fit`. Received: X.shape={X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
    return X


def _check_labels(y, n):
    """``y`` as a float64 NumPy array of shape (n,) holding only 0.0 and 1.0."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"`y` must hold real numbers. Received: y.dtype={y.dtype}")
    y = y.astype(np.float64)
    if y.shape != (n,):
        raise ValueError(f"`y` must have shape (n,) = ({n},), one label per row of `X`. "
                         f"Received: y.shape={y.shape}")
    wrong = np.unique(y[(y != 0) & (y != 1)])
    if wrong.size:
        raise ValueError(f"`y` must hold only the labels 0 and 1. "
                         f"Received other values: {wrong.tolist()[:5]}")
    return y


class Perceptron:
    """Rosenblatt's perceptron for labels 0 and 1, trained with :func:`perceptron_update`.

    .. math:: \\hat y = \\operatorname{step}(X W + b)

    The weights start at zero. Each epoch visits every example once and
    applies the learning rule; training stops after the first epoch without a
    mistake, or after ``num_epochs`` epochs. On linearly separable data it
    always stops (Novikoff, 1962); on XOR it never does.

    The estimator follows scikit-learn: hyperparameters are keyword-only and
    only stored by ``__init__`` (they are checked by ``fit``), ``fit`` returns
    the estimator, and what was learned ends in ``_``. ``X`` and ``y`` may be
    arrays or tensors; the computation runs in float64.

    Return types, in both backends: what was learned is NumPy (``W_`` a float64
    array, ``b_`` a float, ``errors_`` a list of ints), so that the two backends'
    runs compare directly; ``predict`` returns an array of the backend, a NumPy
    array from :mod:`mlkit.numpy`, a tensor from :mod:`mlkit.tensorflow`.

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
        >>> model = mk.Perceptron().fit(X, np.array([0, 0, 0, 1]))  # AND
        >>> model
        Perceptron(lr=1.0, num_epochs=100, seed=None)
        >>> model.W_, model.b_, model.errors_
        (array([2., 1.]), -2.0, [1, 3, 3, 2, 1, 0])
        >>> np.asarray(model.predict(X))
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
        X = _check_examples(X)
        y = _check_labels(y, len(X))
        examples, labels = self._examples(X, y)
        W, b = self._zeros(X.shape[1])
        self.errors_ = []
        for _ in range(num_epochs):
            order = range(len(X)) if seed is None else rng.permutation(len(X))
            W, b, num_errors = self._epoch(examples, labels, W, b, order, lr)
            self.errors_.append(num_errors)
            if num_errors == 0:  # every example is right: nothing more to learn
                break
        self.W_, self.b_ = np.asarray(W, dtype=np.float64), float(np.asarray(b))
        self.n_epochs_ = len(self.errors_)
        return self

    def predict(self, X):
        """Predict the label, 0 or 1, of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            int64 labels of shape (n,) holding 0 and 1: an array of the backend.
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This Perceptron is not fitted yet: call `fit(X, y)` before `predict(X)`.")
        return self._predict(_check_examples(X, n_features=len(self.W_)))
