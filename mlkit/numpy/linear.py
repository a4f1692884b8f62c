"""Linear regression in matrix notation, H(X) = XW + b: the NumPy kernels.

The gradient of the mean squared error is written out by hand. Each function is
the plain mathematics on arrays already checked; its contract (signature,
docstring, checks) is written once, for both backends, in
``mlkit.contracts.linear``.

Taught in the book chapter *Matrix notation*.
"""

import numpy as np

from mlkit._contract import composite, implements
from mlkit.contracts import linear as contract
from mlkit.numpy import _checks as backend
from mlkit.numpy.losses import mean_squared_error, mean_squared_error_grad


@implements(contract.linear_predict, backend)
def linear_predict(X, W, b):
    return X @ W + b


@implements(contract.linear_mse_grads, backend)
def linear_mse_grads(X, y, W, b):
    dY_hat = mean_squared_error_grad.kernel(y, X @ W + b)  # 2 (Y_hat - Y) / (n k), shape (n, k)
    return X.T @ dY_hat, dY_hat.sum(axis=0)


linear_gradient_step = composite(contract.linear_gradient_step, backend,
                                 contract.linear_gradient_step_kernel,
                                 linear_mse_grads=linear_mse_grads.kernel)


@implements(contract.least_squares, backend)
def least_squares(X, y):
    X_ones = np.hstack([X, np.ones((X.shape[0], 1))])
    solution = np.linalg.lstsq(X_ones, y, rcond=None)[0]  # by the SVD of X_ones
    return solution[:-1], solution[-1]


@implements(contract.standardize, backend)
def standardize(X):
    return X.mean(axis=0), X.std(axis=0)


class LinearRegression(contract.LinearRegression):
    __doc__ = contract.LinearRegression.__doc__
    _backend = backend

    def _descend(self, X, y, W, b, lr, num_epochs):
        """``num_epochs`` steps of gradient descent, and the loss before each (to a non-finite)."""
        losses = []
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by fit
            for _ in range(num_epochs):
                losses.append(mean_squared_error.kernel(y, linear_predict.kernel(X, W, b)).mean())
                if not np.isfinite(losses[-1]):
                    break
                W, b = linear_gradient_step.kernel(X, y, W, b, lr)
        return W, b, losses

    def _predict(self, X):
        return linear_predict.kernel(X, self.W_, self.b_)
