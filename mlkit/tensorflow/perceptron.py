"""Rosenblatt's perceptron (1958) in TensorFlow.

The same names, signatures and results as :mod:`mlkit.numpy.perceptron`:
:func:`perceptron_update` works on tensors (eagerly and inside ``tf.function``)
and keeps their dtype; :class:`Perceptron` keeps its weights in ``tf.Variable``
objects and updates them one example at a time, as Rosenblatt's rule does. That
is not fast, and is not meant to be: it is the same computation as the NumPy
version, step for step, so that for the same ``seed`` both learn the same
weights and make the same mistakes.

Taught in the book chapter *The perceptron*.
"""

import contextlib
import numbers

import numpy as np
import tensorflow as tf

from mlkit._args import check_lr, check_positive_int, check_real, check_seed
from mlkit.tensorflow._checks import as_float_tensor

__all__ = ["perceptron_update", "Perceptron"]


def _as_float(value, dtype, name):
    """``value`` as a tensor of the float ``dtype``, with clear errors for what is not a number.

    Python numbers and lists are read in ``dtype`` directly: going through
    TensorFlow's default float32 first would round 0.1 before it became float64.
    """
    if isinstance(value, (numbers.Number, list, tuple)) and not isinstance(value, bool):
        with contextlib.suppress(TypeError, ValueError):  # as_float_tensor says what is wrong
            value = tf.convert_to_tensor(value, dtype_hint=dtype)
    return tf.cast(as_float_tensor(value, name), dtype)


def _as_examples(X, n_features=None):
    """``X`` as a float64 tensor of shape (n, n_features), finite, with at least one row."""
    X = _as_float(X, tf.float64, "X")
    shape = tuple(X.shape)
    if len(shape) != 2:
        raise ValueError(
            f"`X` must be a 2-D array of shape (n, n_features), one example per row. "
            f"Received: X.shape={shape}"
        )
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(
            f"`X` must hold at least one example and one feature. Received: X.shape={shape}"
        )
    if n_features is not None and shape[1] != n_features:
        raise ValueError(
            f"`X` must have {n_features} features (columns), as the data given to `fit`. "
            f"Received: X.shape={shape}"
        )
    if not bool(tf.reduce_all(tf.math.is_finite(X))):
        raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
    return X


def _as_labels(y, n):
    """``y`` as a float64 tensor of shape (n,) holding only 0.0 and 1.0."""
    y = _as_float(y, tf.float64, "y")
    if tuple(y.shape) != (n,):
        raise ValueError(
            f"`y` must have shape (n,) = ({n},), one label per row of `X`. "
            f"Received: y.shape={tuple(y.shape)}"
        )
    wrong = tf.boolean_mask(y, (y != 0.0) & (y != 1.0))
    if tf.size(wrong) > 0:
        wrong = np.unique(wrong.numpy())
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
    else 0. The function is pure: a ``tf.Variable`` passed as ``w`` is not
    assigned to; the caller assigns the result.

    Args:
        w: weights of shape (n_features,): a tensor, variable or array.
        b: bias, a number or a scalar tensor.
        x: one example of shape (n_features,).
        y: its label, 0 or 1 (a number or a scalar tensor).
        lr: learning rate :math:`\\eta`, a positive number.

    Returns:
        ``(w_new, b_new)``: tensors of shape (n_features,) and (), in the float
        dtype of ``w`` (float32 for integer ``w``).

    Example:
        >>> w_new, b_new = perceptron_update(tf.zeros(2), 0.0, tf.constant([1.0, 1.0]), 1)
        >>> w_new.numpy(), b_new.numpy()
        (array([1., 1.], dtype=float32), np.float32(1.0))
    """
    w = as_float_tensor(w, "w")
    x = _as_float(x, w.dtype, "x")
    if w.shape.rank != 1 or not w.shape.is_compatible_with(x.shape):
        raise ValueError(
            f"`w` and `x` must both have shape (n_features,). "
            f"Received: w.shape={tuple(w.shape)}, x.shape={tuple(x.shape)}"
        )
    if isinstance(b, numbers.Number):
        b = check_real(b, "b")
    b = _as_float(b, w.dtype, "b")
    label = y
    y = _as_float(y, w.dtype, "y")
    value = tf.get_static_value(y)
    if y.shape.rank != 0 or (value is not None and value not in (0, 1)):
        raise ValueError(f"`y` must be the label 0 or 1. Received: y={label!r}")
    lr = tf.constant(check_lr(lr), w.dtype)
    y_hat = tf.cast(tf.tensordot(x, w, 1) + b > 0, w.dtype)
    error = y - y_hat  # 0 when right, +1 for a missed positive, -1 for a false alarm
    return w + lr * error * x, b + lr * error


class Perceptron:
    """Rosenblatt's perceptron for labels 0 and 1, with ``tf.Variable`` weights.

    .. math:: \\hat y = \\operatorname{step}(X W + b)

    The same estimator as :class:`mlkit.numpy.Perceptron`, computed with
    TensorFlow operations: zero initial weights, one update per mistake,
    training stops after the first epoch without a mistake. ``X`` and ``y``
    may be NumPy arrays or tensors. The computation runs in float64; what was
    learned is returned as NumPy values (``W_`` an array, ``b_`` a float) and
    ``predict`` returns a NumPy array, exactly as in the NumPy backend, so the
    two estimators can replace each other. For the same ``seed`` (a NumPy
    generator shuffles the examples in both) they give the same ``W_``, ``b_``
    and ``errors_``.

    Args:
        lr: learning rate :math:`\\eta`, a positive number (with zero initial
            weights it only scales ``W_`` and ``b_``).
        num_epochs: the largest number of passes over the data, a positive integer.
        seed: ``None`` to visit the examples in the order of the rows of ``X``,
            or an integer: the examples are then shuffled, anew each epoch, with
            ``np.random.default_rng(seed)``. It controls nothing else.

    Attributes:
        W_: learned weights, float64 NumPy array of shape (n_features,).
        b_: learned bias, a float.
        errors_: list of ints, the number of mistakes (that is, of updates) in each epoch.
        n_epochs_: the number of epochs run, ``len(errors_)``.

    Example:
        >>> X = tf.constant([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> model = Perceptron().fit(X, tf.constant([0, 0, 0, 1]))  # AND
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
            X: inputs of shape (n, n_features), an array or a tensor.
            y: labels of shape (n,), each 0 or 1, an array or a tensor.

        Returns:
            The estimator itself, fitted.
        """
        lr = check_lr(self.lr)
        num_epochs = check_positive_int(self.num_epochs, "num_epochs")
        seed = check_seed(self.seed)
        rng = np.random.default_rng(seed)
        X = _as_examples(X)
        n, n_features = X.shape
        y = _as_labels(y, n)
        examples, labels = tf.unstack(X), tf.unstack(y)
        W = tf.Variable(tf.zeros([n_features], tf.float64), name="W")
        b = tf.Variable(tf.constant(0.0, tf.float64), name="b")
        self.errors_ = []
        for _ in range(num_epochs):
            order = range(n) if seed is None else rng.permutation(n)
            num_errors = 0
            for i in order:
                y_hat = tf.cast(tf.tensordot(examples[i], W, 1) + b > 0, tf.float64)
                if bool(y_hat != labels[i]):  # only a mistake changes the weights
                    W_new, b_new = perceptron_update(W, b, examples[i], labels[i], lr)
                    W.assign(W_new)
                    b.assign(b_new)
                    num_errors += 1
            self.errors_.append(num_errors)
            if num_errors == 0:  # every example is right: nothing more to learn
                break
        self.W_, self.b_, self.n_epochs_ = W.numpy(), float(b.numpy()), len(self.errors_)
        return self

    def predict(self, X):
        """Predict the label, 0 or 1, of each row of ``X``.

        Args:
            X: inputs of shape (n, n_features), an array or a tensor.

        Returns:
            int64 NumPy array of shape (n,) holding 0 and 1 (as in the NumPy backend).
        """
        if not hasattr(self, "W_"):
            raise RuntimeError(
                "This Perceptron is not fitted yet: call `fit(X, y)` before `predict(X)`."
            )
        X = _as_examples(X, n_features=len(self.W_))
        z = tf.linalg.matvec(X, tf.constant(self.W_)) + self.b_
        return tf.cast(z > 0, tf.int64).numpy()
