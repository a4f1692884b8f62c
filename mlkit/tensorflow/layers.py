"""Layers as forward/backward function pairs in TensorFlow.

The same names, signatures and results as :mod:`mlkit.numpy.layers`: the
backward passes are written out by hand here too (``tf.GradientTape`` is their
oracle in the tests, not their implementation). No device is pinned; every
function works eagerly and inside ``tf.function``.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Back-propagation*.
"""

import tensorflow as tf

from mlkit.tensorflow import activations
from mlkit.tensorflow._checks import as_float_tensor

__all__ = [
    "activation_backward",
    "activation_forward",
    "dense_backward",
    "dense_forward",
]

# name -> (function, derivative at the pre-activation)
_ACTIVATIONS = {
    "linear": (tf.identity, tf.ones_like),
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "tanh": (activations.tanh, activations.tanh_grad),
    "relu": (activations.relu, activations.relu_grad),
    "leaky_relu": (activations.leaky_relu, activations.leaky_relu_grad),
    "elu": (activations.elu, activations.elu_grad),
}


def _check_dense(X, W, b):
    """X, W and b as float tensors of matching static shapes, or a clear error."""
    X, W, b = as_float_tensor(X, "X"), as_float_tensor(W, "W"), as_float_tensor(b, "b")
    if X.shape.rank != 2:
        raise ValueError(
            f"`X` must have shape (n, n_in): one row per example. Received: X.shape={X.shape}")
    if W.shape.rank != 2 or not X.shape[1:].is_compatible_with(W.shape[:1]):
        raise ValueError(
            f"`W` must have shape (n_in, n_out) with n_in = {X.shape[1]}, the number of "
            f"columns of `X`. Received: W.shape={W.shape}")
    if b.shape.rank != 1 or not b.shape.is_compatible_with(W.shape[1:]):
        raise ValueError(
            f"`b` must have shape (n_out,) = ({W.shape[1]},), one bias per column of `W`. "
            f"Received: b.shape={b.shape}")
    return X, W, b


def dense_forward(X, W, b):
    """Forward pass of a dense (fully connected) layer.

    .. math:: Z = X W + b

    Args:
        X: inputs of shape (n, n_in), one row per example.
        W: weights of shape (n_in, n_out).
        b: biases of shape (n_out,), added to every row.

    Returns:
        ``(Z, cache)``: ``Z`` of shape (n, n_out), and ``cache = (X, W)`` for
        :func:`dense_backward`.

    Example:
        >>> Z, cache = dense_forward(tf.constant([[1.0, 2.0]]), tf.constant([[1.0], [-1.0]]),
        ...                          tf.constant([0.5]))
        >>> Z.numpy()
        array([[-0.5]], dtype=float32)
    """
    X, W, b = _check_dense(X, W, b)
    return tf.matmul(X, W) + b, (X, W)


def dense_backward(dZ, cache):
    """Backward pass of a dense layer.

    .. math::

        \\frac{\\partial L}{\\partial X} = \\frac{\\partial L}{\\partial Z} W^\\top, \\quad
        \\frac{\\partial L}{\\partial W} = X^\\top \\frac{\\partial L}{\\partial Z}, \\quad
        \\frac{\\partial L}{\\partial b} = \\sum_i \\frac{\\partial L}{\\partial Z_{i,:}}

    Args:
        dZ: upstream gradient of shape (n, n_out).
        cache: the ``(X, W)`` returned by :func:`dense_forward`.

    Returns:
        ``(dX, dW, db)`` of shapes (n, n_in), (n_in, n_out) and (n_out,).

    Example:
        >>> _, cache = dense_forward(tf.constant([[1.0, 2.0]]), tf.constant([[1.0], [-1.0]]),
        ...                          tf.constant([0.5]))
        >>> dX, dW, db = dense_backward(tf.constant([[1.0]]), cache)
        >>> dX.numpy()
        array([[ 1., -1.]], dtype=float32)
        >>> dW.numpy().ravel(), db.numpy()
        (array([1., 2.], dtype=float32), array([1.], dtype=float32))
    """
    X, W = cache
    dZ = as_float_tensor(dZ, "dZ")
    expected = tf.TensorShape([X.shape[0], W.shape[1]])
    if not dZ.shape.is_compatible_with(expected):
        raise ValueError(
            f"`dZ` must have the shape of the layer's output (n, n_out) = {expected}. "
            f"Received: dZ.shape={dZ.shape}")
    return (tf.matmul(dZ, W, transpose_b=True), tf.matmul(X, dZ, transpose_a=True),
            tf.reduce_sum(dZ, axis=0))


def _activation(name):
    if name not in _ACTIVATIONS:
        raise ValueError(
            f"`activation` must be one of {sorted(_ACTIVATIONS)}. Received: activation={name!r}")
    return _ACTIVATIONS[name]


def activation_forward(Z, activation="relu"):
    """Forward pass of an elementwise activation layer.

    .. math:: H = f(Z)

    Args:
        Z: pre-activations, any shape (usually (n, n_units)).
        activation: the name of ``f``: "linear", "sigmoid", "tanh", "relu", "leaky_relu"
            (slope 0.01) or "elu" (alpha 1).

    Returns:
        ``(H, cache)``: ``H`` of the shape of ``Z``, and ``cache = (Z, activation)``.

    Example:
        >>> H, cache = activation_forward(tf.constant([[-1.0, 2.0]]), "relu")
        >>> H.numpy()
        array([[0., 2.]], dtype=float32)
    """
    function, _ = _activation(activation)
    Z = as_float_tensor(Z, "Z")
    return function(Z), (Z, activation)


def activation_backward(dH, cache):
    """Backward pass of an elementwise activation layer: the chain rule, element by element.

    .. math:: \\frac{\\partial L}{\\partial Z} = \\frac{\\partial L}{\\partial H} \\odot f'(Z)

    Args:
        dH: upstream gradient, the shape of the layer's output.
        cache: the ``(Z, activation)`` returned by :func:`activation_forward`.

    Returns:
        ``dZ`` of the shape of ``Z``.

    Example:
        >>> _, cache = activation_forward(tf.constant([[-1.0, 2.0]]), "relu")
        >>> activation_backward(tf.constant([[5.0, 5.0]]), cache).numpy()
        array([[0., 5.]], dtype=float32)
    """
    Z, activation = cache
    _, derivative = _activation(activation)
    dH = as_float_tensor(dH, "dH")
    if not dH.shape.is_compatible_with(Z.shape):
        raise ValueError(
            f"`dH` must have the shape of the layer's output {Z.shape}. "
            f"Received: dH.shape={dH.shape}")
    return dH * derivative(Z)
