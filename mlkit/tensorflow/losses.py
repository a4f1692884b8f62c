"""Softmax, cross-entropy and the other losses: the TensorFlow kernels.

Each function is the plain mathematics on tensors already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.losses``. The gradients are written out by hand here too
(``tf.GradientTape`` is their oracle in the tests). No device is pinned; every
function works eagerly and inside ``tf.function``.

Taught in the book chapter *Softmax and cross-entropy*.
"""

import tensorflow as tf

from mlkit._contract import implements
from mlkit.contracts import losses as contract
from mlkit.contracts.losses import EPSILON
from mlkit.tensorflow import _checks as backend


@implements(contract.softmax, backend)
def softmax(x, axis):
    return tf.nn.softmax(x, axis=axis)  # subtracts the maximum itself: no overflow


@implements(contract.log_softmax, backend)
def log_softmax(x, axis):
    return tf.nn.log_softmax(x, axis=axis)


def _log_p(y_pred, axis, from_logits):
    if from_logits:
        return tf.nn.log_softmax(y_pred, axis=axis)
    p = y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True)
    return tf.math.log(tf.clip_by_value(p, EPSILON, 1.0 - EPSILON))  # as Keras clips


@implements(contract.cross_entropy, backend)
def cross_entropy(y_true, y_pred, from_logits, axis):
    return 0.0 - tf.reduce_sum(y_true * _log_p(y_pred, axis, from_logits), axis=axis)


@implements(contract.sparse_cross_entropy, backend)
def sparse_cross_entropy(labels, y_pred, from_logits, axis):
    one_hot = tf.one_hot(labels, depth=y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
    return 0.0 - tf.reduce_sum(one_hot * _log_p(y_pred, axis, from_logits), axis=axis)


@implements(contract.binary_cross_entropy, backend)
def binary_cross_entropy(y_true, y_pred, from_logits):
    if from_logits:  # the stable form max(z, 0) - z y + log(1 + e^-|z|)
        return tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred), axis=-1)
    p = tf.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    return tf.reduce_mean(-(y_true * tf.math.log(p) + (1.0 - y_true) * tf.math.log(1.0 - p)),
                          axis=-1)


@implements(contract.mean_squared_error, backend)
def mean_squared_error(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


@implements(contract.softmax_cross_entropy_grad, backend)
def softmax_cross_entropy_grad(y_true, logits):
    n = tf.cast(tf.shape(logits)[0], logits.dtype)
    return (tf.nn.softmax(logits) - y_true) / n


@implements(contract.binary_cross_entropy_grad, backend)
def binary_cross_entropy_grad(y_true, logits):
    return (tf.math.sigmoid(logits) - y_true) / tf.cast(tf.size(logits), logits.dtype)


@implements(contract.mean_squared_error_grad, backend)
def mean_squared_error_grad(y_true, y_pred):
    return 2.0 * (y_pred - y_true) / tf.cast(tf.size(y_pred), y_pred.dtype)
