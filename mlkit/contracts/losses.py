"""Softmax, cross-entropy and the other losses: the contract both backends fulfil.

Every loss returns one value per example (the shape of the labels without the
class axis), like Keras's loss functions; training minimises their mean over
the batch, and the ``*_grad`` functions return the gradient of that batch mean.
The kernels are numerically stable: softmax is max-shifted, cross-entropy from
logits goes through log-softmax (log-sum-exp), and binary cross-entropy from
logits is :math:`\\max(z, 0) - z y + \\log(1 + e^{-|z|})`. Float inputs keep
their dtype (the result takes the dtype of ``y_pred`` or ``logits``). Inside a
``tf.function`` the TensorFlow backend checks the label values with graph
assertions (their values are not known when the function is traced).

Taught in the book chapter *Softmax and cross-entropy*.
"""

import numpy as np

from mlkit._args import check_axis, shape_fits

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


def _scores(backend, x, name, axis):
    """``x`` as a float array with at least one dimension and a non-empty ``axis``."""
    x = backend.as_float(x, name)
    shape = backend.shape(x)
    if not shape:
        raise ValueError(
            f"`{name}` must have at least one dimension, the axis of the classes. "
            f"Received: {name}.shape={'<unknown>' if shape is None else ()}")
    axis = check_axis(axis, len(shape))
    if shape[axis] == 0:
        raise ValueError(f"`{name}` must have at least one class along axis {axis}. "
                         f"Received: {name}.shape={shape}")
    return x, axis


def _without(shape, axis):
    return shape[:axis] + shape[axis + 1:]


def _element(name, values, index):
    """``name[i, j]=value`` for a message, or ``name=value`` for a 0-d array."""
    where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
    return f"{name}{where}={values[index].item()!r}"


def _first(mask):
    """The index of the first True of a NumPy boolean array, as a tuple."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _class_labels(backend, y_true, y_pred, axis):
    """Integer labels of the shape of ``y_pred`` without ``axis``, or a clear error."""
    pred_shape = backend.shape(y_pred)
    expected, num_classes = _without(pred_shape, axis), pred_shape[axis]
    labels = backend.as_array(y_true)
    shape = backend.shape(labels)
    if shape == pred_shape and num_classes != 1:
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}. "
            f"Received: y_true.shape={shape}, the shape of one-hot labels: use "
            "cross_entropy for those, or turn them into class labels with argmax.")
    if shape is not None and len(shape) == len(pred_shape) and shape[axis] == 1:
        labels = backend.squeeze(labels, axis)  # Keras accepts (n, 1) too
    if not shape_fits(backend.shape(labels), expected):
        raise ValueError(
            f"`y_true` must hold integer class labels of shape {expected}, the shape of "
            f"`y_pred` without its class axis. Received: y_true.shape={shape}, "
            f"y_pred.shape={pred_shape}")
    kind = backend.dtype_kind(labels)
    if kind not in "fi":
        raise TypeError(f"`y_true` must hold integer class labels in [0, {num_classes}). "
                        f"Received: y_true.dtype={backend.dtype_name(labels)}")
    if num_classes is None:
        raise ValueError("`y_pred` must have a known number of classes along its class axis. "
                         f"Received: y_pred.shape={pred_shape}")
    values = backend.values(labels)
    if values is None:  # a tensor being traced: the backend checks the values when it runs
        return backend.checked_labels(labels, num_classes)
    if kind == "f":
        fractional = values != values.round()  # NaN counts as fractional too
        if fractional.any():
            raise ValueError(
                f"`y_true` must hold integer class labels in [0, {num_classes}). "
                f"Received: {_element('y_true', values, _first(fractional))}")
    outside = (values < 0) | (values >= num_classes)
    if outside.any():
        raise ValueError(
            f"`y_true` must hold class labels in [0, {num_classes}), one per example. "
            f"Received: {_element('y_true', values, _first(outside))} "
            f"(y_pred has {num_classes} classes along axis {axis})")
    return backend.as_int64(labels)


def _binary_inputs(backend, y_true, y_pred, name="y_pred"):
    """Float labels and predictions of the same shape, at least one dimension."""
    y_pred = backend.as_float(y_pred, name)
    y_true = backend.as_float(y_true, "y_true")
    pred_shape = backend.shape(y_pred)
    if not pred_shape:
        raise ValueError(
            f"`{name}` must have at least one dimension, e.g. (n, k): the loss is averaged "
            f"over the last one. Received: {name}.shape={pred_shape}")
    if not shape_fits(backend.shape(y_true), pred_shape):
        raise ValueError(
            f"`y_true` must have the shape of `{name}`, {pred_shape}. "
            f"Received: y_true.shape={backend.shape(y_true)}, {name}.shape={pred_shape}")
    return backend.cast(y_true, y_pred.dtype), y_pred


def softmax(backend, kernel):
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
            The shape and float dtype of ``x``, values in [0, 1], summing to 1
            along ``axis``.

        Example:
            >>> np.asarray(mk.softmax(np.array([2.0, 1.0, 0.1])))
            array([0.65900114, 0.24243297, 0.09856589])
        """
        x, axis = _scores(backend, x, "x", axis)
        return backend.output(kernel(x, axis), x.dtype)

    return softmax


def log_softmax(backend, kernel):
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
            The shape and float dtype of ``x``, values at most 0.

        Example:
            >>> np.asarray(mk.log_softmax(np.array([1000.0, 0.0])))
            array([    0., -1000.])
        """
        x, axis = _scores(backend, x, "x", axis)
        return backend.output(kernel(x, axis), x.dtype)

    return log_softmax


def cross_entropy(backend, kernel):
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
            The loss of every example: the shape of ``y_pred`` without ``axis``
            (shape (n,) for (n, k) inputs), in the float dtype of ``y_pred``.

        Example:
            >>> y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
            >>> y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
            >>> np.asarray(mk.cross_entropy(y_true, y_pred))
            array([0.35667494, 0.22314355])
        """
        y_pred, axis = _scores(backend, y_pred, "y_pred", axis)
        y_true = backend.as_float(y_true, "y_true")
        pred_shape, true_shape = backend.shape(y_pred), backend.shape(y_true)
        if true_shape == _without(pred_shape, axis):
            raise ValueError(
                f"`y_true` must hold one-hot labels of the shape of `y_pred`, {pred_shape}. "
                f"Received: y_true.shape={true_shape}, which looks like integer class labels: "
                "use sparse_cross_entropy for those, or make them one-hot first.")
        if not shape_fits(true_shape, pred_shape):
            raise ValueError(
                f"`y_true` must have the shape of `y_pred` (one-hot labels), {pred_shape}. "
                f"Received: y_true.shape={true_shape}, y_pred.shape={pred_shape}")
        y_true = backend.cast(y_true, y_pred.dtype)
        return backend.output(kernel(y_true, y_pred, bool(from_logits), axis), y_pred.dtype)

    return cross_entropy


def sparse_cross_entropy(backend, kernel):
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
            The loss of every example: the shape of ``y_pred`` without ``axis``, in
            the float dtype of ``y_pred``.

        Example:
            >>> y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
            >>> np.asarray(mk.sparse_cross_entropy(np.array([0, 1]), y_pred))
            array([0.35667494, 0.22314355])
        """
        y_pred, axis = _scores(backend, y_pred, "y_pred", axis)
        labels = _class_labels(backend, y_true, y_pred, axis)
        return backend.output(kernel(labels, y_pred, bool(from_logits), axis), y_pred.dtype)

    return sparse_cross_entropy


def binary_cross_entropy(backend, kernel):
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
            >>> np.asarray(mk.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]])))
            array([0.16425203])
        """
        y_true, y_pred = _binary_inputs(backend, y_true, y_pred)
        return backend.output(kernel(y_true, y_pred, bool(from_logits)), y_pred.dtype)

    return binary_cross_entropy


def mean_squared_error(backend, kernel):
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
            >>> np.asarray(mk.mean_squared_error(np.array([[1.0, 2.0]]), np.array([[1.5, 0.0]])))
            array([2.125])
        """
        y_true, y_pred = _binary_inputs(backend, y_true, y_pred)
        return backend.output(kernel(y_true, y_pred), y_pred.dtype)

    return mean_squared_error


def softmax_cross_entropy_grad(backend, kernel):
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
            Shape (n, k), in the float dtype of ``logits``.

        Example:
            >>> y_true, logits = np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])
            >>> np.asarray(mk.softmax_cross_entropy_grad(y_true, logits))
            array([[-0.5,  0.5]])
        """
        logits = backend.as_float(logits, "logits")
        shape = backend.shape(logits)
        if shape is None or len(shape) != 2 or shape[1] == 0:
            raise ValueError("`logits` must have shape (n, k): one row of k scores per example. "
                             f"Received: logits.shape={shape}")
        y_true = backend.as_float(y_true, "y_true")
        true_shape = backend.shape(y_true)
        if not shape_fits(true_shape, shape):
            hint = (" For integer class labels y, pass the one-hot labels, np.eye(k)[y] or "
                    "tf.one_hot(y, k)." if true_shape is not None and len(true_shape) == 1
                    else "")
            raise ValueError(
                f"`y_true` must hold one-hot labels of shape (n, k) = {shape}, like "
                f"`logits`. Received: y_true.shape={true_shape}.{hint}")
        return kernel(backend.cast(y_true, logits.dtype), logits)

    return softmax_cross_entropy_grad


def binary_cross_entropy_grad(backend, kernel):
    def binary_cross_entropy_grad(y_true, logits):
        """Gradient of the batch mean of ``binary_cross_entropy(y_true, logits, from_logits=True)``.

        .. math:: \\frac{\\partial}{\\partial z_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
                  = \\frac{\\sigma(z_{ij}) - y_{ij}}{n k}

        (each example's loss is a mean over its k outputs, the batch loss a mean
        over n examples).

        Args:
            y_true: labels in [0, 1] of shape (n, k).
            logits: scores of shape (n, k) (or any shape with at least one dimension).

        Returns:
            The shape and float dtype of ``logits``.

        Example:
            >>> y_true, logits = np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])
            >>> np.asarray(mk.binary_cross_entropy_grad(y_true, logits))
            array([[-0.25,  0.25]])
        """
        y_true, logits = _binary_inputs(backend, y_true, logits, name="logits")
        return kernel(y_true, logits)

    return binary_cross_entropy_grad


def mean_squared_error_grad(backend, kernel):
    def mean_squared_error_grad(y_true, y_pred):
        """Gradient, with respect to ``y_pred``, of the batch mean of :func:`mean_squared_error`.

        .. math:: \\frac{\\partial}{\\partial \\hat y_{ij}} \\frac{1}{n} \\sum_{e=1}^{n} \\ell_e
                  = \\frac{2 (\\hat y_{ij} - y_{ij})}{n k}

        Args:
            y_true: targets of shape (n, k).
            y_pred: predictions of shape (n, k) (or any shape with at least one dimension).

        Returns:
            The shape and float dtype of ``y_pred``.

        Example:
            >>> y_true, y_pred = np.array([[1.0, 2.0]]), np.array([[1.5, 0.0]])
            >>> np.asarray(mk.mean_squared_error_grad(y_true, y_pred))
            array([[ 0.5, -2. ]])
        """
        y_true, y_pred = _binary_inputs(backend, y_true, y_pred)
        return kernel(y_true, y_pred)

    return mean_squared_error_grad
