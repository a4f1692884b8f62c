"""Layers as forward/backward function pairs: the TensorFlow kernels.

Each function is the plain mathematics on tensors already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.layers``. The backward passes are written out by hand here
too. No device is pinned; every function works eagerly and inside ``tf.function``.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Back-propagation*.
"""

import tensorflow as tf

from mlkit._contract import composite, implements
from mlkit.contracts import layers as contract
from mlkit.tensorflow import _checks as backend
from mlkit.tensorflow import activations

# name -> (f, f'), the activation kernels
ACTIVATIONS = contract.activation_kernels(activations, tf.identity, tf.ones_like)


@implements(contract.dense_forward, backend)
def dense_forward(X, W, b):
    return tf.matmul(X, W) + b, (X, W)


@implements(contract.dense_backward, backend)
def dense_backward(dZ, cache, input_grad=True):
    X, W = cache
    dX = tf.matmul(dZ, W, transpose_b=True) if input_grad else None
    return dX, tf.matmul(X, dZ, transpose_a=True), tf.reduce_sum(dZ, axis=0)


activation_forward = composite(contract.activation_forward, backend,
                               contract.activation_forward_kernel, activations=ACTIVATIONS)
activation_backward = composite(contract.activation_backward, backend,
                                contract.activation_backward_kernel, activations=ACTIVATIONS)
