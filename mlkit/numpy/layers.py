"""Layers as forward/backward function pairs: the NumPy kernels.

Each function is the plain mathematics on arrays already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.layers``.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Back-propagation*.
"""

import numpy as np

from mlkit._contract import composite, implements
from mlkit.contracts import layers as contract
from mlkit.numpy import _checks as backend
from mlkit.numpy import activations

# name -> (f, f'), the activation kernels
ACTIVATIONS = contract.activation_kernels(activations, lambda Z: Z, np.ones_like)


@implements(contract.dense_forward, backend)
def dense_forward(X, W, b):
    return X @ W + b, (X, W)


@implements(contract.dense_backward, backend)
def dense_backward(dZ, cache, input_grad=True):
    X, W = cache
    dX = dZ @ W.T if input_grad else None
    return dX, X.T @ dZ, dZ.sum(axis=0)


activation_forward = composite(contract.activation_forward, backend,
                               contract.activation_forward_kernel, activations=ACTIVATIONS)
activation_backward = composite(contract.activation_backward, backend,
                                contract.activation_backward_kernel, activations=ACTIVATIONS)
