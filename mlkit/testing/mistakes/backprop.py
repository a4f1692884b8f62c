"""Typical mistakes in back-propagation: backward passes, numerical gradients and training.

See :mod:`mlkit.testing.mistakes` for how test cells use them. A dense layer's
backward pass returns three arrays, so it has three functions here, one per
gradient; each takes the upstream gradient ``dZ`` and the cache ``(X, W)`` of
the forward pass, as the student's ``dense_backward(dZ, cache)`` does. The
activations' caches are their pre-activations ``Z``.

Example:
    >>> X, W = np.array([[1.0, 2.0]]), np.array([[1.0], [-1.0]])
    >>> wrong = dense_backward_db(np.array([[3.0]]), (X, W))
    >>> wrong[DB_WRONG_AXIS]
    array([3.])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import activations as right
from mlkit.numpy.layers import ACTIVATIONS
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64, possible
from mlkit.testing.mistakes._training import gradient_step, train

_ACTIVATIONS = Section("backprop", "backprop-activations")
_DENSE = Section("backprop", "backprop-dense")
_GRADIENT_CHECK = Section("backprop", "backprop-gradient-check")
_TRAINING = Section("backprop", "backprop-training")

sigmoid = right.sigmoid.kernel  # the right sigmoid, on float64 arrays already

__all__ = [
    "dense_backward_dX",
    "dense_backward_dW",
    "dense_backward_db",
    "sigmoid_backward",
    "tanh_backward",
    "relu_backward",
    "numerical_gradient",
    "train_mlp_losses",
]


DX_UNTRANSPOSED = Mistake(
    "backprop/dx-untransposed",
    tr("dX = dZ W^T: the weights must be transposed (dZ @ W.T, not dZ @ W)"),
    _DENSE)
DX_TRANSPOSED = Mistake(
    "backprop/dx-transposed",
    tr("dX = dZ W^T, not W dZ^T (that is the transpose of dX)"),
    _DENSE)
DX_FROM_X = Mistake(
    "backprop/dx-from-x",
    tr("dX does not depend on X: it is dZ @ W.T, not X.T @ dZ"),
    _DENSE)


@explained_in("backprop", "backprop-dense")
def dense_backward_dX(dZ, cache):  # noqa: N802  (named after the gradient dX)
    """Mistakes in the ``dX`` of ``dense_backward(dZ, cache)``, ``dX = dZ W^T``."""
    dZ, (X, W) = f64(dZ), (f64(cache[0]), f64(cache[1]))
    return possible({
        DX_UNTRANSPOSED: lambda: dZ @ W,
        DX_TRANSPOSED: lambda: W @ dZ.T,
        DX_FROM_X: lambda: X.T @ dZ,
    })


DW_UNTRANSPOSED = Mistake(
    "backprop/dw-untransposed",
    tr("dW = X^T dZ: the inputs must be transposed (X.T @ dZ, not X @ dZ)"),
    _DENSE)
DW_TRANSPOSED = Mistake(
    "backprop/dw-transposed",
    tr("dW = X^T dZ, not dZ^T X (that is the transpose of dW)"),
    _DENSE)
DW_DIVIDED_BY_N = Mistake(
    "backprop/dw-divided-by-n",
    tr("dW = X^T dZ is a sum over the batch: do not divide by n here (the loss's gradient "
       "already holds the 1/n of a mean)"),
    _DENSE)
DW_FROM_W = Mistake(
    "backprop/dw-from-w",
    tr("dW depends on the inputs X, not on the weights W: X.T @ dZ"),
    _DENSE)


@explained_in("backprop", "backprop-dense")
def dense_backward_dW(dZ, cache):  # noqa: N802  (named after the gradient dW)
    """Mistakes in the ``dW`` of ``dense_backward(dZ, cache)``, ``dW = X^T dZ``."""
    dZ, (X, W) = f64(dZ), (f64(cache[0]), f64(cache[1]))
    n = X.shape[0]
    return possible({
        DW_UNTRANSPOSED: lambda: X @ dZ,
        DW_TRANSPOSED: lambda: dZ.T @ X,
        DW_DIVIDED_BY_N: lambda: X.T @ dZ / n,
        DW_FROM_W: lambda: W.T @ dZ,
    })


DB_NOT_SUMMED = Mistake(
    "backprop/db-not-summed",
    tr("db must have shape (n_out,): sum dZ over the batch, dZ.sum(axis=0); returning dZ itself "
       "keeps one row per example"),
    _DENSE)
DB_WRONG_AXIS = Mistake(
    "backprop/db-wrong-axis",
    tr("db is the sum of dZ over the batch (axis 0), not over the units (axis 1)"),
    _DENSE)
DB_MEAN = Mistake(
    "backprop/db-mean",
    tr("db is the sum of dZ over the batch, not its mean"),
    _DENSE)
DB_SUM_OF_ALL = Mistake(
    "backprop/db-sum-of-all",
    tr("db is the sum over the batch only, dZ.sum(axis=0), not the sum of every element"),
    _DENSE)


@explained_in("backprop", "backprop-dense")
def dense_backward_db(dZ, cache):
    """Mistakes in the ``db`` of ``dense_backward(dZ, cache)``, ``db = sum_i dZ_i``."""
    dZ = f64(dZ)
    return {
        DB_NOT_SUMMED: dZ,
        DB_WRONG_AXIS: dZ.sum(axis=1),
        DB_MEAN: dZ.mean(axis=0),
        DB_SUM_OF_ALL: np.full(dZ.shape[1:], dZ.sum()),
    }


SIGMOID_FROM_Z = Mistake(
    "backprop/sigmoid-from-z",
    tr("the derivative was computed from Z instead of sigmoid(Z): use s * (1 - s) with s = "
       "sigmoid(Z), not Z * (1 - Z)"),
    _ACTIVATIONS)
NO_UPSTREAM = Mistake(
    "backprop/no-upstream",
    tr("the upstream gradient is missing: multiply the local derivative by dH (the chain rule)"),
    _ACTIVATIONS)
SIGMOID_NOT_DERIVED = Mistake(
    "backprop/sigmoid-not-derived",
    tr("the derivative of the sigmoid is s * (1 - s), not s itself"),
    _ACTIVATIONS)
SIGMOID_OF_TANH = Mistake(
    "backprop/sigmoid-of-tanh",
    tr("the derivative is s * (1 - s), not 1 - s ** 2 (that is tanh's)"),
    _ACTIVATIONS)


@explained_in("backprop", "backprop-activations")
def sigmoid_backward(dH, Z):
    """Mistakes in ``sigmoid_backward(dH, Z) = dH * s * (1 - s)`` with ``s = sigmoid(Z)``."""
    dH, Z = f64(dH), f64(Z)
    s = sigmoid(Z)
    return {
        SIGMOID_FROM_Z: dH * Z * (1.0 - Z),
        NO_UPSTREAM: s * (1.0 - s),
        SIGMOID_NOT_DERIVED: dH * s,
        SIGMOID_OF_TANH: dH * (1.0 - s * s),
    }


TANH_FROM_Z = Mistake(
    "backprop/tanh-from-z",
    tr("the derivative was computed from Z instead of tanh(Z): use 1 - tanh(Z) ** 2, not 1 - Z "
       "** 2"),
    _ACTIVATIONS)
TANH_UNSQUARED = Mistake(
    "backprop/tanh-unsquared",
    tr("the derivative of tanh is 1 - tanh(Z) ** 2, not 1 - tanh(Z)"),
    _ACTIVATIONS)
TANH_OF_SIGMOID = Mistake(
    "backprop/tanh-of-sigmoid",
    tr("the derivative of tanh is 1 - tanh(Z) ** 2, not tanh(Z) * (1 - tanh(Z))"),
    _ACTIVATIONS)


@explained_in("backprop", "backprop-activations")
def tanh_backward(dH, Z):
    """Mistakes in ``tanh_backward(dH, Z) = dH * (1 - tanh(Z) ** 2)``."""
    dH, Z = f64(dH), f64(Z)
    t = np.tanh(Z)
    return {
        TANH_FROM_Z: dH * (1.0 - Z * Z),
        NO_UPSTREAM: 1.0 - t * t,
        TANH_UNSQUARED: dH * (1.0 - t),
        TANH_OF_SIGMOID: dH * t * (1.0 - t),
    }


RELU_AT_ZERO = Mistake(
    "backprop/relu-at-zero",
    tr("at Z = 0 the gradient is 0, as in TensorFlow: use Z > 0, not Z >= 0"),
    _ACTIVATIONS)
RELU_OUTPUT = Mistake(
    "backprop/relu-output",
    tr("dH is multiplied by the output relu(Z), not by the derivative (Z > 0)"),
    _ACTIVATIONS)
RELU_OF_UPSTREAM = Mistake(
    "backprop/relu-of-upstream",
    tr("relu was applied to the upstream gradient: the mask comes from Z, not from dH"),
    _ACTIVATIONS)
RELU_MASK_REVERSED = Mistake(
    "backprop/relu-mask-reversed",
    tr("the mask is the wrong way round: the gradient passes where Z > 0, not where Z < 0"),
    _ACTIVATIONS)


@explained_in("backprop", "backprop-activations")
def relu_backward(dH, Z):
    """Mistakes in ``relu_backward(dH, Z) = dH * (Z > 0)``."""
    dH, Z = f64(dH), f64(Z)
    return {
        RELU_AT_ZERO: dH * (Z >= 0),
        NO_UPSTREAM: (Z > 0).astype(float),
        RELU_OUTPUT: dH * np.maximum(Z, 0.0),
        RELU_OF_UPSTREAM: np.maximum(dH, 0.0),
        RELU_MASK_REVERSED: dH * (Z < 0),
    }


FORWARD_DIFFERENCE = Mistake(
    "backprop/forward-difference",
    tr("a forward difference (f(x + eps) - f(x)) / eps is only accurate to order eps; use the "
       "centred difference (f(x + eps) - f(x - eps)) / (2 eps)"),
    _GRADIENT_CHECK)
HALF_STEP = Mistake(
    "backprop/half-step",
    tr("the centred difference divides by 2 * eps, the distance between x - eps and x + eps, not "
       "by eps"),
    _GRADIENT_CHECK)
NOT_PUT_BACK = Mistake(
    "backprop/not-put-back",
    tr("x[i] was not put back after its two evaluations: the later elements were computed at a "
       "shifted point"),
    _GRADIENT_CHECK)
ALL_AT_ONCE = Mistake(
    "backprop/all-at-once",
    tr("every element was moved at once: perturb one element at a time"),
    _GRADIENT_CHECK)


@explained_in("backprop", "backprop-gradient-check")
def numerical_gradient(f, x, eps=1e-5):
    """Mistakes in ``numerical_gradient(f, x, eps)``, centred differences of a scalar ``f``."""
    x = f64(x)
    f_x = float(f(x.copy()))
    forward, double, drifted = (np.zeros_like(x) for _ in range(3))
    moving = x.copy()  # the point of a loop that never puts x[i] back
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        f_plus, f_minus = float(f(plus)), float(f(minus))
        forward[index] = (f_plus - f_x) / eps
        double[index] = (f_plus - f_minus) / eps
        moving[index] += eps
        drifted_plus = float(f(moving.copy()))
        moving[index] -= 2 * eps
        drifted[index] = (drifted_plus - float(f(moving.copy()))) / (2 * eps)
    all_at_once = (float(f(x + eps)) - float(f(x - eps))) / (2 * eps)
    return {
        FORWARD_DIFFERENCE: forward,
        HALF_STEP: double,
        NOT_PUT_BACK: drifted,
        ALL_AT_ONCE: np.full(x.shape, all_at_once),
    }


def _loss_and_grads(activation):
    """The mean binary cross-entropy of a one-hidden-layer network and its gradients."""
    forward, derivative = ACTIVATIONS[activation]

    def loss_and_grads(params, X, y):
        W1, b1, W2, b2 = (params[name] for name in ("W1", "b1", "W2", "b2"))
        Z1 = X @ W1 + b1
        H = forward(Z1)
        logits = H @ W2 + b2
        loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
        dlogits = (sigmoid(logits) - y) / y.size
        dZ1 = (dlogits @ W2.T) * derivative(Z1)
        return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
                      "W2": H.T @ dlogits, "b2": dlogits.sum(axis=0)}

    return loss_and_grads


UPHILL = Mistake(
    "backprop/uphill",
    tr("the step goes uphill: gradient descent subtracts the gradient, W = W - lr * dW (not W + "
       "lr * dW)"),
    _TRAINING)
BIASES_FIXED = Mistake(
    "backprop/biases-fixed",
    tr("the biases were never updated: b = b - lr * db, as for the weights"),
    _TRAINING)
LR_IGNORED = Mistake(
    "backprop/lr-ignored",
    tr("lr was ignored: the step is lr * dW, not dW"),
    _TRAINING)


@explained_in("backprop", "backprop-training")
def train_mlp_losses(X, y, params, *, activation, lr, num_epochs):
    """Mistakes in the losses recorded by ``train_mlp``: one loss per epoch, before its step.

    Args:
        X: inputs of shape (n, n_in).
        y: labels of shape (n, 1), 0 or 1.
        params: the initial ``[(W1, b1), (W2, b2)]``.
        activation: the hidden layer's activation, "sigmoid", "tanh" or "relu".
        lr: the learning rate.
        num_epochs: the number of full-batch steps.

    Returns:
        A mapping from the description of a mistake to the losses of shape (num_epochs,).
    """
    (W1, b1), (W2, b2) = ((f64(W), f64(b)) for W, b in params)
    start = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def run(rate=lr, ascend=False, **mistake):
        step = gradient_step(_loss_and_grads(activation), rate, ascend=ascend)
        return train(step, start, f64(X), f64(y), num_epochs, **mistake).losses

    return {
        UPHILL: run(ascend=True),
        BIASES_FIXED: run(update=("W1", "W2")),
        LR_IGNORED: run(rate=1.0),
    }
