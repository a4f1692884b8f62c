"""Typical mistakes in linear regression written with matrices (the matrix-notation assignment).

See :mod:`mlkit.testing.mistakes` for how test cells use them. Parameters come
back as ``(W, b)`` or ``(dW, db)``; here they are one flat vector
``[W.ravel()..., b...]``, which is what the test cells compare.
:func:`diverged` is of another kind: it reads a list of training losses and
says, in words, whether and how training diverged.

Example:
    >>> X, W, b = np.array([[1.0, 2.0]]), np.array([[1.0], [1.0]]), np.array([0.5])
    >>> linear_predict(X, W, b)["b was forgotten: H(X) = XW + b, not XW"]
    array([[3.]])
    >>> diverged([10.0, 40.0, 160.0], lr=1.0)[:37]
    'training diverged: the loss grew from'
"""

import numpy as np

from mlkit.messages import shown, tr
from mlkit.testing.book import explained_in, section_url
from mlkit.testing.mistakes._common import f64, quiet

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


@explained_in("matrix_notation", "matrix-notation-shapes",
              {"transpose": "matrix-notation-lecture"})
def linear_predict(X, W, b):
    """Mistakes in ``linear_predict(X, W, b) = X @ W + b``."""
    X, W, b = f64(X), f64(W), f64(b)
    wrong = {
        tr("b was forgotten: H(X) = XW + b, not XW"): X @ W,
        tr("the result is the transpose, shape (n_outputs, n): that is the lecture's layout "
           "(W x + b, one column per example). With one example per row of X, compute X @ W + b"):
            (X @ W + b).T,
        tr("b was subtracted: H(X) = XW + b"): X @ W - b,
        tr("b was multiplied in, not added: H(X) = XW + b"): (X @ W) * b,
    }
    if W.shape[1] == 1:
        wrong[tr("the outputs axis is missing: the result should have shape (n, n_outputs), "
                 "as X @ W + b has; np.sum(X * W.T, axis=1) or X @ W.ravel() drops it")] = (
                  X @ W.ravel() + b[0])
    return wrong


@explained_in("matrix_notation", "matrix-notation-regression")
def mse(y, y_hat):
    """Mistakes in ``mse(y, y_hat)``, the mean of ``(y_hat - y) ** 2`` over every entry."""
    error = f64(y_hat) - f64(y)
    with quiet():
        table = {
            tr("the squares were summed, not averaged: divide by the number of entries (np.mean)"):
                np.asarray(np.sum(error ** 2)),
            tr("the errors were not squared: the mean of (y_hat - y) lets errors of opposite "
               "signs cancel"): np.asarray(np.mean(error)),
            tr("that is the mean absolute error: square the errors instead of taking abs"):
                np.asarray(np.mean(np.abs(error))),
            tr("that is the root mean squared error: do not take the square root"):
                np.asarray(np.sqrt(np.mean(error ** 2))),
        }
        if error.ndim and error.shape[0] > 1:  # for one example, that is the sum above
            table[tr("the sum was divided by the number of examples only; divide by n * n_outputs "
                     "(every entry), as np.mean does")] = np.asarray(np.sum(error ** 2)
                                                                 / error.shape[0])
        return table


@explained_in("matrix_notation", "matrix-notation-regression")
def linear_mse_grads(X, y, W, b):
    """Mistakes in ``linear_mse_grads(X, y, W, b)``, as vectors ``[dW.ravel()..., db...]``."""
    error, dW, db = _grads(X, y, W, b)
    n, k = error.shape
    return {
        tr("the factor 1/n is missing: the loss is a mean, so its gradient is "
           "X.T @ (2 (Y_hat - Y) / (n k)), not X.T @ (2 (Y_hat - "
           "Y))"): _flat(n * k * dW, n * k * db),
        tr("the factor 2 is missing: the derivative of e ** 2 is 2 e"): _flat(dW / 2, db / 2),
        tr("the sign is flipped: the error is Y_hat - Y, not Y - Y_hat"): _flat(-dW, -db),
        tr("divided by n only: the mean runs over all n * n_outputs entries, so divide by n * k"):
            _flat(k * dW, k * db),
        tr("db is the mean of the error over the examples; it is the sum, since b is added to "
           "every row"): _flat(dW, db / n),
        tr("dW was divided by n twice: X.T @ error already sums over the examples, "
           "do not take a mean of it again"): _flat(dW / n, db),
    }


@explained_in("matrix_notation", "matrix-notation-regression")
def linear_gradient_step(X, y, W, b, lr):
    """Mistakes in ``linear_gradient_step(X, y, W, b, lr)``, as vectors ``[W..., b...]``."""
    _, dW, db = _grads(X, y, W, b)
    W, b = f64(W), f64(b)
    return {
        tr("the sign of the step is flipped: gradient descent goes downhill, W - lr * dW"):
            _flat(W + lr * dW, b + lr * db),
        tr("lr was ignored: the step is lr times the gradient"): _flat(W - dW, b - db),
        tr("b was not updated: b - lr * db"): _flat(W - lr * dW, b),
        tr("W was not updated: W - lr * dW"): _flat(W, b - lr * db),
        tr("the step returned the gradient, not the new parameters"): _flat(dW, db),
    }


def _train(X, y, lr, num_epochs, *, start=0.0, update_b=True, epochs_offset=0):
    """Gradient descent from ``start`` with the switches the training mistakes need.

    Returns ``(W, b, losses_before, losses_after)``.
    """
    X, y = f64(X), f64(y)
    W = np.full((X.shape[1], y.shape[1]), start)
    b = np.full(y.shape[1], start)
    before, after = [], []
    with quiet():
        for _ in range(max(num_epochs + epochs_offset, 0)):
            before.append(float(np.mean((X @ W + b - y) ** 2)))
            _, dW, db = _grads(X, y, W, b)
            W = W - lr * dW
            b = b - lr * db if update_b else b
            after.append(float(np.mean((X @ W + b - y) ** 2)))
    return W, b, before, after


@explained_in("matrix_notation", "matrix-notation-regression")
def train_linear_regression(X, y, lr, num_epochs):
    """Mistakes in the ``(W, b)`` of ``train_linear_regression(X, y, lr, num_epochs)``."""
    W_ones, b_ones, _, _ = _train(X, y, lr, num_epochs, start=1.0)
    W_no_b, b_no_b, _, _ = _train(X, y, lr, num_epochs, update_b=False)
    W_short, b_short, _, _ = _train(X, y, lr, num_epochs, epochs_offset=-1)
    W_long, b_long, _, _ = _train(X, y, lr, num_epochs, epochs_offset=1)
    return {
        tr("the parameters started at ones: start from W = 0 and b = 0"): _flat(W_ones, b_ones),
        tr("b never changed: keep the new b that linear_gradient_step returns"):
            _flat(W_no_b, b_no_b),
        tr("one epoch too few: run exactly num_epochs steps"): _flat(W_short, b_short),
        tr("one epoch too many: run exactly num_epochs steps"): _flat(W_long, b_long),
    }


@explained_in("matrix_notation", "matrix-notation-regression")
def train_linear_regression_losses(X, y, lr, num_epochs):
    """Mistakes in the ``losses`` list of ``train_linear_regression(X, y, lr, num_epochs)``."""
    _, _, before, after = _train(X, y, lr, num_epochs)
    return {
        tr("the losses were recorded after each step; record the loss of the parameters "
           "before the step, so that losses[0] is the loss of W = 0, b = 0"): np.array(after),
        tr("the loss of the first epoch is missing"): np.array(before[1:]),
        tr("the losses are running totals: record each epoch's loss, not their sum"):
            np.cumsum(before),
    }


@explained_in("matrix_notation", "matrix-notation-three-ways")
def tf_gradient_step(W, b, dW, db, lr):
    """Mistakes in ``tf_gradient_step``: the variables' values after the step, ``[W..., b...]``.

    ``W`` and ``b`` are the values before the step, ``dW`` and ``db`` the
    gradients of the loss at them.
    """
    W, b, dW, db = f64(W), f64(b), f64(dW), f64(db)
    return {
        tr("the sign of the step is flipped: W.assign_sub(lr * dW), not assign_add"):
            _flat(W + lr * dW, b + lr * db),
        tr("the variables were not changed: `W = W - lr * dW` makes a new tensor and leaves "
           "the variable alone; use W.assign_sub(lr * dW)"): _flat(W, b),
        tr("lr was ignored: the step is lr times the gradient"): _flat(W - dW, b - db),
        tr("b was not updated"): _flat(W - lr * dW, b),
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
