"""Softmax, cross-entropy and the other losses in TensorFlow.

The same names, signatures and results as :mod:`mlkit.numpy.losses`: one loss
value per example, gradients of the batch mean, numerically stable forms
(``tf.nn.log_softmax`` and ``tf.nn.sigmoid_cross_entropy_with_logits`` are
already stable). The gradients are written out by hand here too;
``tf.GradientTape`` is their oracle in the tests. Every function keeps the float
dtype of ``y_pred`` (or ``logits``), pins no device and works eagerly and inside
``tf.function``; inside ``tf.function`` the label checks run as graph assertions.

Taught in the book chapter *Softmax and cross-entropy*.
"""

import numpy as np
import tensorflow as tf

from mlkit._args import check_axis
from mlkit.tensorflow._checks import as_float_tensor

__all__ = [
    "softmax",
    "log_softmax",
    "cross_entropy",
    "sparse_cross_entropy",
    "binary_cross_entropy",
    "mean_squared_error",
    "softmax_cross_entropy_grad",
    "binary_cross_entropy_grad",
    "mean_squared_error_grad",
]

# Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking their log.
EPSILON = 1e-7


def _shape(tensor):
    """The static shape as a tuple (None for unknown sizes), for messages."""
    return tuple(tensor.shape)


def _scores(x, name, axis):
    """``x`` as a float tensor of known rank >= 1 with a non-empty ``axis``."""
    x = as_float_tensor(x, name)
    rank = x.shape.rank
    if rank is None or rank == 0:
        received = "<unknown>" if rank is None else "()"
        raise ValueError(
            f"`{name}` must have at least one dimension, the axis of the classes. "
            f"Received: {name}.shape={received}")
    axis = check_axis(axis, rank)
    if x.shape[axis] == 0:
        raise ValueError(
            f"`{name}` must have at least one class along axis {axis}. "
            f"Received: {name}.shape={_shape(x)}")
    return x, axis


def _without(shape, axis):
    return shape[:axis] + shape[axis + 1:]


def _log_probabilities(y_pred, axis, from_logits):
    """log p along ``axis``: log-softmax of logits, or the log of clipped, normalised p."""
    if from_logits:
        return tf.nn.log_softmax(y_pred, axis=axis)
    p = y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True)
    return tf.math.log(tf.clip_by_value(p, EPSILON, 1.0 - EPSILON))


def softmax(x, axis=-1):
    """Softmax: turns scores (logits) into probabilities that sum to 1 along ``axis``.

    .. math:: \\operatorname{softmax}(x)_i = \\frac{e^{x_i - m}}{\\sum_j e^{x_j - m}},
              \\qquad m = \\max_j x_j

    ``tf.nn.softmax`` subtracts the maximum itself, so it never overflows.

    Args:
        x: scores of any shape with at least one dimension, e.g. (n, k).
        axis: the axis of the classes.

    Returns:
        Tensor of the shape and float dtype of ``x``, summing to 1 along ``axis``.

    Example:
        >>> softmax(tf.constant([2.0, 1.0, 0.1])).numpy()
        array([0.659001 , 0.242433, 0.098566], dtype=float32)
    """
    x, axis = _scores(x, "x", axis)
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of :func:`softmax`, computed with the log-sum-exp trick.

    .. math:: \\log \\operatorname{softmax}(x)_i = x_i - m - \\log \\sum_j e^{x_j - m},
              \\qquad m = \\max_j x_j

    Args:
        x: scores of any shape with at least one dimension.
        axis: the axis of the classes.

    Returns:
        Tensor of the shape and float dtype of ``x``, values at most 0.

    Example:
        >>> log_softmax(tf.constant([1000.0, 0.0])).numpy()
        array([    0., -1000.], dtype=float32)
    """
    x, axis = _scores(x, "x", axis)
    return tf.nn.log_softmax(x, axis=axis)


def cross_entropy(y_true, y_pred, *, from_logits=False, axis=-1):
    """Categorical cross-entropy between one-hot (or soft) labels and predictions.

    .. math:: D(S, L) = -\\sum_i L_i \\log S_i

    With ``from_logits=True``, :math:`\\log S` is the log-softmax of the scores;
    otherwise the probabilities are divided by their sum and clipped to
    [1e-7, 1 - 1e-7], as in ``keras.losses.categorical_crossentropy``.

    Args:
        y_true: labels of the shape of ``y_pred``, e.g. one-hot rows of shape (n, k).
        y_pred: probabilities, or scores if ``from_logits``, e.g. of shape (n, k).
        from_logits: whether ``y_pred`` holds scores (logits) rather than probabilities.
        axis: the axis of the classes.

    Returns:
        The loss of every example: a tensor of the shape of ``y_pred`` without
        ``axis`` (shape (n,) for (n, k) inputs), in the float dtype of ``y_pred``.

    Example:
        >>> y_true = tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> cross_entropy(y_true, tf.constant([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])).numpy()
        array([0.35667497, 0.22314353], dtype=float32)
    """
    y_pred, axis = _scores(y_pred, "y_pred", axis)
    y_true = as_float_tensor(y_true, "y_true")
    if _shape(y_true) == _without(_shape(y_pred), axis):
        raise ValueError(
            f"`y_true` must hold one-hot labels of the shape of `y_pred`, {_shape(y_pred)}. "
            f"Received: y_true.shape={_shape(y_true)}, which looks like integer class labels: "
            "use sparse_cross_entropy for those, or make them one-hot first.")
    if not y_true.shape.is_compatible_with(y_pred.shape):
        raise ValueError(
            f"`y_true` must have the shape of `y_pred` (one-hot labels), {_shape(y_pred)}. "
            f"Received: y_true.shape={_shape(y_true)}, y_pred.shape={_shape(y_pred)}")
    y_true = tf.cast(y_true, y_pred.dtype)
    # 0 - sum rather than -sum: a perfect prediction costs 0.0, not -0.0.
    return 0.0 - tf.reduce_sum(y_true * _log_probabilities(y_pred, axis, from_logits), axis=axis)


def _check_label_values(labels, num_classes):
    """Raise unless all labels lie in [0, num_classes): eagerly a ValueError, else an assert op."""
    message = f"`y_true` must hold class labels in [0, {num_classes}), one per example."
    if tf.executing_eagerly():
        values = labels.numpy()
        outside = (values < 0) | (values >= num_classes)
        if outside.any():
            index = tuple(int(i) for i in np.argwhere(outside)[0])
            where = f"[{', '.join(map(str, index))}]" if index else ""
            raise ValueError(
                f"{message} Received: y_true{where}={values[index].item()!r} "
                f"(y_pred has {num_classes} classes)")
        return labels
    checks = [tf.debugging.assert_non_negative(labels, message=message),
              tf.debugging.assert_less(labels, tf.cast(num_classes, labels.dtype), message=message)]
    with tf.control_dependencies(checks):
        return tf.identity(labels)


def _class_labels(y_true, y_pred, axis):
    """Integer labels of the shape of ``y_pred`` without ``axis``, or a clear error."""
    expected = _without(_shape(y_pred), axis)
    num_classes = y_pred.shape[axis]
    labels = tf.convert_to_tensor(y_true)
    shape = _shape(labels)
    if shape == _shape(y_pred) and num_classes != 1:
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}. "
            f"Received: y_true.shape={shape}, the shape of one-hot labels: use "
            "cross_entropy for those, or turn them into class labels with argmax.")
    if labels.shape.rank == len(expected) + 1 and shape[axis] == 1:  # Keras accepts (n, 1) too
        labels = tf.squeeze(labels, axis=axis)
    if not labels.shape.is_compatible_with(expected):
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}, the shape of "
            f"`y_pred` without its class axis. Received: y_true.shape={shape}, "
            f"y_pred.shape={_shape(y_pred)}")
    if labels.dtype.is_floating:
        whole = tf.reduce_all(tf.equal(labels, tf.round(labels)))
        message = f"`y_true` must hold integer class labels in [0, {num_classes})."
        if tf.executing_eagerly():
            if not bool(whole):
                raise ValueError(f"{message} Received non-integer values: {labels.numpy()}")
        else:
            with tf.control_dependencies([tf.debugging.Assert(whole, [message])]):
                labels = tf.identity(labels)
        labels = tf.cast(labels, tf.int64)
    if not labels.dtype.is_integer:
        raise TypeError(
            f"`y_true` must hold integer class labels in [0, {num_classes}). "
            f"Received: y_true.dtype={labels.dtype.name}")
    labels = tf.cast(labels, tf.int64)  # tf.one_hot takes few integer dtypes
    if num_classes is None:
        raise ValueError(
            "`y_pred` must have a known number of classes along its class axis. "
            f"Received: y_pred.shape={_shape(y_pred)}")
    return _check_label_values(labels, num_classes)


def sparse_cross_entropy(y_true, y_pred, *, from_logits=False, axis=-1):
    """Cross-entropy with integer class labels instead of one-hot rows.

    .. math:: \\ell = -\\log S_{y}

    Labels, probabilities and clipping are as in
    ``keras.losses.sparse_categorical_crossentropy``.

    Args:
        y_true: integer labels in [0, k), of the shape of ``y_pred`` without
            ``axis``: shape (n,) for ``y_pred`` of shape (n, k). Shape (n, 1) is
            accepted too, and floats holding whole numbers.
        y_pred: probabilities, or scores if ``from_logits``, e.g. of shape (n, k).
        from_logits: whether ``y_pred`` holds scores (logits) rather than probabilities.
        axis: the axis of the classes.

    Returns:
        The loss of every example: a tensor of the shape of ``y_pred`` without
        ``axis``, in the float dtype of ``y_pred``.

    Example:
        >>> y_pred = tf.constant([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
        >>> sparse_cross_entropy(tf.constant([0, 1]), y_pred).numpy()
        array([0.35667497, 0.22314353], dtype=float32)
    """
    y_pred, axis = _scores(y_pred, "y_pred", axis)
    labels = _class_labels(y_true, y_pred, axis)
    one_hot = tf.one_hot(labels, depth=y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
    return 0.0 - tf.reduce_sum(one_hot * _log_probabilities(y_pred, axis, from_logits), axis=axis)


def _binary_inputs(y_true, y_pred, name="y_pred"):
    """Float labels and predictions of the same shape, at least one dimension."""
    y_pred = as_float_tensor(y_pred, name)
    y_true = as_float_tensor(y_true, "y_true")
    if y_pred.shape.rank is None or y_pred.shape.rank == 0:
        raise ValueError(
            f"`{name}` must have at least one dimension, e.g. (n, k): the loss is "
            f"averaged over the last one. Received: {name}.shape={y_pred.shape}")
    if not y_true.shape.is_compatible_with(y_pred.shape):
        raise ValueError(
            f"`y_true` must have the shape of `{name}`, {_shape(y_pred)}. "
            f"Received: y_true.shape={_shape(y_true)}, {name}.shape={_shape(y_pred)}")
    return tf.cast(y_true, y_pred.dtype), y_pred


def binary_cross_entropy(y_true, y_pred, *, from_logits=False):
    """Binary (logistic) cross-entropy, averaged over the last axis.

    .. math:: \\ell = -y \\log H - (1 - y) \\log (1 - H)

    with ``H = y_pred`` (clipped to [1e-7, 1 - 1e-7] as Keras does) or
    ``H = sigmoid(y_pred)`` if ``from_logits``, then computed stably by
    ``tf.nn.sigmoid_cross_entropy_with_logits``.

    Args:
        y_true: labels in [0, 1] of the shape of ``y_pred``.
        y_pred: probabilities, or scores if ``from_logits``, of shape (n, k) (or
            any shape with at least one dimension).
        from_logits: whether ``y_pred`` holds scores (logits) rather than probabilities.

    Returns:
        The loss of every example, the mean over the last axis: shape (n,) for
        (n, k) inputs, in the float dtype of ``y_pred``.

    Example:
        >>> binary_cross_entropy(tf.constant([[1.0, 0.0]]), tf.constant([[0.9, 0.2]])).numpy()
        array([0.16425204], dtype=float32)
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    if from_logits:
        elementwise = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = tf.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * tf.math.log(p) + (1.0 - y_true) * tf.math.log(1.0 - p))
    return tf.reduce_mean(elementwise, axis=-1)


def mean_squared_error(y_true, y_pred):
    """Mean squared error, averaged over the last axis.

    .. math:: \\ell = \\frac{1}{k} \\sum_{j=1}^{k} (\\hat y_j - y_j)^2

    Args:
        y_true: targets of the shape of ``y_pred``.
        y_pred: predictions of shape (n, k) (or any shape with at least one dimension).

    Returns:
        The loss of every example: shape (n,) for (n, k) inputs, in the float
        dtype of ``y_pred``.

    Example:
        >>> mean_squared_error(tf.constant([[1.0, 2.0]]), tf.constant([[1.5, 0.0]])).numpy()
        array([2.125], dtype=float32)
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


def _examples(x):
    """The number of examples, size / k, as a scalar of the dtype of ``x``."""
    return tf.cast(tf.size(x) // tf.shape(x)[-1], x.dtype)


def softmax_cross_entropy_grad(y_true, logits):
    """Gradient of the batch mean of ``cross_entropy(y_true, logits, from_logits=True)``.

    .. math:: \\frac{\\partial}{\\partial z_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{p_{ij} - y_{ij}}{n}, \\qquad p = \\operatorname{softmax}(z)

    Args:
        y_true: one-hot (or soft) labels of shape (n, k), each row summing to 1.
        logits: scores of shape (n, k).

    Returns:
        Tensor of shape (n, k) in the float dtype of ``logits``.

    Example:
        >>> softmax_cross_entropy_grad(tf.constant([[1.0, 0.0]]), tf.constant([[0.0, 0.0]])).numpy()
        array([[-0.5,  0.5]], dtype=float32)
    """
    logits = as_float_tensor(logits, "logits")
    if logits.shape.rank != 2 or logits.shape[1] == 0:
        raise ValueError(
            "`logits` must have shape (n, k): one row of k scores per example. "
            f"Received: logits.shape={logits.shape}")
    y_true = as_float_tensor(y_true, "y_true")
    if not y_true.shape.is_compatible_with(logits.shape):
        hint = (" For integer class labels y, pass the one-hot labels tf.one_hot(y, k)."
                if y_true.shape.rank == 1 else "")
        raise ValueError(
            f"`y_true` must hold one-hot labels of shape (n, k) = {_shape(logits)}, like "
            f"`logits`. Received: y_true.shape={_shape(y_true)}.{hint}")
    return (tf.nn.softmax(logits) - tf.cast(y_true, logits.dtype)) / _examples(logits)


def binary_cross_entropy_grad(y_true, logits):
    """Gradient of the batch mean of ``binary_cross_entropy(y_true, logits, from_logits=True)``.

    .. math:: \\frac{\\partial}{\\partial z_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{\\sigma(z_{ij}) - y_{ij}}{n k}

    Args:
        y_true: labels in [0, 1] of shape (n, k).
        logits: scores of shape (n, k) (or any shape with at least one dimension).

    Returns:
        Tensor of the shape and float dtype of ``logits``.

    Example:
        >>> binary_cross_entropy_grad(tf.constant([[1.0, 0.0]]), tf.constant([[0.0, 0.0]])).numpy()
        array([[-0.25,  0.25]], dtype=float32)
    """
    y_true, logits = _binary_inputs(y_true, logits, name="logits")
    return (tf.math.sigmoid(logits) - y_true) / tf.cast(tf.size(logits), logits.dtype)


def mean_squared_error_grad(y_true, y_pred):
    """Gradient of the batch mean of ``mean_squared_error(y_true, y_pred)`` with respect to y_pred.

    .. math:: \\frac{\\partial}{\\partial \\hat y_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{2 (\\hat y_{ij} - y_{ij})}{n k}

    Args:
        y_true: targets of shape (n, k).
        y_pred: predictions of shape (n, k) (or any shape with at least one dimension).

    Returns:
        Tensor of the shape and float dtype of ``y_pred``.

    Example:
        >>> mean_squared_error_grad(tf.constant([[1.0, 2.0]]), tf.constant([[1.5, 0.0]])).numpy()
        array([[ 0.5, -2. ]], dtype=float32)
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / tf.cast(tf.size(y_pred), y_pred.dtype)
