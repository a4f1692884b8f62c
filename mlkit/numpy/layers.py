"""Layers as forward/backward function pairs, NumPy reference implementations.

Each ``*_forward`` returns its output and a ``cache`` of what the backward pass
needs; each ``*_backward`` takes the upstream gradient (the gradient of the loss
with respect to the forward output) and that cache, and returns the gradients
with respect to the forward inputs. Chaining them backwards through a network
is back-propagation.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Back-propagation*.
"""

import numpy as np

from mlkit.numpy import activations
from mlkit.numpy._checks import as_float_array

__all__ = [
    "activation_backward",
    "activation_forward",
    "dense_backward",
    "dense_forward",
]

# name -> (function, derivative at the pre-activation)
_ACTIVATIONS = {
    "linear": (lambda Z: Z, np.ones_like),
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "tanh": (activations.tanh, activations.tanh_grad),
    "relu": (activations.relu, activations.relu_grad),
    "leaky_relu": (activations.leaky_relu, activations.leaky_relu_grad),
    "elu": (activations.elu, activations.elu_grad),
}


def _check_dense(X, W, b):
    """X, W and b as float arrays of matching shapes, or a clear error."""
    X, W, b = as_float_array(X, "X"), as_float_array(W, "W"), as_float_array(b, "b")
    if X.ndim != 2:
        raise ValueError(
            f"`X` must have shape (n, n_in): one row per example. Received: X.shape={X.shape}")
    if W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise ValueError(
            f"`W` must have shape (n_in, n_out) with n_in = {X.shape[1]}, the number of "
            f"columns of `X`. Received: W.shape={W.shape}")
    if b.shape != (W.shape[1],):
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
        >>> Z, cache = dense_forward(np.array([[1.0, 2.0]]), np.array([[1.0], [-1.0]]),
        ...                          np.array([0.5]))
        >>> Z
        array([[-0.5]])
    """
    X, W, b = _check_dense(X, W, b)
    return X @ W + b, (X, W)


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
        >>> _, cache = dense_forward(np.array([[1.0, 2.0]]), np.array([[1.0], [-1.0]]),
        ...                          np.array([0.5]))
        >>> dX, dW, db = dense_backward(np.array([[1.0]]), cache)
        >>> dX, dW.ravel(), db
        (array([[ 1., -1.]]), array([1., 2.]), array([1.]))
    """
    X, W = cache
    dZ = as_float_array(dZ, "dZ")
    if dZ.shape != (X.shape[0], W.shape[1]):
        raise ValueError(
            f"`dZ` must have the shape of the layer's output (n, n_out) = "
            f"{(X.shape[0], W.shape[1])}. Received: dZ.shape={dZ.shape}")
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


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
        >>> H, cache = activation_forward(np.array([[-1.0, 2.0]]), "relu")
        >>> H
        array([[0., 2.]])
    """
    function, _ = _activation(activation)
    Z = as_float_array(Z, "Z")
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
        >>> _, cache = activation_forward(np.array([[-1.0, 2.0]]), "relu")
        >>> activation_backward(np.array([[5.0, 5.0]]), cache)
        array([[0., 5.]])
    """
    Z, activation = cache
    _, derivative = _activation(activation)
    dH = as_float_array(dH, "dH")
    if dH.shape != Z.shape:
        raise ValueError(
            f"`dH` must have the shape of the layer's output {Z.shape}. "
            f"Received: dH.shape={dH.shape}")
    return dH * derivative(Z)
