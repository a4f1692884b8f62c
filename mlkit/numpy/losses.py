"""Softmax, cross-entropy and the other losses: the NumPy kernels.

Each function is the plain mathematics on arrays already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.losses``.

Taught in the book chapter *Softmax and cross-entropy*.
"""

import numpy as np

from mlkit._contract import implements
from mlkit.contracts import losses as contract
from mlkit.contracts.losses import EPSILON
from mlkit.numpy import _checks as backend
from mlkit.numpy.activations import sigmoid


@implements(contract.softmax, backend)
def softmax(x, axis):
    exp_shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return exp_shifted / exp_shifted.sum(axis=axis, keepdims=True)


@implements(contract.log_softmax, backend)
def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _log_p(y_pred, axis, from_logits):
    if from_logits:
        return log_softmax.kernel(y_pred, axis)
    # probabilities: normalised, and clipped away from 0 and 1 as Keras does
    return np.log(np.clip(y_pred / y_pred.sum(axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON))


@implements(contract.cross_entropy, backend)
def cross_entropy(y_true, y_pred, from_logits, axis):
    # 0 - sum rather than -sum: a perfect prediction costs 0.0, not -0.0
    return 0.0 - (y_true * _log_p(y_pred, axis, from_logits)).sum(axis=axis)


@implements(contract.sparse_cross_entropy, backend)
def sparse_cross_entropy(labels, y_pred, from_logits, axis):
    log_p = _log_p(y_pred, axis, from_logits)
    picked = np.take_along_axis(log_p, np.expand_dims(labels, axis), axis=axis)
    return 0.0 - np.squeeze(picked, axis=axis)


@implements(contract.binary_cross_entropy, backend)
def binary_cross_entropy(y_true, y_pred, from_logits):
    if from_logits:
        z = y_pred
        elementwise = np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return elementwise.mean(axis=-1)


@implements(contract.mean_squared_error, backend)
def mean_squared_error(y_true, y_pred):
    return ((y_pred - y_true) ** 2).mean(axis=-1)


@implements(contract.softmax_cross_entropy_grad, backend)
def softmax_cross_entropy_grad(y_true, logits):
    n = logits.shape[0]
    return (softmax.kernel(logits, -1) - y_true) / n


@implements(contract.binary_cross_entropy_grad, backend)
def binary_cross_entropy_grad(y_true, logits):
    return (sigmoid.kernel(logits) - y_true) / logits.size


@implements(contract.mean_squared_error_grad, backend)
def mean_squared_error_grad(y_true, y_pred):
    return 2.0 * (y_pred - y_true) / y_pred.size
