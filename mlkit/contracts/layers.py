"""Layers as forward/backward function pairs: the contract both backends fulfil.

Each ``*_forward`` returns its output and a ``cache`` of what the backward pass
needs; each ``*_backward`` takes the upstream gradient (the gradient of the loss
with respect to the forward output) and that cache, and returns the gradients
with respect to the forward inputs. Chaining them backwards through a network
is back-propagation. Both backends write the backward passes out by hand
(``tf.GradientTape`` is their oracle in the tests, not their implementation).

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Back-propagation*.
"""

import functools
import types

from mlkit._args import shape_fits

__all__ = [
    "activation_backward",
    "activation_forward",
    "dense_backward",
    "dense_forward",
]

# The hidden activations an activation layer knows, with the defaults of their contracts.
ACTIVATIONS = ("elu", "leaky_relu", "linear", "relu", "sigmoid", "tanh")


def activation_kernels(activations, identity, ones_like):
    """``name -> (f, f')`` for the activation layers, from a backend's activations module.

    Args:
        activations: the backend's :mod:`activations` module (its public functions,
            whose ``kernel`` attributes are used).
        identity: the backend's identity function, the "linear" activation.
        ones_like: the backend's ``ones_like``, the derivative of the identity.

    Returns:
        A read-only mapping of kernel pairs, for arguments already checked.
    """
    def pair(name, **defaults):
        forward, derivative = getattr(activations, name), getattr(activations, name + "_grad")
        return (functools.partial(forward.kernel, **defaults),
                functools.partial(derivative.kernel, **defaults))

    return types.MappingProxyType({
        "linear": (identity, ones_like), "sigmoid": pair("sigmoid"), "tanh": pair("tanh"),
        "relu": pair("relu"), "leaky_relu": pair("leaky_relu", negative_slope=0.01),
        "elu": pair("elu", alpha=1.0)})


def check_activation(activation):
    """Return ``activation`` if it names a known activation layer, else raise."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {sorted(ACTIVATIONS)}. "
                         f"Received: activation={activation!r}")
    return activation


def dense_forward(backend, kernel):
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
            >>> X, W, b = np.array([[1.0, 2.0]]), np.array([[1.0], [-1.0]]), np.array([0.5])
            >>> Z, cache = mk.dense_forward(X, W, b)
            >>> np.asarray(Z)
            array([[-0.5]])
        """
        X = backend.check_shape(backend.as_float(X, "X"), "X", "(n, n_in): one row per example",
                                ndim=2)
        n_in = backend.shape(X)[1]
        W = backend.check_shape(backend.as_float(W, "W"), "W", "(n_in, n_out)", ndim=2,
                                sizes={0: n_in},
                                origin=f"n_in = {n_in}, the number of columns of `X`")
        n_out = backend.shape(W)[1]
        b = backend.check_shape(backend.as_float(b, "b"), "b",
                                f"(n_out,) = ({n_out},), one bias per column of `W`", ndim=1,
                                sizes={0: n_out})
        return kernel(X, W, b)

    return dense_forward


def dense_backward(backend, kernel):
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
            >>> X, W, b = np.array([[1.0, 2.0]]), np.array([[1.0], [-1.0]]), np.array([0.5])
            >>> _, cache = mk.dense_forward(X, W, b)
            >>> dX, dW, db = mk.dense_backward(np.array([[1.0]]), cache)
            >>> np.asarray(dX), np.asarray(dW).ravel(), np.asarray(db)
            (array([[ 1., -1.]]), array([1., 2.]), array([1.]))
        """
        X, W = cache
        dZ = backend.as_float(dZ, "dZ")
        expected = (backend.shape(X)[0], backend.shape(W)[1])
        if not shape_fits(backend.shape(dZ), expected):
            raise ValueError(f"`dZ` must have the shape of the layer's output (n, n_out) = "
                             f"{expected}. Received: dZ.shape={backend.shape(dZ)}")
        return kernel(dZ, cache)

    return dense_backward


def activation_forward(backend, kernel):
    def activation_forward(Z, activation="relu"):
        """Forward pass of an elementwise activation layer.

        .. math:: H = f(Z)

        Args:
            Z: pre-activations, any shape (usually (n, n_units)).
            activation: the name of ``f``: "linear", "sigmoid", "tanh", "relu",
                "leaky_relu" (slope 0.01) or "elu" (alpha 1).

        Returns:
            ``(H, cache)``: ``H`` of the shape of ``Z``, and ``cache = (Z, activation)``.

        Example:
            >>> H, cache = mk.activation_forward(np.array([[-1.0, 2.0]]), "relu")
            >>> np.asarray(H)
            array([[0., 2.]])
        """
        check_activation(activation)
        return kernel(backend.as_float(Z, "Z"), activation)

    return activation_forward


def activation_forward_kernel(Z, activation, *, activations):
    """The kernel of :func:`activation_forward`, for both backends.

    ``activations`` is the backend's ``name -> (f, f')`` of :func:`activation_kernels`.
    """
    f, _ = activations[activation]
    return f(Z), (Z, activation)


def activation_backward(backend, kernel):
    def activation_backward(dH, cache):
        """Backward pass of an elementwise activation layer: the chain rule, element by element.

        .. math:: \\frac{\\partial L}{\\partial Z} = \\frac{\\partial L}{\\partial H} \\odot f'(Z)

        Args:
            dH: upstream gradient, the shape of the layer's output.
            cache: the ``(Z, activation)`` returned by :func:`activation_forward`.

        Returns:
            ``dZ`` of the shape of ``Z``.

        Example:
            >>> _, cache = mk.activation_forward(np.array([[-1.0, 2.0]]), "relu")
            >>> np.asarray(mk.activation_backward(np.array([[5.0, 5.0]]), cache))
            array([[0., 5.]])
        """
        Z, activation = cache
        check_activation(activation)
        dH = backend.as_float(dH, "dH")
        if not shape_fits(backend.shape(dH), backend.shape(Z)):
            raise ValueError(f"`dH` must have the shape of the layer's output {backend.shape(Z)}. "
                             f"Received: dH.shape={backend.shape(dH)}")
        return kernel(dH, cache)

    return activation_backward


def activation_backward_kernel(dH, cache, *, activations):
    """The kernel of :func:`activation_backward`, for both backends.

    ``activations`` is the backend's ``name -> (f, f')`` of :func:`activation_kernels`.
    """
    Z, activation = cache
    _, f_prime = activations[activation]
    return dH * f_prime(Z)
