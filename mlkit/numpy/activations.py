"""Activation functions and their derivatives: the NumPy kernels.

Each function is the plain mathematics on an array already checked; its
contract (signature, docstring, checks, return type) is written once, for both
backends, in ``mlkit.contracts.activations``.

Taught in the book chapter *Activation functions*.
"""

import numpy as np

from mlkit._contract import composite, implements
from mlkit.contracts import activations as contract
from mlkit.numpy import _checks as backend


@implements(contract.step, backend)
def step(x):
    return x > 0


@implements(contract.step_grad, backend)
def step_grad(x):
    return np.zeros_like(x)


@implements(contract.sigmoid, backend)
def sigmoid(x):
    z = np.exp(-np.abs(x))  # at most 1: no overflow, whatever the sign of x
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


sigmoid_grad = composite(contract.sigmoid_grad, backend, contract.sigmoid_grad_kernel,
                         sigmoid=sigmoid.kernel)


@implements(contract.tanh, backend)
def tanh(x):
    return np.tanh(x)


tanh_grad = composite(contract.tanh_grad, backend, contract.tanh_grad_kernel,
                      tanh=tanh.kernel)


@implements(contract.relu, backend)
def relu(x):
    return np.maximum(x, 0.0)


relu_grad = composite(contract.relu_grad, backend, contract.relu_grad_kernel,
                      step=step.kernel)


@implements(contract.leaky_relu, backend)
def leaky_relu(x, negative_slope):
    return np.where(x > 0, x, negative_slope * x)


@implements(contract.leaky_relu_grad, backend)
def leaky_relu_grad(x, negative_slope):
    return np.where(x > 0, np.ones_like(x), negative_slope)


@implements(contract.elu, backend)
def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


@implements(contract.elu_grad, backend)
def elu_grad(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


@implements(contract.maxout, backend)
def maxout(x, num_units, axis):
    moved = np.moveaxis(x, axis, -1)  # the pieces on the last axis
    groups = moved.reshape((*moved.shape[:-1], num_units, -1))
    return np.moveaxis(groups.max(axis=-1), -1, axis)
