"""Typical mistakes in softmax, cross-entropy and their gradient.

See :mod:`mlkit.testing.mistakes` for how test cells use them. Probabilities
are clipped to [1e-7, 1 - 1e-7] before their log, as in Keras and in the
assignment; a mistake that skips the clip is listed as such.

Example:
    >>> wrong = softmax_cross_entropy_grad(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    >>> wrong["the sign is flipped: the gradient is (p - y) / n, not (y - p) / n"]
    array([[ 0.5, -0.5]])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.testing.book import explained_in
from mlkit.numpy import losses as right
from mlkit.testing.mistakes._common import f64, quiet

__all__ = [
    "batch_cross_entropy",
    "cross_entropy",
    "softmax",
    "softmax_cross_entropy_grad",
    "sparse_cross_entropy",
]

EPSILON = 1e-7
# The book's sections of the mistakes of both cross-entropies.
_LABELS_AND_LOG_ZERO = {"log(0)": "softmax-stability", "one-hot": "softmax-labels"}


def _clipped_log(p):
    return np.log(np.clip(p, EPSILON, 1.0 - EPSILON))


@explained_in("softmax", "softmax-scores", {"max shift": "softmax-max-shift"},
              stability="softmax-max-shift")
def softmax(x, axis=-1):
    """Mistakes in ``softmax(x, axis)``."""
    x = f64(x)
    with quiet():
        e = np.exp(x)
        found = {
            tr("no max shift: exp(x) overflows for large scores (inf / inf = nan); subtract "
               "the largest score along the axis first, x - max(x), which changes nothing else"):
                e / np.sum(e, axis=axis, keepdims=True),
            tr("divide by the sum of the exponentials, not by the sum of the scores"):
                np.exp(x) / np.sum(x, axis=axis, keepdims=True),
        }
        if x.ndim >= 2:
            other = 0 if axis % x.ndim != 0 else x.ndim - 1
            shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
            found.update({
                tr("softmax over the wrong axis: the probabilities must sum to 1 along "
                   "axis=%(axis)s (each row for axis=-1), not along axis=%(other)s",
                   axis=axis, other=other): right.softmax.kernel(x, other),
                tr("the sum runs over the whole array: each row must sum to 1 on its own; use "
                   "np.sum(..., axis=axis, keepdims=True)"): shifted / np.sum(shifted),
            })
    return found


def _per_example_mistakes(y_true, log_p, naive_log_p):
    """Mistakes common to cross_entropy and the one-hot form of sparse_cross_entropy."""
    return {
        tr("log(0): a probability of 0 makes np.log give -inf (and 0 * -inf = nan); clip the "
           "probabilities to [1e-7, 1 - 1e-7] before the log, as Keras does"):
            -np.sum(y_true * naive_log_p, axis=-1),
        tr("the minus sign is missing: the loss is -sum(y * log p), a positive number"):
            np.sum(y_true * log_p, axis=-1),
        tr("a mean over the classes instead of their sum: -sum(y * log p, axis=-1)"):
            -np.mean(y_true * log_p, axis=-1),
        tr("one loss per example is expected, shape (n,): sum over the classes only (axis=-1), "
           "not over the whole batch"): -np.sum(y_true * log_p),
        tr("the sum over the classes is missing: sum -y * log p along axis=-1"):
            -(y_true * log_p),
    }


@explained_in("softmax", "softmax-cross-entropy", _LABELS_AND_LOG_ZERO,
              stability="softmax-stability")
def cross_entropy(y_true, y_pred):
    """Mistakes in ``cross_entropy(y_true, y_pred)`` (one-hot labels, probabilities)."""
    y_true, y_pred = f64(y_true), f64(y_pred)
    with quiet():
        found = _per_example_mistakes(y_true, _clipped_log(y_pred), np.log(y_pred))
        found[tr("the arguments are swapped: -sum(y_true * log(y_pred)), not "
                 "-sum(y_pred * log(y_true))")] = -np.sum(y_pred * _clipped_log(y_true), axis=-1)
    return found


@explained_in("softmax", "softmax-labels", _LABELS_AND_LOG_ZERO, stability="softmax-stability")
def sparse_cross_entropy(y_true, y_pred):
    """Mistakes in ``sparse_cross_entropy(y_true, y_pred)`` (integer labels, probabilities)."""
    labels, y_pred = np.asarray(y_true), f64(y_pred)
    n, k = y_pred.shape
    with quiet():
        log_p, naive = _clipped_log(y_pred), np.log(y_pred)
        rows = np.arange(n)
        found = {
            tr("log(0): a probability of 0 makes np.log give -inf; clip the probabilities to "
               "[1e-7, 1 - 1e-7] before the log, as Keras does"): -naive[rows, labels],
            tr("the minus sign is missing: the loss is -log p[i, y_i], a positive number"):
                log_p[rows, labels],
            tr("one loss per example is expected, shape (n,), not their sum"):
                -np.sum(log_p[rows, labels]),
        }
        if labels.size and labels.max() < n:  # y_pred[y_true] picks rows only then
            found[tr("y_pred[y_true] selects whole rows: pick one element per example, "
                     "y_pred[np.arange(n), y_true]")] = -log_p[labels]
        if n == k:  # y_true * log p broadcasts only then
            found[tr("integer labels were used as one-hot rows: y_true * log(p) needs one-hot "
                     "labels; pick the log-probability of the right class, log p[i, y_i]")] = (
                -np.sum(labels * log_p, axis=-1))
    return found


@explained_in("softmax", "softmax-log-sum-exp", {"max shift": "softmax-max-shift"},
              stability="softmax-log-sum-exp")
def batch_cross_entropy(y_true, logits):
    """Mistakes in ``batch_cross_entropy(y_true, logits)``: the mean loss from logits."""
    y_true, z = f64(y_true), f64(logits)
    n = z.shape[0]
    with quiet():
        per_example = -np.sum(y_true * right.log_softmax.kernel(z, -1), axis=-1)
        e = np.exp(z)
        found = {
            tr("the sum over the examples instead of their mean: divide by n"): per_example.sum(),
            tr("one number is expected, the mean over the batch, not one loss per example"):
                per_example,
            tr("log(softmax(z)) gives log(0) = -inf once a probability underflows to 0; use "
               "log-softmax, z - max(z) - log(sum(exp(z - max(z))))"):
                -np.sum(y_true * np.log(right.softmax.kernel(z, -1)), axis=-1).mean(),
            tr("no max shift in the log-sum-exp: exp(z) overflows for large scores"):
                -np.sum(y_true * (z - np.log(np.sum(e, axis=-1, keepdims=True))),
                        axis=-1).mean(),
            tr("computed from clipped probabilities, which caps each loss at -log(1e-7) = 16.1; "
               "from logits use log-softmax, exact for any score"):
                -np.sum(y_true * _clipped_log(right.softmax.kernel(z, -1)), axis=-1).mean(),
            tr("the mean runs over all n * k entries: sum over the classes, then average "
               "over the examples"): -np.mean(y_true * right.log_softmax.kernel(z, -1)),
        }
        if z.shape[-1] != n:
            found[tr("divided by the number of classes k instead of the number of examples n")] = (
                per_example.sum() / z.shape[-1])
    return found


@explained_in("softmax", "softmax-gradient")
def softmax_cross_entropy_grad(y_true, logits):
    """Mistakes in ``softmax_cross_entropy_grad(y_true, logits)`` = (softmax(logits) - y) / n."""
    y_true, z = f64(y_true), f64(logits)
    n, k = z.shape
    with quiet():
        p = right.softmax.kernel(z, -1)
        found = {
            tr("the 1/n is missing: the gradient of the mean loss is (p - y) / n; "
               "p - y is the gradient of the sum"): p - y_true,
            tr("the sign is flipped: the gradient is (p - y) / n, not (y - p) / n"):
                (y_true - p) / n,
            tr("y was not subtracted: the gradient is (p - y) / n, not p / n"): p / n,
            tr("divided by n * k: the loss is a mean over the n examples only, so divide by n"):
                (p - y_true) / (n * k),
        }
        if n > 1:
            found[tr("softmax over the wrong axis: each row of logits is one example, so take "
                     "softmax along axis=-1")] = (right.softmax.kernel(z, 0) - y_true) / n
    return found
