"""Typical mistakes in linear regression written with matrices (the matrix-notation assignment).

See :mod:`mlkit.testing.mistakes` for how test cells use them. Parameters come
back as ``(W, b)`` or ``(dW, db)``; here they are one flat vector
``[W.ravel()..., b...]``, which is what the test cells compare.
:func:`diverged` is of another kind: it reads a list of training losses and
says, in words, whether and how training diverged.

Example:
    >>> X, W, b = np.array([[1.0, 2.0]]), np.array([[1.0], [1.0]]), np.array([0.5])
    >>> linear_predict(X, W, b)[NO_BIAS]
    array([[3.]])
    >>> diverged([10.0, 40.0, 160.0], lr=1.0)[:37]
    'training diverged: the loss grew from'
"""

import numpy as np

from mlkit.messages import shown, tr
from mlkit.testing.book import Mistake, Section, explained_in, section_url
from mlkit.testing.mistakes._common import f64, quiet
from mlkit.testing.mistakes._training import gradient_step, train

_LECTURE = Section("matrix_notation", "matrix-notation-lecture")
_REGRESSION = Section("matrix_notation", "matrix-notation-regression")
_SHAPES = Section("matrix_notation", "matrix-notation-shapes")
_THREE_WAYS = Section("matrix_notation", "matrix-notation-three-ways")

__all__ = [
    "diverged",
    "linear_gradient_step",
    "linear_mse_grads",
    "linear_predict",
    "mse",
    "tf_gradient_step",
    "train_linear_regression",
    "train_linear_regression_losses",
]


def _flat(W, b):
    return np.concatenate([np.ravel(W), np.ravel(b)])


def _grads(X, y, W, b):
    """The right ``(error, dW, db)`` with error = 2 (Y_hat - Y) / (n k)."""
    X, y, W, b = f64(X), f64(y), f64(W), f64(b)
    error = 2.0 * (X @ W + b - y) / y.size
    return error, X.T @ error, error.sum(axis=0)


NO_BIAS = Mistake("matrix_notation/no-bias", tr("b was forgotten: H(X) = XW + b, not XW"), _SHAPES)
TRANSPOSED = Mistake(
    "matrix_notation/transposed",
    tr("the result is the transpose, shape (n_outputs, n): that is the lecture's layout (W x + "
       "b, one column per example). With one example per row of X, compute X @ W + b"),
    _LECTURE)
BIAS_SUBTRACTED = Mistake(
    "matrix_notation/bias-subtracted",
    tr("b was subtracted: H(X) = XW + b"),
    _SHAPES)
BIAS_MULTIPLIED = Mistake(
    "matrix_notation/bias-multiplied",
    tr("b was multiplied in, not added: H(X) = XW + b"),
    _SHAPES)
NO_OUTPUTS_AXIS = Mistake(
    "matrix_notation/no-outputs-axis",
    tr("the outputs axis is missing: the result should have shape (n, n_outputs), as X @ W + b "
       "has; np.sum(X * W.T, axis=1) or X @ W.ravel() drops it"),
    _SHAPES)


@explained_in("matrix_notation", "matrix-notation-shapes")
def linear_predict(X, W, b):
    """Mistakes in ``linear_predict(X, W, b) = X @ W + b``."""
    X, W, b = f64(X), f64(W), f64(b)
    wrong = {
        NO_BIAS: X @ W,
        TRANSPOSED: (X @ W + b).T,
        BIAS_SUBTRACTED: X @ W - b,
        BIAS_MULTIPLIED: (X @ W) * b,
    }
    if W.shape[1] == 1:
        wrong[NO_OUTPUTS_AXIS] = (
                  X @ W.ravel() + b[0])
    return wrong


SUMMED = Mistake(
    "matrix_notation/summed",
    tr("the squares were summed, not averaged: divide by the number of entries (np.mean)"),
    _REGRESSION)
NOT_SQUARED = Mistake(
    "matrix_notation/not-squared",
    tr("the errors were not squared: the mean of (y_hat - y) lets errors of opposite signs cancel"),
    _REGRESSION)
ABSOLUTE = Mistake(
    "matrix_notation/absolute",
    tr("that is the mean absolute error: square the errors instead of taking abs"),
    _REGRESSION)
ROOT = Mistake(
    "matrix_notation/root",
    tr("that is the root mean squared error: do not take the square root"),
    _REGRESSION)
DIVIDED_BY_N = Mistake(
    "matrix_notation/divided-by-n",
    tr("the sum was divided by the number of examples only; divide by n * n_outputs (every "
       "entry), as np.mean does"),
    _REGRESSION)


@explained_in("matrix_notation", "matrix-notation-regression")
def mse(y, y_hat):
    """Mistakes in ``mse(y, y_hat)``, the mean of ``(y_hat - y) ** 2`` over every entry."""
    error = f64(y_hat) - f64(y)
    with quiet():
        table = {
            SUMMED: np.asarray(np.sum(error ** 2)),
            NOT_SQUARED: np.asarray(np.mean(error)),
            ABSOLUTE: np.asarray(np.mean(np.abs(error))),
            ROOT: np.asarray(np.sqrt(np.mean(error ** 2))),
        }
        if error.ndim and error.shape[0] > 1:  # for one example, that is the sum above
            table[DIVIDED_BY_N] = np.asarray(np.sum(error ** 2)
                                                                 / error.shape[0])
        return table


GRADS_NO_MEAN = Mistake(
    "matrix_notation/grads-no-mean",
    tr("the factor 1/n is missing: the loss is a mean, so its gradient is X.T @ (2 (Y_hat - Y) / "
       "(n k)), not X.T @ (2 (Y_hat - Y))"),
    _REGRESSION)
GRADS_NO_TWO = Mistake(
    "matrix_notation/grads-no-two",
    tr("the factor 2 is missing: the derivative of e ** 2 is 2 e"),
    _REGRESSION)
GRADS_SIGN_FLIPPED = Mistake(
    "matrix_notation/grads-sign-flipped",
    tr("the sign is flipped: the error is Y_hat - Y, not Y - Y_hat"),
    _REGRESSION)
GRADS_DIVIDED_BY_N = Mistake(
    "matrix_notation/grads-divided-by-n",
    tr("divided by n only: the mean runs over all n * n_outputs entries, so divide by n * k"),
    _REGRESSION)
GRADS_DB_MEAN = Mistake(
    "matrix_notation/grads-db-mean",
    tr("db is the mean of the error over the examples; it is the sum, since b is added to every "
       "row"),
    _REGRESSION)
GRADS_DW_TWICE = Mistake(
    "matrix_notation/grads-dw-twice",
    tr("dW was divided by n twice: X.T @ error already sums over the examples, do not take a "
       "mean of it again"),
    _REGRESSION)


@explained_in("matrix_notation", "matrix-notation-regression")
def linear_mse_grads(X, y, W, b):
    """Mistakes in ``linear_mse_grads(X, y, W, b)``, as vectors ``[dW.ravel()..., db...]``."""
    error, dW, db = _grads(X, y, W, b)
    n, k = error.shape
    return {
        GRADS_NO_MEAN: _flat(n * k * dW, n * k * db),
        GRADS_NO_TWO: _flat(dW / 2, db / 2),
        GRADS_SIGN_FLIPPED: _flat(-dW, -db),
        GRADS_DIVIDED_BY_N: _flat(k * dW, k * db),
        GRADS_DB_MEAN: _flat(dW, db / n),
        GRADS_DW_TWICE: _flat(dW / n, db),
    }


STEP_UPHILL = Mistake(
    "matrix_notation/step-uphill",
    tr("the sign of the step is flipped: gradient descent goes downhill, W - lr * dW"),
    _REGRESSION)
STEP_LR_IGNORED = Mistake(
    "matrix_notation/step-lr-ignored",
    tr("lr was ignored: the step is lr times the gradient"),
    _REGRESSION)
STEP_B_FIXED = Mistake(
    "matrix_notation/step-b-fixed",
    tr("b was not updated: b - lr * db"),
    _REGRESSION)
STEP_W_FIXED = Mistake(
    "matrix_notation/step-w-fixed",
    tr("W was not updated: W - lr * dW"),
    _REGRESSION)
STEP_IS_GRADIENT = Mistake(
    "matrix_notation/step-is-gradient",
    tr("the step returned the gradient, not the new parameters"),
    _REGRESSION)


@explained_in("matrix_notation", "matrix-notation-regression")
def linear_gradient_step(X, y, W, b, lr):
    """Mistakes in ``linear_gradient_step(X, y, W, b, lr)``, as vectors ``[W..., b...]``."""
    _, dW, db = _grads(X, y, W, b)
    W, b = f64(W), f64(b)
    return {
        STEP_UPHILL: _flat(W + lr * dW, b + lr * db),
        STEP_LR_IGNORED: _flat(W - dW, b - db),
        STEP_B_FIXED: _flat(W - lr * dW, b),
        STEP_W_FIXED: _flat(W, b - lr * db),
        STEP_IS_GRADIENT: _flat(dW, db),
    }


def _loss_and_grads(params, X, y):
    """The mean squared error of ``XW + b`` and its gradients."""
    W, b = params["W"], params["b"]
    _, dW, db = _grads(X, y, W, b)
    return float(np.mean((X @ W + b - y) ** 2)), {"W": dW, "b": db}


def _train(X, y, lr, num_epochs, *, start=0.0, **mistake):
    """Gradient descent from parameters all equal to ``start``, with a mistake's switches."""
    X, y = f64(X), f64(y)
    params = {"W": np.full((X.shape[1], y.shape[1]), start), "b": np.full(y.shape[1], start)}
    return train(gradient_step(_loss_and_grads, lr), params, X, y, num_epochs, **mistake)


TRAIN_FROM_ONES = Mistake(
    "matrix_notation/train-from-ones",
    tr("the parameters started at ones: start from W = 0 and b = 0"),
    _REGRESSION)
TRAIN_B_FIXED = Mistake(
    "matrix_notation/train-b-fixed",
    tr("b never changed: keep the new b that linear_gradient_step returns"),
    _REGRESSION)
TRAIN_TOO_FEW = Mistake(
    "matrix_notation/train-too-few",
    tr("one epoch too few: run exactly num_epochs steps"),
    _REGRESSION)
TRAIN_TOO_MANY = Mistake(
    "matrix_notation/train-too-many",
    tr("one epoch too many: run exactly num_epochs steps"),
    _REGRESSION)


@explained_in("matrix_notation", "matrix-notation-regression")
def train_linear_regression(X, y, lr, num_epochs):
    """Mistakes in the ``(W, b)`` of ``train_linear_regression(X, y, lr, num_epochs)``."""
    def run(epochs=num_epochs, **mistake):
        params = _train(X, y, lr, epochs, **mistake).params
        return _flat(params["W"], params["b"])

    return {
        TRAIN_FROM_ONES: run(start=1.0),
        TRAIN_B_FIXED: run(update=("W",)),
        TRAIN_TOO_FEW: run(num_epochs - 1),
        TRAIN_TOO_MANY: run(num_epochs + 1),
    }


LOSSES_AFTER = Mistake(
    "matrix_notation/losses-after",
    tr("the losses were recorded after each step; record the loss of the parameters before the "
       "step, so that losses[0] is the loss of W = 0, b = 0"),
    _REGRESSION)
LOSSES_FIRST_MISSING = Mistake(
    "matrix_notation/losses-first-missing",
    tr("the loss of the first epoch is missing"),
    _REGRESSION)
LOSSES_TOTALS = Mistake(
    "matrix_notation/losses-totals",
    tr("the losses are running totals: record each epoch's loss, not their sum"),
    _REGRESSION)


@explained_in("matrix_notation", "matrix-notation-regression")
def train_linear_regression_losses(X, y, lr, num_epochs):
    """Mistakes in the ``losses`` list of ``train_linear_regression(X, y, lr, num_epochs)``."""
    before = _train(X, y, lr, num_epochs).losses
    return {
        LOSSES_AFTER: _train(X, y, lr, num_epochs, record="after").losses,
        LOSSES_FIRST_MISSING: before[1:],
        LOSSES_TOTALS: np.cumsum(before),
    }


TF_ASSIGN_ADD = Mistake(
    "matrix_notation/tf-assign-add",
    tr("the sign of the step is flipped: W.assign_sub(lr * dW), not assign_add"),
    _THREE_WAYS)
TF_NEW_TENSOR = Mistake(
    "matrix_notation/tf-new-tensor",
    tr("the variables were not changed: `W = W - lr * dW` makes a new tensor and leaves the "
       "variable alone; use W.assign_sub(lr * dW)"),
    _THREE_WAYS)
TF_B_FIXED = Mistake("matrix_notation/tf-b-fixed", tr("b was not updated"), _THREE_WAYS)
TF_LR_IGNORED = Mistake(
    "matrix_notation/tf-lr-ignored",
    tr("lr was ignored: the step is lr times the gradient"),
    _THREE_WAYS)


@explained_in("matrix_notation", "matrix-notation-three-ways")
def tf_gradient_step(W, b, dW, db, lr):
    """Mistakes in ``tf_gradient_step``: the variables' values after the step, ``[W..., b...]``.

    ``W`` and ``b`` are the values before the step, ``dW`` and ``db`` the
    gradients of the loss at them.
    """
    W, b, dW, db = f64(W), f64(b), f64(dW), f64(db)
    return {
        TF_ASSIGN_ADD: _flat(W + lr * dW, b + lr * db),
        TF_NEW_TENSOR: _flat(W, b),
        TF_LR_IGNORED: _flat(W - dW, b - db),
        TF_B_FIXED: _flat(W - lr * dW, b),
    }


def diverged(losses, lr=None):
    """Say whether a list of training losses shows divergence, and what to do about it.

    Not a table of values like the other functions here: a check. Training has
    diverged when a loss is inf or NaN, or when the last loss is larger than
    the first.

    Args:
        losses: the loss of each epoch, a sequence of numbers.
        lr: the learning rate used, for the message.

    Returns:
        ``None`` if the losses do not show divergence, else a message saying
        what happened and what to change, in the language chosen now (:mod:`mlkit.messages`).

    Example:
        >>> diverged([10.0, 5.0, 4.0]) is None
        True
    """
    losses = f64(losses).ravel()
    if losses.size == 0:
        return None
    link = section_url("matrix_notation", "matrix-notation-learning-rate")
    advice = (shown("The learning rate is too large for these features: each step overshoots the "
                  "minimum by more than it gained. Lower lr, or standardize the features so "
                  "that a larger lr is stable. Read about it in the book: %(link)s", link=link)
              if lr is None else
              shown("The learning rate (lr = %(lr)s) is too large for these features: each step "
                  "overshoots the minimum by more than it gained. Lower lr, or standardize the "
                  "features so that a larger lr is stable. Read about it in the book: %(link)s",
                  lr=f"{lr:g}", link=link))
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        return shown("training diverged: the loss became %(loss)s at epoch %(epoch)s (it was "
                   "%(start)s at the start). %(advice)s", loss=str(losses[bad[0]]),
                   epoch=int(bad[0]) + 1, start=f"{losses[0]:.4g}", advice=advice)
    if losses[-1] > losses[0]:
        return shown("training diverged: the loss grew from %(start)s to %(end)s over %(epochs)s "
                   "epochs. %(advice)s", start=f"{losses[0]:.4g}", end=f"{losses[-1]:.4g}",
                   epochs=losses.size, advice=advice)
    return None
