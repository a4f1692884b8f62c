"""Activation functions and their derivatives: the TensorFlow kernels.

Each function is the plain mathematics on a tensor already checked; its
contract (signature, docstring, checks, return type) is written once, for both
backends, in ``mlkit.contracts.activations``. No device is pinned, and every
function works eagerly and inside ``tf.function``.

Taught in the book chapter *Activation functions*.
"""

import tensorflow as tf

from mlkit._contract import composite, implements
from mlkit.contracts import activations as contract
from mlkit.tensorflow import _checks as backend


@implements(contract.step, backend)
def step(x):
    return tf.cast(x > 0, x.dtype)


@implements(contract.step_grad, backend)
def step_grad(x):
    return tf.zeros_like(x)


@implements(contract.sigmoid, backend)
def sigmoid(x):
    return tf.math.sigmoid(x)  # stable for any x


sigmoid_grad = composite(contract.sigmoid_grad, backend, contract.sigmoid_grad_kernel,
                         sigmoid=sigmoid.kernel)


@implements(contract.tanh, backend)
def tanh(x):
    return tf.math.tanh(x)


tanh_grad = composite(contract.tanh_grad, backend, contract.tanh_grad_kernel,
                      tanh=tanh.kernel)


@implements(contract.relu, backend)
def relu(x):
    return tf.nn.relu(x)


relu_grad = composite(contract.relu_grad, backend, contract.relu_grad_kernel,
                      step=step.kernel)


@implements(contract.leaky_relu, backend)
def leaky_relu(x, negative_slope):
    return tf.where(x > 0, x, negative_slope * x)


@implements(contract.leaky_relu_grad, backend)
def leaky_relu_grad(x, negative_slope):
    return tf.where(x > 0, tf.ones_like(x), negative_slope * tf.ones_like(x))


@implements(contract.elu, backend)
def elu(x, alpha):
    # expm1 of min(x, 0): accurate near 0, and no inf (nor a NaN gradient) for large x
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, 0.0)))


@implements(contract.elu_grad, backend)
def elu_grad(x, alpha):
    return tf.where(x > 0, tf.ones_like(x), alpha * tf.math.exp(tf.minimum(x, 0.0)))


@implements(contract.maxout, backend)
def maxout(x, num_units, axis):
    rank = x.shape.rank
    to_last = [d for d in range(rank) if d != axis] + [axis]
    moved = tf.transpose(x, to_last)  # the pieces on the last axis
    groups = tf.reshape(moved, tf.concat([tf.shape(moved)[:-1], [num_units, -1]], axis=0))
    back = list(range(rank - 1))
    back.insert(axis, rank - 1)
    return tf.transpose(tf.reduce_max(groups, axis=-1), back)
