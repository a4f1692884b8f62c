"""Linear regression in matrix notation, H(X) = XW + b: the TensorFlow kernels.

The gradient of the mean squared error is not written out here:
``tf.GradientTape`` records the forward computation and plays it backwards.
Each function is the computation on tensors already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.linear``. No device is pinned; the functions work eagerly
and inside ``tf.function`` and keep the dtype of ``X``.

Taught in the book chapter *Matrix notation*.
"""

import tensorflow as tf

from mlkit._contract import composite, implements
from mlkit.contracts import linear as contract
from mlkit.tensorflow import _checks as backend
from mlkit.tensorflow.losses import mean_squared_error


@implements(contract.linear_predict, backend)
def linear_predict(X, W, b):
    return tf.matmul(X, W) + b


@implements(contract.linear_mse_grads, backend)
def linear_mse_grads(X, y, W, b):
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        loss = tf.reduce_mean(mean_squared_error.kernel(y, tf.matmul(X, W) + b))
    dW, db = tape.gradient(loss, [W, b])
    return dW, db


linear_gradient_step = composite(contract.linear_gradient_step, backend,
                                 contract.linear_gradient_step_kernel,
                                 linear_mse_grads=linear_mse_grads.kernel)


@implements(contract.least_squares, backend)
def least_squares(X, y):
    X_ones = tf.concat([X, tf.ones_like(X[:, :1])], axis=1)
    solution = tf.linalg.lstsq(X_ones, y, fast=False)  # fast=True would square the condition
    return solution[:-1], solution[-1]


@implements(contract.standardize, backend)
def standardize(X):
    return tf.reduce_mean(X, axis=0), tf.math.reduce_std(X, axis=0)


class LinearRegression(contract.LinearRegression):
    __doc__ = contract.LinearRegression.__doc__
    _backend = backend

    def _descend(self, X, y, W, b, lr, num_epochs):
        """``num_epochs`` steps of gradient descent, and the loss before each (to a non-finite)."""
        W, b = tf.Variable(W, name="W"), tf.Variable(b, name="b")

        @tf.function
        def descend():  # the whole loop runs as one graph: no Python between the epochs
            losses = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
            for epoch in tf.range(num_epochs):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(mean_squared_error.kernel(y, tf.matmul(X, W) + b))
                losses = losses.write(epoch, loss)
                if not tf.math.is_finite(loss):
                    break
                dW, db = tape.gradient(loss, [W, b])
                W.assign_sub(lr * dW)
                b.assign_sub(lr * db)
            return losses.stack()

        losses = descend().numpy()
        return W.numpy(), b.numpy(), losses

    def _predict(self, X):
        return linear_predict.kernel(X, tf.constant(self.W_), tf.constant(self.b_))
