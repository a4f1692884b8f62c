"""Typical mistakes in the perceptron's learning rule and its training loop.

See :mod:`mlkit.testing.mistakes` for how test cells use them. A perceptron's
parameters come back as ``(w, b)``; here they are one vector ``[w_1, ..., w_n, b]``
(the bias last), which is what the test cells compare.

Example:
    >>> wrong = perceptron_update(np.array([0.0, 0.0]), 0.0, np.array([1.0, 2.0]), 1, lr=0.5)
    >>> wrong[BIAS_FIXED]
    array([0.5, 1. , 0. ])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import perceptron as right
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64
from mlkit.testing.mistakes._training import train

_RULE = Section("perceptron", "perceptron-rule")
_TRAINING = Section("perceptron", "perceptron-training")

__all__ = ["perceptron_update", "train_perceptron", "train_perceptron_errors"]


def _params(w, b):
    return np.append(w, b)


SIGN_FLIPPED = Mistake(
    "perceptron/sign-flipped",
    tr("the sign is flipped: the change is lr * (y - y_hat) * x, not lr * (y_hat - y) * x"),
    _RULE)
BIAS_FIXED = Mistake(
    "perceptron/bias-fixed",
    tr("the bias was not updated: b changes by lr * (y - y_hat), as w does"),
    _RULE)
LR_IGNORED = Mistake(
    "perceptron/lr-ignored",
    tr("lr was ignored: the change is lr * (y - y_hat) * x"),
    _RULE)
FIRES_AT_ZERO = Mistake(
    "perceptron/fires-at-zero",
    tr("step(0) should be 0: predict 1 only when w . x + b > 0, not >= 0"),
    _RULE)
PREDICTION_IGNORED = Mistake(
    "perceptron/prediction-ignored",
    tr("the prediction was ignored: the rule adds lr * (y - y_hat) * x, not lr * y * x"),
    _RULE)
NO_X = Mistake(
    "perceptron/no-x",
    tr("x is missing from the change of w: w + lr * (y - y_hat) * x"),
    _RULE)
SIGN_PREDICTION = Mistake(
    "perceptron/sign-prediction",
    tr("y_hat is step(z), 0 or 1: np.sign(z) gives -1 for z < 0"),
    _RULE)


@explained_in("perceptron", "perceptron-rule")
def perceptron_update(w, b, x, y, lr=1.0):
    """Mistakes in ``perceptron_update(w, b, x, y, lr)``, as vectors ``[w_new..., b_new]``."""
    w, x, b, y = f64(w), f64(x), float(b), float(y)
    z = x @ w + b
    error = y - float(z > 0)
    error_at_zero = y - float(z >= 0)
    error_with_sign = y - float(np.sign(z))
    return {
        SIGN_FLIPPED: _params(w - lr * error * x, b - lr * error),
        BIAS_FIXED: _params(w + lr * error * x, b),
        LR_IGNORED: _params(w + error * x, b + error),
        FIRES_AT_ZERO: _params(w + lr * error_at_zero * x, b + lr * error_at_zero),
        PREDICTION_IGNORED: _params(w + lr * y * x, b + lr * y),
        NO_X: _params(w + lr * error, b + lr * error),
        SIGN_PREDICTION: _params(w + lr * error_with_sign * x, b + lr * error_with_sign),
    }


def _rule(lr):
    """The perceptron's rule as a step on one example; its loss is 1 for a mistake, else 0."""
    def step(params, X, y):
        (x,), (y,) = X, y
        mistake = float((x @ params["w"] + params["b"] > 0) != y)
        w, b = right.perceptron_update.kernel(params["w"], params["b"], x, y, lr)
        return mistake, {"w": w, "b": b}

    return step


def _train(X, y, lr, num_epochs, *, start=0.0, **mistake):
    """The assignment's training: one example at a time, until an epoch without a mistake.

    Each epoch's loss is its number of mistakes (of updates).
    """
    X, y = f64(X), f64(y)
    params = {"w": np.full(X.shape[1], start), "b": 0.0}
    switches = {"batch_size": 1, "epoch_loss": "sum", "stop_at_zero_loss": True, **mistake}
    return train(_rule(lr), params, X, y, num_epochs, **switches)


TRAIN_LR_IGNORED = Mistake(
    "perceptron/train-lr-ignored",
    tr("lr was not passed on to the update: the weights are those of lr = 1"),
    _TRAINING)
TRAIN_BIAS_FIXED = Mistake(
    "perceptron/train-bias-fixed",
    tr("the bias never changed: keep the new b that perceptron_update returns"),
    _TRAINING)
TRAIN_FROM_ONES = Mistake(
    "perceptron/train-from-ones",
    tr("the weights started at ones: start from w = np.zeros(n_features) and b = 0"),
    _TRAINING)


@explained_in("perceptron", "perceptron-training")
def train_perceptron(X, y, lr=1.0, num_epochs=20):
    """Mistakes in the ``(w, b)`` of ``train_perceptron(X, y, lr, num_epochs)``, as ``[w..., b]``.

    The errors list has its own function, :func:`train_perceptron_errors`.
    """
    def run(rate=lr, **mistake):
        params = _train(X, y, rate, num_epochs, **mistake).params
        return _params(params["w"], params["b"])

    return {
        TRAIN_LR_IGNORED: run(rate=1.0),
        TRAIN_BIAS_FIXED: run(update=("w",)),
        TRAIN_FROM_ONES: run(start=1.0),
    }


NO_EARLY_STOP = Mistake(
    "perceptron/no-early-stop",
    tr("training did not stop after the first epoch without a mistake"),
    _TRAINING)
COUNT_NOT_RESET = Mistake(
    "perceptron/count-not-reset",
    tr("the count was not reset to 0 at the start of each epoch: errors holds running totals"),
    _TRAINING)
LAST_EPOCH_MISSING = Mistake(
    "perceptron/last-epoch-missing",
    tr("the epoch without a mistake, the one that ends training, is missing from errors"),
    _TRAINING)
TOO_FEW_EPOCHS = Mistake(
    "perceptron/too-few-epochs",
    tr("one epoch too few: with mistakes in every epoch, training runs all num_epochs epochs, "
       "range(num_epochs)"),
    _TRAINING)
COUNTS_END_OF_EPOCH = Mistake(
    "perceptron/counts-end-of-epoch",
    tr("errors counts the mistakes of the weights at the end of each epoch; count the updates "
       "made during the epoch instead"),
    _TRAINING)
COUNTS_RIGHT = Mistake(
    "perceptron/counts-right",
    tr("errors counts the examples that were right, not the mistakes"),
    _TRAINING)


@explained_in("perceptron", "perceptron-training")
def train_perceptron_errors(X, y, lr=1.0, num_epochs=20):
    """``train_perceptron_errors(X, y, lr, num_epochs)``: mistakes in the ``errors`` list.

    The values are what ``errors``, the third thing ``train_perceptron(X, y, lr,
    num_epochs)`` returns, would be after each mistake, as float arrays.
    """
    training = _train(X, y, lr, num_epochs)
    updates = training.losses
    all_epochs = _train(X, y, lr, num_epochs, stop_at_zero_loss=False).losses
    X, y = f64(X), f64(y)
    n = len(y)
    wrong_after = [int(np.sum((X @ p["w"] + p["b"] > 0) != y)) for p in training.epoch_ends]
    # Counting with the end-of-epoch weights stops as soon as that count is 0.
    stop = wrong_after.index(0) + 1 if 0 in wrong_after else len(wrong_after)
    # A running total stops training only while it is still 0: before the first mistake.
    totals = np.cumsum(all_epochs, dtype=float)
    end = int(np.argmax(totals == 0)) + 1 if (totals == 0).any() else len(totals)
    wrong = {
        NO_EARLY_STOP: all_epochs,
        COUNT_NOT_RESET: totals[:end],
        COUNTS_END_OF_EPOCH: np.array(wrong_after[:stop], dtype=float),
        COUNTS_RIGHT: n - all_epochs,
    }
    # A list one short lacks the epoch without a mistake only if training ended with one.
    if len(updates) and updates[-1] == 0:
        wrong[LAST_EPOCH_MISSING] = updates[:-1]
    elif len(updates):
        wrong[TOO_FEW_EPOCHS] = _train(X, y, lr, num_epochs - 1).losses
    return wrong
