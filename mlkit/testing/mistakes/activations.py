"""Typical mistakes in activation functions and their derivatives.

See :mod:`mlkit.testing.mistakes` for how test cells use them.

Example:
    >>> wrong = sigmoid(np.array([0.0, 2.0]))
    >>> wrong[MISSING_MINUS]
    array([0.5       , 0.11920292])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import activations as right
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64, quiet

_DYING_RELU = Section("activations", "activations-dying-relu")
_LEAKY_ELU = Section("activations", "activations-leaky-elu")
_RELU = Section("activations", "activations-relu")
_SIGMOID = Section("activations", "activations-sigmoid")
_STEP = Section("activations", "activations-step")
_TANH = Section("activations", "activations-tanh")

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


STEP_AT_ZERO = Mistake(
    "activations/step-at-zero",
    tr("step(0) should be 0: use x > 0, not x >= 0"),
    _STEP)
SIGN_FUNCTION = Mistake(
    "activations/sign-function",
    tr("the output should be 0 or 1, not -1 or 1 (that is the sign function)"),
    _STEP)
COMPARISON_REVERSED = Mistake(
    "activations/comparison-reversed",
    tr("the comparison is the wrong way round: x < 0 instead of x > 0"),
    _STEP)


@explained_in("activations", "activations-step")
def step(x):
    """Mistakes in ``step(x)`` (1 where x > 0, else 0)."""
    x = f64(x)
    return {
        STEP_AT_ZERO: (x >= 0).astype(float),
        SIGN_FUNCTION: np.sign(x),
        COMPARISON_REVERSED: (x < 0).astype(float),
    }


MISSING_MINUS = Mistake(
    "activations/missing-minus",
    tr("a missing minus sign: 1 / (1 + exp(x)) instead of 1 / (1 + exp(-x))"),
    _SIGMOID)
MIXED_FORMS = Mistake(
    "activations/mixed-forms",
    tr("exp(-x) / (1 + exp(x)) mixes the two forms of the sigmoid"),
    _SIGMOID)
SUBTRACTED_NOT_DIVIDED = Mistake(
    "activations/subtracted-not-divided",
    tr("1 - exp(-x) is not the sigmoid: divide, 1 / (1 + exp(-x))"),
    _SIGMOID)
OVERFLOWING_FORM = Mistake(
    "activations/overflowing-form",
    tr("exp(x) / (1 + exp(x)) overflows for large positive x (inf / inf = NaN); use it only "
       "where x < 0 and 1 / (1 + exp(-x)) where x >= 0"),
    _SIGMOID)


@explained_in("activations", "activations-sigmoid", stability="activations-sigmoid")
def sigmoid(x):
    """Mistakes in ``sigmoid(x) = 1 / (1 + exp(-x))``."""
    x = f64(x)
    with quiet():
        return {
            MISSING_MINUS: 1.0 / (1.0 + np.exp(x)),
            MIXED_FORMS: np.exp(-x) / (1.0 + np.exp(x)),
            SUBTRACTED_NOT_DIVIDED: 1.0 - np.exp(-x),
            OVERFLOWING_FORM: np.exp(x) / (1.0 + np.exp(x)),
        }


SIGMOID_GRAD_FROM_X = Mistake(
    "activations/sigmoid-grad-from-x",
    tr("the derivative was computed from x instead of sigmoid(x): use s * (1 - s) with s = "
       "sigmoid(x), not x * (1 - x)"),
    _SIGMOID)
SIGMOID_GRAD_PLUS = Mistake(
    "activations/sigmoid-grad-plus",
    tr("the derivative is s * (1 - s), not s * (1 + s)"),
    _SIGMOID)
SIGMOID_GRAD_ONE_MINUS = Mistake(
    "activations/sigmoid-grad-one-minus",
    tr("the derivative is s * (1 - s), not 1 - s"),
    _SIGMOID)
SIGMOID_GRAD_IS_SIGMOID = Mistake(
    "activations/sigmoid-grad-is-sigmoid",
    tr("sigmoid_grad returned sigmoid(x) itself, not its derivative"),
    _SIGMOID)
SIGMOID_GRAD_OF_TANH = Mistake(
    "activations/sigmoid-grad-of-tanh",
    tr("the derivative is s * (1 - s), not 1 - s ** 2 (that is tanh's)"),
    _SIGMOID)


@explained_in("activations", "activations-sigmoid")
def sigmoid_grad(x):
    """Mistakes in ``sigmoid_grad(x) = sigmoid(x) * (1 - sigmoid(x))``."""
    x = f64(x)
    with quiet():
        s = right.sigmoid.kernel(x)
        return {
            SIGMOID_GRAD_FROM_X: x * (1.0 - x),
            SIGMOID_GRAD_PLUS: s * (1.0 + s),
            SIGMOID_GRAD_ONE_MINUS: 1.0 - s,
            SIGMOID_GRAD_IS_SIGMOID: s,
            SIGMOID_GRAD_OF_TANH: 1.0 - s * s,
        }


TANH_AS_SIGMOID = Mistake(
    "activations/tanh-as-sigmoid",
    tr("tanh(x) = 2 * sigmoid(2x) - 1, not sigmoid(x)"),
    _TANH)
TANH_WITHOUT_2X = Mistake(
    "activations/tanh-without-2x",
    tr("tanh(x) = 2 * sigmoid(2x) - 1, not 2 * sigmoid(x) - 1"),
    _TANH)
TANH_SIGN_FLIPPED = Mistake(
    "activations/tanh-sign-flipped",
    tr("the sign is flipped: (exp(-x) - exp(x)) / (exp(x) + exp(-x)) is -tanh(x)"),
    _TANH)


@explained_in("activations", "activations-tanh")
def tanh(x):
    """Mistakes in ``tanh(x)``."""
    x = f64(x)
    with quiet():
        return {
            TANH_AS_SIGMOID: right.sigmoid.kernel(x),
            TANH_WITHOUT_2X: 2.0 * right.sigmoid.kernel(x) - 1.0,
            TANH_SIGN_FLIPPED: -np.tanh(x),
        }


TANH_GRAD_FROM_X = Mistake(
    "activations/tanh-grad-from-x",
    tr("the derivative was computed from x instead of tanh(x): use 1 - t ** 2 with t = tanh(x), "
       "not 1 - x ** 2"),
    _TANH)
TANH_GRAD_UNSQUARED = Mistake(
    "activations/tanh-grad-unsquared",
    tr("the derivative is 1 - tanh(x) ** 2, not 1 - tanh(x)"),
    _TANH)
TANH_GRAD_PLUS = Mistake(
    "activations/tanh-grad-plus",
    tr("the derivative is 1 - tanh(x) ** 2, not 1 + tanh(x) ** 2"),
    _TANH)


@explained_in("activations", "activations-tanh")
def tanh_grad(x):
    """Mistakes in ``tanh_grad(x) = 1 - tanh(x) ** 2``."""
    x = f64(x)
    t = np.tanh(x)
    return {
        TANH_GRAD_FROM_X: 1.0 - x * x,
        TANH_GRAD_UNSQUARED: 1.0 - t,
        TANH_GRAD_PLUS: 1.0 + t * t,
    }


RELU_NP_MAX = Mistake(
    "activations/relu-np-max",
    tr("relu(x) = max(0, x) element by element: np.max(x, 0) reduces the array along axis 0, "
       "np.maximum(x, 0) compares each element with 0"),
    _RELU)
RELU_MIN = Mistake(
    "activations/relu-min",
    tr("relu keeps the positive part: max(0, x), not min(0, x)"),
    _RELU)
RELU_ABS = Mistake("activations/relu-abs", tr("relu(x) = max(0, x), not |x|"), _RELU)


@explained_in("activations", "activations-relu")
def relu(x):
    """Mistakes in ``relu(x) = max(0, x)``."""
    x = f64(x)
    return {
        RELU_NP_MAX: np.max(x, axis=0) if x.ndim else x,
        RELU_MIN: np.minimum(0.0, x),
        RELU_ABS: np.abs(x),
    }


RELU_GRAD_AT_ZERO = Mistake(
    "activations/relu-grad-at-zero",
    tr("relu_grad(0) should be 0 (as in TensorFlow): use x > 0, not x >= 0"),
    _DYING_RELU)
RELU_GRAD_IS_RELU = Mistake(
    "activations/relu-grad-is-relu",
    tr("relu_grad returned relu(x) itself, not its derivative (0 or 1)"),
    _DYING_RELU)


@explained_in("activations", "activations-dying-relu")
def relu_grad(x):
    """Mistakes in ``relu_grad(x)``."""
    x = f64(x)
    return {
        RELU_GRAD_AT_ZERO: (x >= 0).astype(float),
        RELU_GRAD_IS_RELU: np.maximum(0.0, x),
    }


SLOPE_ON_POSITIVE = Mistake(
    "activations/slope-on-positive",
    tr("the slope applies to negative inputs: x if x > 0 else negative_slope * x, not the other "
       "way round"),
    _LEAKY_ELU)
SLOPE_FIXED_001 = Mistake(
    "activations/slope-fixed-001",
    tr("negative_slope was ignored (a fixed slope of 0.01 was used)"),
    _LEAKY_ELU)
SLOPE_FIXED_02 = Mistake(
    "activations/slope-fixed-02",
    tr("negative_slope was ignored (a fixed slope of 0.2 was used)"),
    _LEAKY_ELU)
LEAKY_IS_RELU = Mistake(
    "activations/leaky-is-relu",
    tr("negative inputs give 0: that is relu, not leaky_relu"),
    _LEAKY_ELU)
SLOPE_ALONE = Mistake(
    "activations/slope-alone",
    tr("negative_slope multiplies x: x * negative_slope, not negative_slope alone"),
    _LEAKY_ELU)


@explained_in("activations", "activations-leaky-elu")
def leaky_relu(x, negative_slope=0.01):
    """Mistakes in ``leaky_relu(x, negative_slope)``."""
    x = f64(x)
    return {
        SLOPE_ON_POSITIVE: np.where(x > 0, negative_slope * x, x),
        SLOPE_FIXED_001: np.where(x > 0, x, 0.01 * x),
        SLOPE_FIXED_02: np.where(x > 0, x, 0.2 * x),
        LEAKY_IS_RELU: np.maximum(0.0, x),
        SLOPE_ALONE: np.where(x > 0, x, negative_slope),
    }


LEAKY_GRAD_OF_RELU = Mistake(
    "activations/leaky-grad-of-relu",
    tr("the derivative for x <= 0 is negative_slope, not 0 (that is relu's)"),
    _LEAKY_ELU)
LEAKY_GRAD_TIMES_X = Mistake(
    "activations/leaky-grad-times-x",
    tr("the derivative for x <= 0 is negative_slope, not negative_slope * x"),
    _LEAKY_ELU)


@explained_in("activations", "activations-leaky-elu")
def leaky_relu_grad(x, negative_slope=0.01):
    """Mistakes in ``leaky_relu_grad(x, negative_slope)``."""
    x = f64(x)
    return {
        LEAKY_GRAD_OF_RELU: (x > 0).astype(float),
        LEAKY_GRAD_TIMES_X: np.where(x > 0, 1.0, negative_slope * x),
        SLOPE_FIXED_001: np.where(x > 0, 1.0, 0.01),
    }


ELU_MISSING_MINUS_ONE = Mistake(
    "activations/elu-missing-minus-one",
    tr("elu(x) = alpha * (exp(x) - 1) for x <= 0: the '- 1' is missing"),
    _LEAKY_ELU)
ELU_ALPHA_IGNORED = Mistake("activations/elu-alpha-ignored", tr("alpha was ignored"), _LEAKY_ELU)
ELU_LINEAR = Mistake(
    "activations/elu-linear",
    tr("elu(x) = alpha * (exp(x) - 1) for x <= 0, not alpha * x"),
    _LEAKY_ELU)


@explained_in("activations", "activations-leaky-elu")
def elu(x, alpha=1.0):
    """Mistakes in ``elu(x, alpha)``."""
    x = f64(x)
    with quiet():
        return {
            ELU_MISSING_MINUS_ONE: np.where(x > 0, x, alpha * np.exp(x)),
            ELU_ALPHA_IGNORED: np.where(x > 0, x, np.expm1(x)),
            ELU_LINEAR: np.where(x > 0, x, alpha * x),
        }


ELU_GRAD_IS_ELU = Mistake(
    "activations/elu-grad-is-elu",
    tr("the derivative of alpha * (exp(x) - 1) is alpha * exp(x), not alpha * (exp(x) - 1)"),
    _LEAKY_ELU)
ELU_GRAD_ALPHA_IGNORED = Mistake(
    "activations/elu-grad-alpha-ignored",
    tr("alpha was ignored in the derivative"),
    _LEAKY_ELU)
ELU_GRAD_X = Mistake(
    "activations/elu-grad-x",
    tr("the derivative for x > 0 is 1, not x"),
    _LEAKY_ELU)


@explained_in("activations", "activations-leaky-elu")
def elu_grad(x, alpha=1.0):
    """Mistakes in ``elu_grad(x, alpha)``."""
    x = f64(x)
    with quiet():
        return {
            ELU_GRAD_IS_ELU: np.where(x > 0, 1.0, alpha * np.expm1(x)),
            ELU_GRAD_ALPHA_IGNORED: np.where(x > 0, 1.0, np.exp(x)),
            ELU_GRAD_X: np.where(x > 0, x, alpha * np.exp(x)),
        }
