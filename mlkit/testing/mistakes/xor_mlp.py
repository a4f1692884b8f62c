"""Typical mistakes in the forward pass, the predictions and the training of a 2-layer network.

See :mod:`mlkit.testing.mistakes` for how test cells use them. The network of
the assignment has one sigmoid hidden layer and a sigmoid output,

.. math:: H = \\sigma(X W_1 + b_1), \\qquad \\hat Y = \\sigma(H W_2 + b_2),

with ``X`` of shape (n, n_in), ``W1`` (n_in, n_hidden), ``b1`` (n_hidden,),
``W2`` (n_hidden, n_out) and ``b2`` (n_out,). The student's
``forward(X, W1, b1, W2, b2)`` returns ``(Y_hat, H)``; its two results have a
function each here, :func:`forward_hidden` and :func:`forward_output`.

Example:
    >>> X = np.array([[0.0, 1.0]])
    >>> W1, b1 = np.array([[20.0, -20.0], [20.0, -20.0]]), np.array([-10.0, 30.0])
    >>> W2, b2 = np.array([[20.0], [20.0]]), np.array([-30.0])
    >>> wrong = forward_hidden(X, W1, b1, W2, b2)
    >>> wrong[HIDDEN_NO_SIGMOID]
    array([[10., 10.]])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import activations as right
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64, possible, quiet
from mlkit.testing.mistakes._training import gradient_step, train

_XOR_MLP_HAND_WIRED = Section("xor_mlp", "xor_mlp-hand-wired")
_XOR_MLP_LEARNING = Section("xor_mlp", "xor_mlp-learning")
_XOR_MLP_REGIONS = Section("xor_mlp", "xor_mlp-regions")

sigmoid = right.sigmoid.kernel  # the right sigmoid, on float64 arrays already

__all__ = [
    "forward_hidden",
    "forward_output",
    "predict_labels",
    "train_xor_losses",
    "xnor_predictions",
]


EXAMPLES_IN_COLUMNS = Mistake(
    "xor_mlp/examples-in-columns",
    tr("examples are the rows of X: compute X @ W + b, of shape (n, n_out); W @ X.T (or W.T @ "
       "X.T) puts the examples in the columns, the transpose"),
    _XOR_MLP_LEARNING)




HIDDEN_NO_B1 = Mistake(
    "xor_mlp/hidden-no-b1",
    tr("the bias b1 is missing: H = sigmoid(X W1 + b1)"),
    _XOR_MLP_LEARNING)
HIDDEN_B1_SUBTRACTED = Mistake(
    "xor_mlp/hidden-b1-subtracted",
    tr("the bias must be added, not subtracted: H = sigmoid(X W1 + b1)"),
    _XOR_MLP_LEARNING)
HIDDEN_NO_SIGMOID = Mistake(
    "xor_mlp/hidden-no-sigmoid",
    tr("H is sigmoid(Z1), the activations, not the pre-activations Z1 = X W1 + b1"),
    _XOR_MLP_LEARNING)
HIDDEN_W1_X = Mistake(
    "xor_mlp/hidden-w1-x",
    tr("W1 @ X.T multiplies by the transpose of W1: compute X @ W1 + b1"),
    _XOR_MLP_LEARNING)
HIDDEN_W1_TRANSPOSED = Mistake(
    "xor_mlp/hidden-w1-transposed",
    tr("X @ W1.T uses the transpose of W1: column j of W1 holds the weights of hidden unit j, so "
       "compute X @ W1"),
    _XOR_MLP_LEARNING)
SWAPPED_RESULTS = Mistake(
    "xor_mlp/swapped-results",
    tr("forward returns (Y_hat, H), in this order: the output first, then the hidden values"),
    _XOR_MLP_LEARNING)


@explained_in("xor_mlp", "xor_mlp-learning")
def forward_hidden(X, W1, b1, W2, b2):
    """Mistakes in the hidden values ``H`` that ``forward(X, W1, b1, W2, b2)`` returns."""
    X, W1, b1 = f64(X), f64(W1), f64(b1)
    return possible({
        HIDDEN_NO_B1: lambda: sigmoid(X @ W1),
        HIDDEN_B1_SUBTRACTED: lambda: sigmoid(X @ W1 - b1),
        HIDDEN_NO_SIGMOID: lambda: X @ W1 + b1,
        EXAMPLES_IN_COLUMNS: lambda: sigmoid(W1.T @ X.T + b1[:, None]),
        HIDDEN_W1_X: lambda: sigmoid(W1 @ X.T + b1[:, None]),
        HIDDEN_W1_TRANSPOSED: lambda: sigmoid(X @ W1.T + b1),
        SWAPPED_RESULTS: lambda: sigmoid(sigmoid(X @ W1 + b1) @ f64(W2) + f64(b2)),
    })


OUTPUT_NO_B1 = Mistake(
    "xor_mlp/output-no-b1",
    tr("the bias b1 of the hidden layer is missing"),
    _XOR_MLP_LEARNING)
OUTPUT_NO_B2 = Mistake(
    "xor_mlp/output-no-b2",
    tr("the bias b2 of the output layer is missing"),
    _XOR_MLP_LEARNING)
OUTPUT_NO_BIASES = Mistake(
    "xor_mlp/output-no-biases",
    tr("both biases are missing: each layer computes sigmoid(inputs @ W + b)"),
    _XOR_MLP_LEARNING)
OUTPUT_BIASES_SUBTRACTED = Mistake(
    "xor_mlp/output-biases-subtracted",
    tr("the biases must be added, not subtracted"),
    _XOR_MLP_LEARNING)
OUTPUT_B1_SUBTRACTED = Mistake(
    "xor_mlp/output-b1-subtracted",
    tr("the bias of the hidden layer must be added, not subtracted"),
    _XOR_MLP_LEARNING)
OUTPUT_LOGITS = Mistake(
    "xor_mlp/output-logits",
    tr("Y_hat is sigmoid(H W2 + b2), not the pre-activation H W2 + b2 (the logits)"),
    _XOR_MLP_LEARNING)
OUTPUT_HIDDEN_LINEAR = Mistake(
    "xor_mlp/output-hidden-linear",
    tr("the hidden layer needs its sigmoid too: H = sigmoid(X W1 + b1), not X W1 + b1"),
    _XOR_MLP_LEARNING)
OUTPUT_ALL_LINEAR = Mistake(
    "xor_mlp/output-all-linear",
    tr("neither layer applies the sigmoid: return activations, not pre-activations"),
    _XOR_MLP_LEARNING)


@explained_in("xor_mlp", "xor_mlp-learning")
def forward_output(X, W1, b1, W2, b2):
    """Mistakes in the output ``Y_hat`` that ``forward(X, W1, b1, W2, b2)`` returns."""
    X, W1, b1, W2, b2 = f64(X), f64(W1), f64(b1), f64(W2), f64(b2)
    H = sigmoid(X @ W1 + b1)
    return possible({
        OUTPUT_NO_B1: lambda: sigmoid(sigmoid(X @ W1) @ W2 + b2),
        OUTPUT_NO_B2: lambda: sigmoid(H @ W2),
        OUTPUT_NO_BIASES: lambda: sigmoid(sigmoid(X @ W1) @ W2),
        OUTPUT_BIASES_SUBTRACTED: lambda: sigmoid(sigmoid(X @ W1 - b1) @ W2 - b2),
        OUTPUT_B1_SUBTRACTED: lambda: sigmoid(sigmoid(X @ W1 - b1) @ W2 + b2),
        OUTPUT_LOGITS: lambda: H @ W2 + b2,
        OUTPUT_HIDDEN_LINEAR: lambda: sigmoid((X @ W1 + b1) @ W2 + b2),
        OUTPUT_ALL_LINEAR: lambda: (X @ W1 + b1) @ W2 + b2,
        EXAMPLES_IN_COLUMNS:
            lambda: sigmoid(W2.T @ sigmoid(W1.T @ X.T + b1[:, None]) + b2[:, None]),
        SWAPPED_RESULTS: lambda: H,
    })


PREDICT_AT_ZERO = Mistake(
    "xor_mlp/predict-at-zero",
    tr("the outputs are probabilities between 0 and 1: threshold them at 0.5, not at 0 (Y_hat > "
       "0 holds everywhere)"),
    _XOR_MLP_REGIONS)
PREDICT_PROBABILITIES = Mistake(
    "xor_mlp/predict-probabilities",
    tr("predict returns labels 0 or 1 (Y_hat > 0.5), not the probabilities Y_hat"),
    _XOR_MLP_REGIONS)
PREDICT_REVERSED = Mistake(
    "xor_mlp/predict-reversed",
    tr("the labels are the other way round: 1 where Y_hat > 0.5, not where Y_hat < 0.5"),
    _XOR_MLP_REGIONS)
PREDICT_AT_HALF = Mistake(
    "xor_mlp/predict-at-half",
    tr("an output of exactly 0.5 is not above 0.5: predict 1 only where Y_hat > 0.5"),
    _XOR_MLP_REGIONS)


@explained_in("xor_mlp", "xor_mlp-regions")
def predict_labels(X, W1, b1, W2, b2):
    """Mistakes in the student's ``predict(X, W1, b1, W2, b2)``: labels 0/1 of shape (n, n_out)."""
    X, W1, b1, W2, b2 = f64(X), f64(W1), f64(b1), f64(W2), f64(b2)
    with quiet():
        Y_hat = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    return {
        PREDICT_AT_ZERO: (Y_hat > 0).astype(float),
        PREDICT_PROBABILITIES: Y_hat,
        PREDICT_REVERSED: (Y_hat < 0.5).astype(float),
        PREDICT_AT_HALF: (Y_hat >= 0.5).astype(float),
    }


XNOR_IS_XOR = Mistake(
    "xor_mlp/xnor-is-xor",
    tr("these weights compute XOR, not XNOR: XNOR is 1 where the two inputs are equal, the "
       "opposite of XOR (change the output unit: flip the signs of W2 and b2)"),
    _XOR_MLP_HAND_WIRED)
XNOR_ALL_ZEROS = Mistake(
    "xor_mlp/xnor-all-zeros",
    tr("the output is 0 for every input: a hidden unit may fire for every input, or for none "
       "(check the sign of each hidden unit's bias), or the output unit's bias is too negative"),
    _XOR_MLP_HAND_WIRED)
XNOR_ALL_ONES = Mistake(
    "xor_mlp/xnor-all-ones",
    tr("the output is 1 for every input: a hidden unit may fire for every input, or for none "
       "(check the sign of each hidden unit's bias), or the output unit's bias is too large"),
    _XOR_MLP_HAND_WIRED)
XNOR_IS_AND = Mistake(
    "xor_mlp/xnor-is-and",
    tr("these weights compute AND, not XNOR: (0, 0) must give 1 too"),
    _XOR_MLP_HAND_WIRED)
XNOR_IS_NOR = Mistake(
    "xor_mlp/xnor-is-nor",
    tr("these weights compute NOR, not XNOR: (1, 1) must give 1 too"),
    _XOR_MLP_HAND_WIRED)
XNOR_IS_OR = Mistake(
    "xor_mlp/xnor-is-or",
    tr("these weights compute OR, not XNOR"),
    _XOR_MLP_HAND_WIRED)
XNOR_IS_NAND = Mistake(
    "xor_mlp/xnor-is-nand",
    tr("these weights compute NAND, not XNOR"),
    _XOR_MLP_HAND_WIRED)


@explained_in("xor_mlp", "xor_mlp-hand-wired")
def xnor_predictions():
    """Mistakes in weights for XNOR, as the predictions they give for (0,0), (0,1), (1,0), (1,1).

    The values are column vectors of shape (4, 1), as ``predict`` returns for one output.
    """
    tables = {
        XNOR_IS_XOR: [0, 1, 1, 0],
        XNOR_ALL_ZEROS: [0, 0, 0, 0],
        XNOR_ALL_ONES: [1, 1, 1, 1],
        XNOR_IS_AND: [0, 0, 0, 1],
        XNOR_IS_NOR: [1, 0, 0, 0],
        XNOR_IS_OR: [0, 1, 1, 1],
        XNOR_IS_NAND: [1, 1, 1, 0],
    }
    return {description: np.array(table, dtype=float).reshape(4, 1)
            for description, table in tables.items()}


_NAMES = ("W1", "b1", "W2", "b2")


def _loss_and_grads(params, X, Y):
    """Forward pass, mean binary cross-entropy and its gradients (the assignment's backward)."""
    W1, b1, W2, b2 = (params[name] for name in _NAMES)
    H = sigmoid(X @ W1 + b1)
    Y_hat = sigmoid(H @ W2 + b2)
    eps = 1e-12
    P = np.clip(Y_hat, eps, 1 - eps)
    loss = float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))
    dlogits = (Y_hat - Y) / Y.size
    dZ1 = (dlogits @ W2.T) * H * (1 - H)
    grads = (X.T @ dZ1, dZ1.sum(axis=0), H.T @ dlogits, dlogits.sum(axis=0))
    return loss, dict(zip(_NAMES, grads, strict=True))


TRAIN_RECORDED_AFTER = Mistake(
    "xor_mlp/train-recorded-after",
    tr("each loss must be recorded before the step of its epoch: losses[0] is the loss of the "
       "initial network"),
    _XOR_MLP_LEARNING)
TRAIN_UPHILL = Mistake(
    "xor_mlp/train-uphill",
    tr("the loss rises: a step goes against the gradient, W = W - lr * dW, not W + lr * dW"),
    _XOR_MLP_LEARNING)
TRAIN_LR_IGNORED = Mistake(
    "xor_mlp/train-lr-ignored",
    tr("lr was not used: each step is W = W - lr * dW"),
    _XOR_MLP_LEARNING)
TRAIN_OUTPUT_ONLY = Mistake(
    "xor_mlp/train-output-only",
    tr("only the output layer learns: update W1 and b1 too"),
    _XOR_MLP_LEARNING)
TRAIN_HIDDEN_ONLY = Mistake(
    "xor_mlp/train-hidden-only",
    tr("only the hidden layer learns: update W2 and b2 too"),
    _XOR_MLP_LEARNING)
TRAIN_BIASES_FIXED = Mistake(
    "xor_mlp/train-biases-fixed",
    tr("the biases never change: update b1 and b2 as well as W1 and W2"),
    _XOR_MLP_LEARNING)
TRAIN_RESTARTS = Mistake(
    "xor_mlp/train-restarts",
    tr("the weights start again every epoch: call init_params once, before the loop"),
    _XOR_MLP_LEARNING)


@explained_in("xor_mlp", "xor_mlp-learning")
def train_xor_losses(X, Y, params, lr, num_epochs):
    """Mistakes in the ``losses`` that ``train_xor`` returns, from the initial ``params``.

    Args:
        X: inputs of shape (n, n_in).
        Y: labels 0/1 of shape (n, 1).
        params: the initial ``(W1, b1, W2, b2)``, as ``init_params`` draws them for the seed.
        lr: the learning rate the test passes to ``train_xor``.
        num_epochs: the number of epochs the test asks for.

    Returns:
        A mapping from the description of a mistake to the losses, shape (num_epochs,).
    """
    X, Y = f64(X), f64(Y)
    params = dict(zip(_NAMES, (f64(p) for p in params), strict=True))

    def run(rate=lr, ascend=False, **mistake):
        step = gradient_step(_loss_and_grads, rate, ascend=ascend)
        return train(step, params, X, Y, num_epochs, **mistake).losses

    return {
        TRAIN_RECORDED_AFTER: run(record="after"),
        TRAIN_UPHILL: run(ascend=True),
        TRAIN_LR_IGNORED: run(rate=1.0),
        TRAIN_OUTPUT_ONLY: run(update=("W2", "b2")),
        TRAIN_HIDDEN_ONLY: run(update=("W1", "b1")),
        TRAIN_BIASES_FIXED: run(update=("W1", "W2")),
        TRAIN_RESTARTS: run(restart_each_epoch=True),
    }
