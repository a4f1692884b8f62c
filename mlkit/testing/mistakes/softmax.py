"""Typical mistakes in softmax, cross-entropy and their gradient.

See :mod:`mlkit.testing.mistakes` for how test cells use them. Probabilities
are clipped to [1e-7, 1 - 1e-7] before their log, as in Keras and in the
assignment; a mistake that skips the clip is listed as such.

Example:
    >>> wrong = softmax_cross_entropy_grad(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    >>> wrong[GRAD_SIGN_FLIPPED]
    array([[ 0.5, -0.5]])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import losses as right
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64, quiet

_CROSS_ENTROPY = Section("softmax", "softmax-cross-entropy")
_GRADIENT = Section("softmax", "softmax-gradient")
_LABELS = Section("softmax", "softmax-labels")
_LOG_SUM_EXP = Section("softmax", "softmax-log-sum-exp")
_MAX_SHIFT = Section("softmax", "softmax-max-shift")
_SCORES = Section("softmax", "softmax-scores")
_STABILITY = Section("softmax", "softmax-stability")

__all__ = [
    "batch_cross_entropy",
    "cross_entropy",
    "softmax",
    "softmax_cross_entropy_grad",
    "sparse_cross_entropy",
]

EPSILON = 1e-7


def _clipped_log(p):
    return np.log(np.clip(p, EPSILON, 1.0 - EPSILON))


NO_MAX_SHIFT = Mistake(
    "softmax/no-max-shift",
    tr("no max shift: exp(x) overflows for large scores (inf / inf = nan); subtract the largest "
       "score along the axis first, x - max(x), which changes nothing else"),
    _MAX_SHIFT)
SUM_OF_SCORES = Mistake(
    "softmax/sum-of-scores",
    tr("divide by the sum of the exponentials, not by the sum of the scores"),
    _SCORES)
WRONG_AXIS = Mistake(
    "softmax/wrong-axis",
    tr("softmax over the wrong axis: the probabilities must sum to 1 along axis=%(axis)s (each "
       "row for axis=-1), not along axis=%(other)s"),
    _SCORES)
WHOLE_ARRAY = Mistake(
    "softmax/whole-array",
    tr("the sum runs over the whole array: each row must sum to 1 on its own; use np.sum(..., "
       "axis=axis, keepdims=True)"),
    _SCORES)


@explained_in("softmax", "softmax-scores", stability="softmax-max-shift")
def softmax(x, axis=-1):
    """Mistakes in ``softmax(x, axis)``."""
    x = f64(x)
    with quiet():
        e = np.exp(x)
        found = {
            NO_MAX_SHIFT: e / np.sum(e, axis=axis, keepdims=True),
            SUM_OF_SCORES: np.exp(x) / np.sum(x, axis=axis, keepdims=True),
        }
        if x.ndim >= 2:
            other = 0 if axis % x.ndim != 0 else x.ndim - 1
            shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
            found.update({
                WRONG_AXIS.said(axis=axis, other=other): right.softmax.kernel(x, other),
                WHOLE_ARRAY: shifted / np.sum(shifted),
            })
    return found


CE_LOG_ZERO = Mistake(
    "softmax/ce-log-zero",
    tr("log(0): a probability of 0 makes np.log give -inf (and 0 * -inf = nan); clip the "
       "probabilities to [1e-7, 1 - 1e-7] before the log, as Keras does"),
    _STABILITY)
CE_NO_MINUS = Mistake(
    "softmax/ce-no-minus",
    tr("the minus sign is missing: the loss is -sum(y * log p), a positive number"),
    _CROSS_ENTROPY)
CE_MEAN_OVER_CLASSES = Mistake(
    "softmax/ce-mean-over-classes",
    tr("a mean over the classes instead of their sum: -sum(y * log p, axis=-1)"),
    _CROSS_ENTROPY)
CE_SUM_OF_ALL = Mistake(
    "softmax/ce-sum-of-all",
    tr("one loss per example is expected, shape (n,): sum over the classes only (axis=-1), not "
       "over the whole batch"),
    _CROSS_ENTROPY)
CE_NO_SUM = Mistake(
    "softmax/ce-no-sum",
    tr("the sum over the classes is missing: sum -y * log p along axis=-1"),
    _CROSS_ENTROPY)


def _per_example_mistakes(y_true, log_p, naive_log_p):
    """Mistakes common to cross_entropy and the one-hot form of sparse_cross_entropy."""
    return {
        CE_LOG_ZERO: -np.sum(y_true * naive_log_p, axis=-1),
        CE_NO_MINUS: np.sum(y_true * log_p, axis=-1),
        CE_MEAN_OVER_CLASSES: -np.mean(y_true * log_p, axis=-1),
        CE_SUM_OF_ALL: -np.sum(y_true * log_p),
        CE_NO_SUM: -(y_true * log_p),
    }


CE_SWAPPED = Mistake(
    "softmax/ce-swapped",
    tr("the arguments are swapped: -sum(y_true * log(y_pred)), not -sum(y_pred * log(y_true))"),
    _CROSS_ENTROPY)


CE_LOG_OF_SUM = Mistake(
    "softmax/ce-log-of-sum",
    tr("-log(sum(y * p)) is the loss for one-hot labels only: with soft labels, take the log of "
       "each probability first, -sum(y * log p)"),
    _CROSS_ENTROPY)


@explained_in("softmax", "softmax-cross-entropy", stability="softmax-stability")
def cross_entropy(y_true, y_pred):
    """Mistakes in ``cross_entropy(y_true, y_pred)`` (one-hot or soft labels, probabilities)."""
    y_true, y_pred = f64(y_true), f64(y_pred)
    with quiet():
        found = _per_example_mistakes(y_true, _clipped_log(y_pred), np.log(y_pred))
        found[CE_SWAPPED] = -np.sum(y_pred * _clipped_log(y_true), axis=-1)
        if np.any((y_true != 0.0) & (y_true != 1.0)):  # for one-hot labels it is the loss
            found[CE_LOG_OF_SUM] = -_clipped_log(np.sum(y_true * y_pred, axis=-1))
    return found


SPARSE_LOG_ZERO = Mistake(
    "softmax/sparse-log-zero",
    tr("log(0): a probability of 0 makes np.log give -inf; clip the probabilities to [1e-7, 1 - "
       "1e-7] before the log, as Keras does"),
    _STABILITY)
SPARSE_NO_MINUS = Mistake(
    "softmax/sparse-no-minus",
    tr("the minus sign is missing: the loss is -log p[i, y_i], a positive number"),
    _LABELS)
SPARSE_SUMMED = Mistake(
    "softmax/sparse-summed",
    tr("one loss per example is expected, shape (n,), not their sum"),
    _LABELS)
SPARSE_WHOLE_ROWS = Mistake(
    "softmax/sparse-whole-rows",
    tr("y_pred[y_true] selects whole rows: pick one element per example, y_pred[np.arange(n), "
       "y_true]"),
    _LABELS)
SPARSE_AS_ONE_HOT = Mistake(
    "softmax/sparse-as-one-hot",
    tr("integer labels were used as one-hot rows: y_true * log(p) needs one-hot labels; pick the "
       "log-probability of the right class, log p[i, y_i]"),
    _LABELS)


@explained_in("softmax", "softmax-labels", stability="softmax-stability")
def sparse_cross_entropy(y_true, y_pred):
    """Mistakes in ``sparse_cross_entropy(y_true, y_pred)`` (integer labels, probabilities)."""
    labels, y_pred = np.asarray(y_true), f64(y_pred)
    n, k = y_pred.shape
    with quiet():
        log_p, naive = _clipped_log(y_pred), np.log(y_pred)
        rows = np.arange(n)
        found = {
            SPARSE_LOG_ZERO: -naive[rows, labels],
            SPARSE_NO_MINUS: log_p[rows, labels],
            SPARSE_SUMMED: -np.sum(log_p[rows, labels]),
        }
        if labels.size and labels.max() < n:  # y_pred[y_true] picks rows only then
            found[SPARSE_WHOLE_ROWS] = -log_p[labels]
        if n == k:  # y_true * log p broadcasts only then
            found[SPARSE_AS_ONE_HOT] = (
                -np.sum(labels * log_p, axis=-1))
    return found


BATCH_SUM = Mistake(
    "softmax/batch-sum",
    tr("the sum over the examples instead of their mean: divide by n"),
    _LOG_SUM_EXP)
BATCH_PER_EXAMPLE = Mistake(
    "softmax/batch-per-example",
    tr("one number is expected, the mean over the batch, not one loss per example"),
    _LOG_SUM_EXP)
BATCH_LOG_OF_SOFTMAX = Mistake(
    "softmax/batch-log-of-softmax",
    tr("log(softmax(z)) gives log(0) = -inf once a probability underflows to 0; use log-softmax, "
       "z - max(z) - log(sum(exp(z - max(z))))"),
    _LOG_SUM_EXP)
BATCH_NO_MAX_SHIFT = Mistake(
    "softmax/batch-no-max-shift",
    tr("no max shift in the log-sum-exp: exp(z) overflows for large scores"),
    _MAX_SHIFT)
BATCH_CLIPPED = Mistake(
    "softmax/batch-clipped",
    tr("computed from clipped probabilities, which caps each loss at -log(1e-7) = 16.1; from "
       "logits use log-softmax, exact for any score"),
    _LOG_SUM_EXP)
BATCH_MEAN_OF_ALL = Mistake(
    "softmax/batch-mean-of-all",
    tr("the mean runs over all n * k entries: sum over the classes, then average over the "
       "examples"),
    _LOG_SUM_EXP)
BATCH_DIVIDED_BY_K = Mistake(
    "softmax/batch-divided-by-k",
    tr("divided by the number of classes k instead of the number of examples n"),
    _LOG_SUM_EXP)


@explained_in("softmax", "softmax-log-sum-exp", stability="softmax-log-sum-exp")
def batch_cross_entropy(y_true, logits):
    """Mistakes in ``batch_cross_entropy(y_true, logits)``: the mean loss from logits."""
    y_true, z = f64(y_true), f64(logits)
    n = z.shape[0]
    with quiet():
        per_example = -np.sum(y_true * right.log_softmax.kernel(z, -1), axis=-1)
        e = np.exp(z)
        found = {
            BATCH_SUM: per_example.sum(),
            BATCH_PER_EXAMPLE: per_example,
            BATCH_LOG_OF_SOFTMAX:
                -np.sum(y_true * np.log(right.softmax.kernel(z, -1)), axis=-1).mean(),
            BATCH_NO_MAX_SHIFT:
                -np.sum(y_true * (z - np.log(np.sum(e, axis=-1, keepdims=True))),
                        axis=-1).mean(),
            BATCH_CLIPPED:
                -np.sum(y_true * _clipped_log(right.softmax.kernel(z, -1)), axis=-1).mean(),
            BATCH_MEAN_OF_ALL: -np.mean(y_true * right.log_softmax.kernel(z, -1)),
        }
        if z.shape[-1] != n:
            found[BATCH_DIVIDED_BY_K] = (
                per_example.sum() / z.shape[-1])
    return found


GRAD_NO_MEAN = Mistake(
    "softmax/grad-no-mean",
    tr("the 1/n is missing: the gradient of the mean loss is (p - y) / n; p - y is the gradient "
       "of the sum"),
    _GRADIENT)
GRAD_SIGN_FLIPPED = Mistake(
    "softmax/grad-sign-flipped",
    tr("the sign is flipped: the gradient is (p - y) / n, not (y - p) / n"),
    _GRADIENT)
GRAD_NO_Y = Mistake(
    "softmax/grad-no-y",
    tr("y was not subtracted: the gradient is (p - y) / n, not p / n"),
    _GRADIENT)
GRAD_DIVIDED_BY_NK = Mistake(
    "softmax/grad-divided-by-nk",
    tr("divided by n * k: the loss is a mean over the n examples only, so divide by n"),
    _GRADIENT)
GRAD_WRONG_AXIS = Mistake(
    "softmax/grad-wrong-axis",
    tr("softmax over the wrong axis: each row of logits is one example, so take softmax along "
       "axis=-1"),
    _GRADIENT)


@explained_in("softmax", "softmax-gradient")
def softmax_cross_entropy_grad(y_true, logits):
    """Mistakes in ``softmax_cross_entropy_grad(y_true, logits)`` = (softmax(logits) - y) / n."""
    y_true, z = f64(y_true), f64(logits)
    n, k = z.shape
    with quiet():
        p = right.softmax.kernel(z, -1)
        found = {
            GRAD_NO_MEAN: p - y_true,
            GRAD_SIGN_FLIPPED: (y_true - p) / n,
            GRAD_NO_Y: p / n,
            GRAD_DIVIDED_BY_NK: (p - y_true) / (n * k),
        }
        if n > 1:
            found[GRAD_WRONG_AXIS] = (right.softmax.kernel(z, 0) - y_true) / n
    return found
