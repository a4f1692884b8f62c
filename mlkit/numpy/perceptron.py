"""Rosenblatt's perceptron (1958): the NumPy kernels.

The learning rule and one epoch of the estimator, the plain mathematics on
arrays already checked; the contract (signatures, docstrings, checks, the
epoch loop) is written once, for both backends, in
``mlkit.contracts.perceptron``.

Taught in the book chapter *The perceptron*.
"""

import numpy as np

from mlkit._contract import implements
from mlkit.contracts import perceptron as contract
from mlkit.numpy import _checks as backend


@implements(contract.perceptron_update, backend)
def perceptron_update(w, b, x, y, lr):
    y_hat = 1.0 if x @ w + b > 0 else 0.0
    error = y - y_hat  # 0 when right, +1 for a missed positive, -1 for a false alarm
    return w + lr * error * x, b + lr * error


class Perceptron(contract.Perceptron):
    __doc__ = contract.Perceptron.__doc__

    def _examples(self, X, y):
        return X, y

    def _zeros(self, n_features):
        return np.zeros(n_features), 0.0

    def _epoch(self, X, y, W, b, order, lr):
        """One pass over the examples in ``order``: the learning rule after every mistake."""
        num_errors = 0
        for i in order:
            y_hat = 1.0 if X[i] @ W + b > 0 else 0.0
            if y_hat != y[i]:  # only a mistake changes the weights
                W, b = perceptron_update.kernel(W, b, X[i], y[i], lr)
                num_errors += 1
        return W, b, num_errors

    def _predict(self, X):
        return (X @ self.W_ + self.b_ > 0).astype(np.int64)
