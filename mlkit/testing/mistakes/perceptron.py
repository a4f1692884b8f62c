"""Typical mistakes in the perceptron's learning rule and its training loop.

See :mod:`mlkit.testing.mistakes` for how test cells use them. A perceptron's
parameters come back as ``(w, b)``; here they are one vector ``[w_1, ..., w_n, b]``
(the bias last), which is what the test cells compare.

Example:
    >>> wrong = perceptron_update(np.array([0.0, 0.0]), 0.0, np.array([1.0, 2.0]), 1, lr=0.5)
    >>> wrong["the bias was not updated: b changes by lr * (y - y_hat), as w does"]
    array([0.5, 1. , 0. ])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.testing.book import explained_in
from mlkit.testing.mistakes._common import f64

__all__ = ["perceptron_update", "train_perceptron", "train_perceptron_errors"]


def _params(w, b):
    return np.append(w, b)


@explained_in("perceptron", "perceptron-rule")
def perceptron_update(w, b, x, y, lr=1.0):
    """Mistakes in ``perceptron_update(w, b, x, y, lr)``, as vectors ``[w_new..., b_new]``."""
    w, x, b, y = f64(w), f64(x), float(b), float(y)
    z = x @ w + b
    error = y - float(z > 0)
    error_at_zero = y - float(z >= 0)
    error_with_sign = y - float(np.sign(z))
    return {
        tr("the sign is flipped: the change is lr * (y - y_hat) * x, not lr * (y_hat - y) * x"):
            _params(w - lr * error * x, b - lr * error),
        tr("the bias was not updated: b changes by lr * (y - y_hat), as w does"):
            _params(w + lr * error * x, b),
        tr("lr was ignored: the change is lr * (y - y_hat) * x"):
            _params(w + error * x, b + error),
        tr("step(0) should be 0: predict 1 only when w . x + b > 0, not >= 0"):
            _params(w + lr * error_at_zero * x, b + lr * error_at_zero),
        tr("the prediction was ignored: the rule adds lr * (y - y_hat) * x, not lr * y * x"):
            _params(w + lr * y * x, b + lr * y),
        tr("x is missing from the change of w: w + lr * (y - y_hat) * x"):
            _params(w + lr * error, b + lr * error),
        tr("y_hat is step(z), 0 or 1: np.sign(z) gives -1 for z < 0"):
            _params(w + lr * error_with_sign * x, b + lr * error_with_sign),
    }


def _train(X, y, lr, num_epochs, *, update_bias=True, early_stop=True, start=0.0):
    """The training loop of the assignment, with the switches its mistakes need.

    Returns ``(w, b, updates, wrong_after)``: the parameters, the number of
    updates in each epoch, and the number of examples the weights at the end of
    each epoch get wrong.
    """
    X, y = f64(X), f64(y)
    w, b = np.full(X.shape[1], start), 0.0
    updates, wrong_after = [], []
    for _ in range(num_epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - float(x_i @ w + b > 0)
            if error:
                w = w + lr * error * x_i
                b = b + lr * error if update_bias else b
                count += 1
        updates.append(count)
        wrong_after.append(int(np.sum((X @ w + b > 0) != y)))
        if early_stop and count == 0:
            break
    return w, b, updates, wrong_after


@explained_in("perceptron", "perceptron-training")
def train_perceptron(X, y, lr=1.0, num_epochs=20):
    """Mistakes in the ``(w, b)`` of ``train_perceptron(X, y, lr, num_epochs)``, as ``[w..., b]``.

    The errors list has its own function, :func:`train_perceptron_errors`.
    """
    w_lr1, b_lr1, _, _ = _train(X, y, 1.0, num_epochs)
    w_no_bias, b_no_bias, _, _ = _train(X, y, lr, num_epochs, update_bias=False)
    w_ones, b_ones, _, _ = _train(X, y, lr, num_epochs, start=1.0)
    return {
        tr("lr was not passed on to the update: the weights are those of lr = 1"):
            _params(w_lr1, b_lr1),
        tr("the bias never changed: keep the new b that perceptron_update returns"):
            _params(w_no_bias, b_no_bias),
        tr("the weights started at ones: start from w = np.zeros(n_features) and b = 0"):
            _params(w_ones, b_ones),
    }


@explained_in("perceptron", "perceptron-training")
def train_perceptron_errors(X, y, lr=1.0, num_epochs=20):
    """``train_perceptron_errors(X, y, lr, num_epochs)``: mistakes in the ``errors`` list.

    The values are what ``errors``, the third thing ``train_perceptron(X, y, lr,
    num_epochs)`` returns, would be after each mistake, as float arrays.
    """
    _, _, updates, wrong_after = _train(X, y, lr, num_epochs)
    _, _, all_epochs, _ = _train(X, y, lr, num_epochs, early_stop=False)
    n = len(f64(y))
    # Counting with the end-of-epoch weights stops as soon as that count is 0.
    stop = wrong_after.index(0) + 1 if 0 in wrong_after else len(wrong_after)
    # A running total stops training only while it is still 0: before the first mistake.
    totals = np.cumsum(all_epochs, dtype=float)
    end = int(np.argmax(totals == 0)) + 1 if (totals == 0).any() else len(totals)
    return {
        tr("training did not stop after the first epoch without a mistake"):
            np.array(all_epochs, dtype=float),
        tr("the count was not reset to 0 at the start of each epoch: errors holds running totals"):
            totals[:end],
        tr("the epoch without a mistake, the one that ends training, is missing from errors"):
            np.array(updates[:-1], dtype=float),
        tr("errors counts the mistakes of the weights at the end of each epoch; count the updates "
           "made during the epoch instead"): np.array(wrong_after[:stop], dtype=float),
        tr("errors counts the examples that were right, not the mistakes"):
            n - np.array(all_epochs, dtype=float),
    }
