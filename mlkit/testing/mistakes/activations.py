"""Typical mistakes in activation functions and their derivatives.

See :mod:`mlkit.testing.mistakes` for how test cells use them.

Example:
    >>> wrong = sigmoid(np.array([0.0, 2.0]))
    >>> wrong["a missing minus sign: 1 / (1 + exp(x)) instead of 1 / (1 + exp(-x))"]
    array([0.5       , 0.11920292])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import activations as right
from mlkit.testing.book import explained_in
from mlkit.testing.mistakes._common import f64, quiet

__all__ = [
    "elu",
    "elu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "step",
    "tanh",
    "tanh_grad",
]


@explained_in("activations", "activations-step")
def step(x):
    """Mistakes in ``step(x)`` (1 where x > 0, else 0)."""
    x = f64(x)
    return {
        tr("step(0) should be 0: use x > 0, not x >= 0"): (x >= 0).astype(float),
        tr("the output should be 0 or 1, not -1 or 1 (that is the sign function)"): np.sign(x),
        tr("the comparison is the wrong way round: x < 0 instead of x > 0"): (x < 0).astype(float),
    }


@explained_in("activations", "activations-sigmoid", stability="activations-sigmoid")
def sigmoid(x):
    """Mistakes in ``sigmoid(x) = 1 / (1 + exp(-x))``."""
    x = f64(x)
    with quiet():
        return {
            tr("a missing minus sign: 1 / (1 + exp(x)) instead of 1 / (1 + exp(-x))"):
                1.0 / (1.0 + np.exp(x)),
            tr("exp(-x) / (1 + exp(x)) mixes the two forms of the sigmoid"):
                np.exp(-x) / (1.0 + np.exp(x)),
            tr("1 - exp(-x) is not the sigmoid: divide, 1 / (1 + exp(-x))"): 1.0 - np.exp(-x),
            tr("exp(x) / (1 + exp(x)) overflows for large positive x (inf / inf = NaN); "
               "use it only where x < 0 and 1 / (1 + exp(-x)) where x >= 0"):
                np.exp(x) / (1.0 + np.exp(x)),
        }


@explained_in("activations", "activations-sigmoid")
def sigmoid_grad(x):
    """Mistakes in ``sigmoid_grad(x) = sigmoid(x) * (1 - sigmoid(x))``."""
    x = f64(x)
    with quiet():
        s = right.sigmoid.kernel(x)
        return {
            tr("the derivative was computed from x instead of sigmoid(x): "
               "use s * (1 - s) with s = sigmoid(x), not x * (1 - x)"): x * (1.0 - x),
            tr("the derivative is s * (1 - s), not s * (1 + s)"): s * (1.0 + s),
            tr("the derivative is s * (1 - s), not 1 - s"): 1.0 - s,
            tr("sigmoid_grad returned sigmoid(x) itself, not its derivative"): s,
            tr("the derivative is s * (1 - s), not 1 - s ** 2 (that is tanh's)"): 1.0 - s * s,
        }


@explained_in("activations", "activations-tanh")
def tanh(x):
    """Mistakes in ``tanh(x)``."""
    x = f64(x)
    with quiet():
        return {
            tr("tanh(x) = 2 * sigmoid(2x) - 1, not sigmoid(x)"): right.sigmoid.kernel(x),
            tr("tanh(x) = 2 * sigmoid(2x) - 1, not 2 * sigmoid(x) - 1"):
                2.0 * right.sigmoid.kernel(x) - 1.0,
            tr("the sign is flipped: (exp(-x) - exp(x)) / (exp(x) + exp(-x)) is -tanh(x)"):
                -np.tanh(x),
        }


@explained_in("activations", "activations-tanh")
def tanh_grad(x):
    """Mistakes in ``tanh_grad(x) = 1 - tanh(x) ** 2``."""
    x = f64(x)
    t = np.tanh(x)
    return {
        tr("the derivative was computed from x instead of tanh(x): "
           "use 1 - t ** 2 with t = tanh(x), not 1 - x ** 2"): 1.0 - x * x,
        tr("the derivative is 1 - tanh(x) ** 2, not 1 - tanh(x)"): 1.0 - t,
        tr("the derivative is 1 - tanh(x) ** 2, not 1 + tanh(x) ** 2"): 1.0 + t * t,
    }


@explained_in("activations", "activations-relu")
def relu(x):
    """Mistakes in ``relu(x) = max(0, x)``."""
    x = f64(x)
    return {
        tr("relu(x) = max(0, x) element by element: np.max(x, 0) reduces the array along "
           "axis 0, np.maximum(x, 0) compares each element with 0"):
            np.max(x, axis=0) if x.ndim else x,
        tr("relu keeps the positive part: max(0, x), not min(0, x)"): np.minimum(0.0, x),
        tr("relu(x) = max(0, x), not |x|"): np.abs(x),
    }


@explained_in("activations", "activations-dying-relu")
def relu_grad(x):
    """Mistakes in ``relu_grad(x)``."""
    x = f64(x)
    return {
        tr("relu_grad(0) should be 0 (as in TensorFlow): use x > 0, not x >= 0"):
            (x >= 0).astype(float),
        tr("relu_grad returned relu(x) itself, not its derivative (0 or 1)"): np.maximum(0.0, x),
    }


@explained_in("activations", "activations-leaky-elu")
def leaky_relu(x, negative_slope=0.01):
    """Mistakes in ``leaky_relu(x, negative_slope)``."""
    x = f64(x)
    return {
        tr("the slope applies to negative inputs: x if x > 0 else negative_slope * x, "
           "not the other way round"): np.where(x > 0, negative_slope * x, x),
        tr("negative_slope was ignored (a fixed slope of 0.01 was used)"):
            np.where(x > 0, x, 0.01 * x),
        tr("negative_slope was ignored (a fixed slope of 0.2 was used)"):
            np.where(x > 0, x, 0.2 * x),
        tr("negative inputs give 0: that is relu, not leaky_relu"): np.maximum(0.0, x),
        tr("negative_slope multiplies x: x * negative_slope, not negative_slope alone"):
            np.where(x > 0, x, negative_slope),
    }


@explained_in("activations", "activations-leaky-elu")
def leaky_relu_grad(x, negative_slope=0.01):
    """Mistakes in ``leaky_relu_grad(x, negative_slope)``."""
    x = f64(x)
    return {
        tr("the derivative for x <= 0 is negative_slope, not 0 (that is relu's)"):
            (x > 0).astype(float),
        tr("the derivative for x <= 0 is negative_slope, not negative_slope * x"):
            np.where(x > 0, 1.0, negative_slope * x),
        tr("negative_slope was ignored (a fixed slope of 0.01 was used)"):
            np.where(x > 0, 1.0, 0.01),
    }


@explained_in("activations", "activations-leaky-elu")
def elu(x, alpha=1.0):
    """Mistakes in ``elu(x, alpha)``."""
    x = f64(x)
    with quiet():
        return {
            tr("elu(x) = alpha * (exp(x) - 1) for x <= 0: the '- 1' is missing"):
                np.where(x > 0, x, alpha * np.exp(x)),
            tr("alpha was ignored"): np.where(x > 0, x, np.expm1(x)),
            tr("elu(x) = alpha * (exp(x) - 1) for x <= 0, not alpha * x"):
                np.where(x > 0, x, alpha * x),
        }


@explained_in("activations", "activations-leaky-elu")
def elu_grad(x, alpha=1.0):
    """Mistakes in ``elu_grad(x, alpha)``."""
    x = f64(x)
    with quiet():
        return {
            tr("the derivative of alpha * (exp(x) - 1) is alpha * exp(x), "
               "not alpha * (exp(x) - 1)"): np.where(x > 0, 1.0, alpha * np.expm1(x)),
            tr("alpha was ignored in the derivative"): np.where(x > 0, 1.0, np.exp(x)),
            tr("the derivative for x > 0 is 1, not x"): np.where(x > 0, x, alpha * np.exp(x)),
        }
