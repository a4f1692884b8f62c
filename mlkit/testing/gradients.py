"""Numerical gradients and the relative error: the gradient check of the course.

Used by mlkit's own tests, by the assignments' test cells, and by students
checking their back-propagation code.
"""

import numpy as np

__all__ = ["numerical_gradient", "rel_error"]


def _to_numpy(value):
    """Return ``value`` (a number, array or tensor) as a float64 NumPy array."""
    if hasattr(value, "numpy"):  # a TensorFlow tensor; avoids importing TensorFlow
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


def numerical_gradient(f, x, *, upstream=None, eps=1e-6):
    """Gradient of ``sum(f(x) * upstream)`` with respect to ``x`` by centred differences.

    .. math::

        \\frac{\\partial L}{\\partial x_i} \\approx
        \\frac{L(x + \\epsilon e_i) - L(x - \\epsilon e_i)}{2 \\epsilon},
        \\qquad L(x) = \\sum_j f(x)_j \\, u_j

    With ``upstream`` left out (all ones) this is the gradient of a scalar
    function, or, for an elementwise ``f``, its derivative at every element.
    With ``upstream`` given it is what a backward pass returns for the upstream
    gradient ``u``. The error of centred differences is of order ``eps**2``.
    ``f`` is called twice per element of ``x``: use small inputs.

    Args:
        f: function of one array argument returning an array (or tensor) of any shape.
        x: the point, any shape; it is not modified.
        upstream: weights ``u`` of the shape of ``f(x)``; ones when left out.
        eps: the step.

    Returns:
        float64 array of the shape of ``x``.

    Example:
        >>> numerical_gradient(lambda x: np.sum(x ** 2), np.array([1.0, -2.0])).round(6)
        array([ 2., -4.])
    """
    x = np.array(x, dtype=np.float64)  # a copy that we perturb in place
    grad = np.zeros_like(x)
    weights = None if upstream is None else _to_numpy(upstream)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = _to_numpy(f(x.copy()))
        x[index] = original - eps
        f_minus = _to_numpy(f(x.copy()))
        x[index] = original
        diff = f_plus - f_minus
        if weights is not None:
            diff = diff * weights
        grad[index] = np.sum(diff) / (2.0 * eps)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error between two arrays.

    .. math:: \\max_i \\frac{|a_i - b_i|}{\\max(10^{-8}, |a_i| + |b_i|)}

    As a rule of thumb in float64: below 1e-7 the two agree; around 1e-4 look
    closer (a kink such as ReLU's at 0 can explain it); above 1e-2 one of them
    is wrong.

    Args:
        a: array or tensor, any shape.
        b: array or tensor broadcastable to the shape of ``a``.

    Returns:
        A Python float.

    Example:
        >>> rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2]))
        0.047619047619047...
    """
    a, b = _to_numpy(a), _to_numpy(b)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
