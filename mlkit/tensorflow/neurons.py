"""Threshold logic units, one at a time and a layer at once, in TensorFlow.

The same names, signatures and results as :mod:`mlkit.numpy.neurons`. Each
function accepts tensors, arrays or numbers, computes in the float dtype of the
inputs ``x`` or ``X`` (integer and boolean inputs become float32; the weights
and the bias are cast to that dtype), pins no device and works both eagerly and
inside ``tf.function``, also when the number of examples is not known when the
function is traced.

Taught in the book chapter *Neurons*.
"""

import tensorflow as tf

from mlkit.tensorflow._checks import as_float_tensor, check_shape
from mlkit.tensorflow.activations import step

__all__ = ["tlu", "tlu_layer"]


def _size_text(size):
    return "?" if size is None else str(size)


def tlu(x, w, b):
    """Threshold logic unit: 1 when the weighted sum plus the bias is positive, else 0.

    .. math:: f(x) = \\operatorname{step}(w \\cdot x + b)

    Args:
        x: one example of shape (n_inputs,) or a batch of shape (n, n_inputs).
        w: weights of shape (n_inputs,).
        b: the bias, a single number (shape ()).

    Returns:
        Tensor of 0.0 and 1.0 in the float dtype of ``x``: shape () for one
        example, (n,) for a batch.

    Raises:
        ValueError: if a shape does not fit, e.g. ``w`` of another length than ``x``'s rows.

    Example:
        >>> X = tf.constant([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> tlu(X, tf.constant([1.0, 1.0]), -1.5).numpy()   # AND
        array([0., 0., 0., 1.], dtype=float32)
    """
    x = as_float_tensor(x, "x")
    check_shape(x, "x", "(n_inputs,) or (n, n_inputs)", ndim=(1, 2))
    n_inputs = x.shape[-1]
    w = tf.cast(as_float_tensor(w, "w"), x.dtype)
    check_shape(w, "w", "(n_inputs,)", ndim=1, sizes={0: n_inputs},
                origin=f"n_inputs = {_size_text(n_inputs)} from `x`")
    b = tf.cast(as_float_tensor(b, "b"), x.dtype)
    check_shape(b, "b", "() (a single number)", ndim=0)
    z = tf.tensordot(x, w, axes=1) if x.shape.rank == 1 else tf.linalg.matvec(x, w)
    return step(z + b)


def tlu_layer(X, W, b):
    """A layer of threshold logic units that all see the same inputs: one matrix product.

    .. math:: H = \\operatorname{step}(X W + b)

    Column ``j`` of ``W`` and ``b[j]`` are the weights and the bias of unit ``j``;
    the bias is broadcast over the rows.

    Args:
        X: inputs of shape (n, n_inputs), or one example of shape (n_inputs,).
        W: weights of shape (n_inputs, n_units), one column per unit.
        b: biases of shape (n_units,), one per unit.

    Returns:
        Tensor of 0.0 and 1.0 in the float dtype of ``X``, of shape (n, n_units)
        (or (n_units,) for one example).

    Raises:
        ValueError: if a shape does not fit, e.g. ``W`` with another number of rows than ``X``
            has columns.

    Example:
        >>> X = tf.constant([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> W = tf.constant([[1.0, 1.0, -1.0],
        ...                  [1.0, 1.0, -1.0]])
        >>> tlu_layer(X, W, tf.constant([-1.5, -0.5, 1.5])).numpy()   # AND, OR, NAND
        array([[0., 0., 1.],
               [0., 1., 1.],
               [0., 1., 1.],
               [1., 1., 0.]], dtype=float32)
    """
    X = as_float_tensor(X, "X")
    check_shape(X, "X", "(n, n_inputs) or (n_inputs,)", ndim=(1, 2))
    n_inputs = X.shape[-1]
    W = tf.cast(as_float_tensor(W, "W"), X.dtype)
    check_shape(W, "W", "(n_inputs, n_units)", ndim=2, sizes={0: n_inputs},
                origin=f"n_inputs = {_size_text(n_inputs)} from `X`")
    n_units = W.shape[1]
    b = tf.cast(as_float_tensor(b, "b"), X.dtype)
    check_shape(b, "b", "(n_units,)", ndim=1, sizes={0: n_units},
                origin=f"n_units = {_size_text(n_units)} from `W`")
    # One example: the single row of X W is W^T X.
    Z = tf.linalg.matvec(W, X, transpose_a=True) if X.shape.rank == 1 else tf.matmul(X, W)
    return step(Z + b)
