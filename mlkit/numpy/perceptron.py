"""Rosenblatt's perceptron (1958): the NumPy kernels.

One epoch of the estimator, the plain mathematics on arrays already checked.
The learning rule is one kernel for both backends, around this backend's
threshold logic unit (``mlkit.numpy.neurons.tlu``); it and the contract
(signatures, docstrings, checks, the epoch loop) are written once, in
``mlkit.contracts.perceptron``.

Taught in the book chapter *The perceptron*.
"""

import numpy as np

from mlkit._contract import composite
from mlkit.contracts import perceptron as contract
from mlkit.numpy import _checks as backend
from mlkit.numpy.neurons import tlu

perceptron_update = composite(contract.perceptron_update, backend,
                              contract.perceptron_update_kernel, tlu=tlu.kernel)


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
            if tlu.kernel(X[i], W, b) != y[i]:  # only a mistake changes the weights
                W, b = perceptron_update.kernel(W, b, X[i], y[i], lr)
                num_errors += 1
        return W, b, num_errors

    def _predict(self, X):
        return (X @ self.W_ + self.b_ > 0).astype(np.int64)
