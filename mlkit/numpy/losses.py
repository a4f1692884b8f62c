"""Softmax, cross-entropy and the other losses, NumPy reference implementations.

Every loss returns one value per example (the shape of the labels without the
class axis), like Keras's loss functions; training minimises their mean over
the batch, and the ``*_grad`` functions return the gradient of that batch mean.
Everything is numerically stable: softmax is max-shifted, cross-entropy from
logits goes through log-softmax (log-sum-exp), and binary cross-entropy from
logits uses :math:`\\max(z, 0) - z y + \\log(1 + e^{-|z|})`. Float inputs keep
their dtype (the result takes the dtype of ``y_pred`` or ``logits``).

Taught in the book chapter *Softmax and cross-entropy*.
"""

import numpy as np

from mlkit._args import check_axis
from mlkit.numpy._checks import as_float_array
from mlkit.numpy.activations import sigmoid

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


def _scores(x, name, axis):
    """``x`` as a float array with at least one dimension and a non-empty ``axis``."""
    x = as_float_array(x, name)
    if x.ndim == 0:
        raise ValueError(
            f"`{name}` must have at least one dimension, the axis of the classes. "
            f"Received: {name}.shape=()")
    axis = check_axis(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError(
            f"`{name}` must have at least one class along axis {axis}. "
            f"Received: {name}.shape={x.shape}")
    return x, axis


def _same_shape(y_true, y_pred, expected="the shape of `y_pred`"):
    """Raise unless the labels and predictions have the same shape."""
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"`y_true` must have {expected}, {y_pred.shape}. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}")


def _log_probabilities(y_pred, axis, from_logits):
    """log p along ``axis``: log-softmax of logits, or the log of clipped, normalised p."""
    if from_logits:
        return log_softmax(y_pred, axis=axis)
    p = y_pred / np.sum(y_pred, axis=axis, keepdims=True)
    return np.log(np.clip(p, EPSILON, 1.0 - EPSILON))


def softmax(x, axis=-1):
    """Softmax: turns scores (logits) into probabilities that sum to 1 along ``axis``.

    .. math:: \\operatorname{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}
              = \\frac{e^{x_i - m}}{\\sum_j e^{x_j - m}}, \\qquad m = \\max_j x_j

    Subtracting the maximum changes nothing mathematically but keeps every
    exponent at most 0, so ``exp`` cannot overflow: ``softmax([1000, 0])`` is
    ``[1, 0]``, not ``nan``.

    Args:
        x: scores of any shape with at least one dimension, e.g. (n, k) for n
            examples and k classes.
        axis: the axis of the classes.

    Returns:
        Array of the shape and float dtype of ``x``, values in [0, 1], summing to
        1 along ``axis``.

    Example:
        >>> softmax(np.array([2.0, 1.0, 0.1]))
        array([0.65900114, 0.24243297, 0.09856589])
    """
    x, axis = _scores(x, "x", axis)
    exp_shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return exp_shifted / np.sum(exp_shifted, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """Logarithm of :func:`softmax`, computed with the log-sum-exp trick.

    .. math:: \\log \\operatorname{softmax}(x)_i = x_i - m - \\log \\sum_j e^{x_j - m},
              \\qquad m = \\max_j x_j

    Taking the log of :func:`softmax` instead would give ``log(0) = -inf`` as
    soon as a probability underflows to 0; this form stays finite.

    Args:
        x: scores of any shape with at least one dimension.
        axis: the axis of the classes.

    Returns:
        Array of the shape and float dtype of ``x``, values at most 0.

    Example:
        >>> log_softmax(np.array([1000.0, 0.0]))
        array([    0., -1000.])
    """
    x, axis = _scores(x, "x", axis)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def cross_entropy(y_true, y_pred, *, from_logits=False, axis=-1):
    """Categorical cross-entropy between one-hot (or soft) labels and predictions.

    .. math:: D(S, L) = -\\sum_i L_i \\log S_i

    with ``L = y_true`` and ``S`` the predicted probabilities. With
    ``from_logits=True``, ``y_pred`` holds scores and :math:`\\log S` is their
    :func:`log_softmax`, which is exact and stable. Otherwise ``y_pred`` holds
    probabilities; as in ``keras.losses.categorical_crossentropy`` they are
    divided by their sum and clipped to [1e-7, 1 - 1e-7], so that a predicted 0
    costs :math:`-\\log 10^{-7} \\approx 16.1` rather than infinity.

    Args:
        y_true: labels of the shape of ``y_pred``, e.g. one-hot rows of shape (n, k).
        y_pred: probabilities, or scores if ``from_logits``, e.g. of shape (n, k).
        from_logits: whether ``y_pred`` holds scores (logits) rather than probabilities.
        axis: the axis of the classes.

    Returns:
        The loss of every example: an array of the shape of ``y_pred`` without
        ``axis`` (shape (n,) for (n, k) inputs), in the float dtype of ``y_pred``.

    Example:
        >>> y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> cross_entropy(y_true, np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]))
        array([0.35667494, 0.22314355])
    """
    y_pred, axis = _scores(y_pred, "y_pred", axis)
    y_true = as_float_array(y_true, "y_true")
    if y_true.shape == y_pred.shape[:axis] + y_pred.shape[axis + 1:]:
        raise ValueError(
            f"`y_true` must hold one-hot labels of the shape of `y_pred`, {y_pred.shape}. "
            f"Received: y_true.shape={y_true.shape}, which looks like integer class labels: "
            "use sparse_cross_entropy for those, or make them one-hot first.")
    _same_shape(y_true, y_pred, "the shape of `y_pred` (one-hot labels)")
    y_true = y_true.astype(y_pred.dtype, copy=False)
    # 0 - sum rather than -sum: a perfect prediction costs 0.0, not -0.0.
    return (0.0 - np.sum(y_true * _log_probabilities(y_pred, axis, from_logits), axis=axis))[()]


def _element(name, array, index):
    """``name[i, j]=value`` for a message, or ``name=value`` for a 0-d array."""
    where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
    return f"{name}{where}={array[index].item()!r}"


def _class_labels(y_true, y_pred, axis):
    """Integer labels of the shape of ``y_pred`` without ``axis``, or a clear error."""
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1:]
    num_classes = y_pred.shape[axis]
    labels = np.asarray(y_true)
    if labels.shape == y_pred.shape and num_classes > 1:
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}. "
            f"Received: y_true.shape={labels.shape}, the shape of one-hot labels: use "
            "cross_entropy for those, or turn them into class labels with argmax.")
    if labels.shape == (*expected[:axis], 1, *expected[axis:]):  # Keras accepts (n, 1) too
        labels = np.squeeze(labels, axis=axis)
    if labels.shape != expected:
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}, the shape of "
            f"`y_pred` without its class axis. Received: y_true.shape={labels.shape}, "
            f"y_pred.shape={y_pred.shape}")
    if labels.dtype.kind == "f":
        fractional = labels != np.round(labels)  # NaN counts as fractional too
        if fractional.any():
            index = tuple(np.argwhere(fractional)[0])
            raise ValueError(
                f"`y_true` must hold integer class labels in [0, {num_classes}). "
                f"Received: {_element('y_true', labels, index)}")
        labels = labels.astype(np.int64)  # whole numbers stored as floats
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"`y_true` must hold integer class labels in [0, {num_classes}). "
            f"Received: y_true.dtype={labels.dtype}")
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        index = tuple(np.argwhere(outside)[0])
        raise ValueError(
            f"`y_true` must hold class labels in [0, {num_classes}), one per example. "
            f"Received: {_element('y_true', labels, index)} "
            f"(y_pred has {num_classes} classes along axis {axis})")
    return labels


def sparse_cross_entropy(y_true, y_pred, *, from_logits=False, axis=-1):
    """Cross-entropy with integer class labels instead of one-hot rows.

    .. math:: \\ell = -\\log S_{y}

    the log of the probability given to the right class ``y``: the same value
    as :func:`cross_entropy` with the one-hot form of ``y``, without building it.
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
        The loss of every example: an array of the shape of ``y_pred`` without
        ``axis``, in the float dtype of ``y_pred``.

    Example:
        >>> sparse_cross_entropy(np.array([0, 1]), np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]))
        array([0.35667494, 0.22314355])
    """
    y_pred, axis = _scores(y_pred, "y_pred", axis)
    labels = _class_labels(y_true, y_pred, axis)
    log_p = _log_probabilities(y_pred, axis, from_logits)
    picked = np.take_along_axis(log_p, np.expand_dims(labels, axis), axis=axis)
    return (0.0 - np.squeeze(picked, axis=axis))[()]


def _binary_inputs(y_true, y_pred, name="y_pred"):
    """Float labels and predictions of the same shape, at least one dimension."""
    y_pred = as_float_array(y_pred, name)
    y_true = as_float_array(y_true, "y_true")
    if y_pred.ndim == 0:
        raise ValueError(
            f"`{name}` must have at least one dimension, e.g. (n, k): the loss is "
            f"averaged over the last one. Received: {name}.shape=()")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"`y_true` must have the shape of `{name}`, {y_pred.shape}. "
            f"Received: y_true.shape={y_true.shape}, {name}.shape={y_pred.shape}")
    return y_true.astype(y_pred.dtype, copy=False), y_pred


def binary_cross_entropy(y_true, y_pred, *, from_logits=False):
    """Binary (logistic) cross-entropy, averaged over the last axis.

    .. math:: \\ell = -y \\log H - (1 - y) \\log (1 - H)

    for every output, with ``H = y_pred`` (clipped to [1e-7, 1 - 1e-7] as Keras
    does) or ``H = sigmoid(y_pred)`` if ``from_logits``. From logits ``z`` it is
    computed in the stable form :math:`\\max(z, 0) - z y + \\log(1 + e^{-|z|})`,
    which never takes the log of 0. Each output is its own yes/no question
    (multi-label), unlike the one-of-k choice of :func:`cross_entropy`.

    Args:
        y_true: labels in [0, 1] of the shape of ``y_pred``.
        y_pred: probabilities, or scores if ``from_logits``, of shape (n, k) (or
            any shape with at least one dimension).
        from_logits: whether ``y_pred`` holds scores (logits) rather than probabilities.

    Returns:
        The loss of every example, the mean over the last axis: shape (n,) for
        (n, k) inputs, in the float dtype of ``y_pred``.

    Example:
        >>> binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]]))
        array([0.16425203])
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    if from_logits:
        z = y_pred
        elementwise = np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return np.mean(elementwise, axis=-1)[()]


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
        >>> mean_squared_error(np.array([[1.0, 2.0]]), np.array([[1.5, 0.0]]))
        array([2.125])
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    return np.mean((y_pred - y_true) ** 2, axis=-1)[()]


def softmax_cross_entropy_grad(y_true, logits):
    """Gradient of the batch mean of ``cross_entropy(y_true, logits, from_logits=True)``.

    .. math:: \\frac{\\partial}{\\partial z_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{p_{ij} - y_{ij}}{n}, \\qquad p = \\operatorname{softmax}(z)

    Softmax and cross-entropy together have this simple gradient: predicted
    minus true probabilities, divided by the number of examples.

    Args:
        y_true: one-hot (or soft) labels of shape (n, k), each row summing to 1.
        logits: scores of shape (n, k).

    Returns:
        Array of shape (n, k) in the float dtype of ``logits``.

    Example:
        >>> softmax_cross_entropy_grad(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
        array([[-0.5,  0.5]])
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2 or logits.shape[1] == 0:
        raise ValueError(
            "`logits` must have shape (n, k): one row of k scores per example. "
            f"Received: logits.shape={logits.shape}")
    y_true = as_float_array(y_true, "y_true")
    if y_true.shape != logits.shape:
        hint = (" For integer class labels y, pass the one-hot labels np.eye(k)[y]."
                if y_true.shape == logits.shape[:1] else "")
        raise ValueError(
            f"`y_true` must hold one-hot labels of shape (n, k) = {logits.shape}, like "
            f"`logits`. Received: y_true.shape={y_true.shape}.{hint}")
    return (softmax(logits) - y_true.astype(logits.dtype, copy=False)) / logits.shape[0]


def binary_cross_entropy_grad(y_true, logits):
    """Gradient of the batch mean of ``binary_cross_entropy(y_true, logits, from_logits=True)``.

    .. math:: \\frac{\\partial}{\\partial z_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{\\sigma(z_{ij}) - y_{ij}}{n k}

    (each example's loss is a mean over its k outputs, the batch loss a mean over n examples).

    Args:
        y_true: labels in [0, 1] of shape (n, k).
        logits: scores of shape (n, k) (or any shape with at least one dimension).

    Returns:
        Array of the shape and float dtype of ``logits``.

    Example:
        >>> binary_cross_entropy_grad(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
        array([[-0.25,  0.25]])
    """
    y_true, logits = _binary_inputs(y_true, logits, name="logits")
    return (sigmoid(logits) - y_true) / logits.size


def mean_squared_error_grad(y_true, y_pred):
    """Gradient of the batch mean of ``mean_squared_error(y_true, y_pred)`` with respect to y_pred.

    .. math:: \\frac{\\partial}{\\partial \\hat y_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
              = \\frac{2 (\\hat y_{ij} - y_{ij})}{n k}

    Args:
        y_true: targets of shape (n, k).
        y_pred: predictions of shape (n, k) (or any shape with at least one dimension).

    Returns:
        Array of the shape and float dtype of ``y_pred``.

    Example:
        >>> mean_squared_error_grad(np.array([[1.0, 2.0]]), np.array([[1.5, 0.0]]))
        array([[ 0.5, -2. ]])
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.size
