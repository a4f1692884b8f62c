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
    >>> wrong["H is sigmoid(Z1), the activations, not the pre-activations Z1 = X W1 + b1"]
    array([[10., 10.]])
"""

import numpy as np

from mlkit.messages import tr
from mlkit.testing.book import explained_in
from mlkit.numpy import activations as right
from mlkit.testing.mistakes._common import f64, possible, quiet

sigmoid = right.sigmoid.kernel  # the right sigmoid, on float64 arrays already

__all__ = [
    "forward_hidden",
    "forward_output",
    "predict_labels",
    "train_xor_losses",
    "xnor_predictions",
]


_ROWS = tr("examples are the rows of X: compute X @ W + b, of shape (n, n_out); "
            "W @ X.T (or W.T @ X.T) puts the examples in the columns, the transpose")


@explained_in("xor_mlp", "xor_mlp-learning")
def forward_hidden(X, W1, b1, W2, b2):
    """Mistakes in the hidden values ``H`` that ``forward(X, W1, b1, W2, b2)`` returns."""
    X, W1, b1 = f64(X), f64(W1), f64(b1)
    return possible({
        tr("the bias b1 is missing: H = sigmoid(X W1 + b1)"): lambda: sigmoid(X @ W1),
        tr("the bias must be added, not subtracted: H = sigmoid(X W1 + b1)"):
            lambda: sigmoid(X @ W1 - b1),
        tr("H is sigmoid(Z1), the activations, not the pre-activations Z1 = X W1 + b1"):
            lambda: X @ W1 + b1,
        _ROWS: lambda: sigmoid(W1.T @ X.T + b1[:, None]),
        tr("W1 @ X.T multiplies by the transpose of W1: compute X @ W1 + b1"):
            lambda: sigmoid(W1 @ X.T + b1[:, None]),
        tr("X @ W1.T uses the transpose of W1: column j of W1 holds the weights of hidden unit j, "
           "so compute X @ W1"): lambda: sigmoid(X @ W1.T + b1),
        tr("forward returns (Y_hat, H), in this order: the output first, then the hidden values"):
            lambda: sigmoid(sigmoid(X @ W1 + b1) @ f64(W2) + f64(b2)),
    })


@explained_in("xor_mlp", "xor_mlp-learning")
def forward_output(X, W1, b1, W2, b2):
    """Mistakes in the output ``Y_hat`` that ``forward(X, W1, b1, W2, b2)`` returns."""
    X, W1, b1, W2, b2 = f64(X), f64(W1), f64(b1), f64(W2), f64(b2)
    H = sigmoid(X @ W1 + b1)
    return possible({
        tr("the bias b1 of the hidden layer is missing"):
            lambda: sigmoid(sigmoid(X @ W1) @ W2 + b2),
        tr("the bias b2 of the output layer is missing"): lambda: sigmoid(H @ W2),
        tr("both biases are missing: each layer computes sigmoid(inputs @ W + b)"):
            lambda: sigmoid(sigmoid(X @ W1) @ W2),
        tr("the biases must be added, not subtracted"):
            lambda: sigmoid(sigmoid(X @ W1 - b1) @ W2 - b2),
        tr("the bias of the hidden layer must be added, not subtracted"):
            lambda: sigmoid(sigmoid(X @ W1 - b1) @ W2 + b2),
        tr("Y_hat is sigmoid(H W2 + b2), not the pre-activation H W2 + b2 (the logits)"):
            lambda: H @ W2 + b2,
        tr("the hidden layer needs its sigmoid too: H = sigmoid(X W1 + b1), not X W1 + b1"):
            lambda: sigmoid((X @ W1 + b1) @ W2 + b2),
        tr("neither layer applies the sigmoid: return activations, not pre-activations"):
            lambda: (X @ W1 + b1) @ W2 + b2,
        _ROWS: lambda: sigmoid(W2.T @ sigmoid(W1.T @ X.T + b1[:, None]) + b2[:, None]),
        tr("forward returns (Y_hat, H), in this order: the output first, then the hidden values"):
            lambda: H,
    })


@explained_in("xor_mlp", "xor_mlp-regions")
def predict_labels(X, W1, b1, W2, b2):
    """Mistakes in the student's ``predict(X, W1, b1, W2, b2)``: labels 0/1 of shape (n, n_out)."""
    X, W1, b1, W2, b2 = f64(X), f64(W1), f64(b1), f64(W2), f64(b2)
    with quiet():
        Y_hat = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    return {
        tr("the outputs are probabilities between 0 and 1: threshold them at 0.5, not at 0 "
           "(Y_hat > 0 holds everywhere)"): (Y_hat > 0).astype(float),
        tr("predict returns labels 0 or 1 (Y_hat > 0.5), not the probabilities Y_hat"): Y_hat,
        tr("the labels are the other way round: 1 where Y_hat > 0.5, not where Y_hat < 0.5"):
            (Y_hat < 0.5).astype(float),
        tr("an output of exactly 0.5 is not above 0.5: predict 1 only where Y_hat > 0.5"):
            (Y_hat >= 0.5).astype(float),
    }


@explained_in("xor_mlp", "xor_mlp-hand-wired")
def xnor_predictions():
    """Mistakes in weights for XNOR, as the predictions they give for (0,0), (0,1), (1,0), (1,1).

    The values are column vectors of shape (4, 1), as ``predict`` returns for one output.
    """
    tables = {
        tr("these weights compute XOR, not XNOR: XNOR is 1 where the two inputs are equal, the "
           "opposite of XOR (change the output unit: flip the signs of W2 and b2)"): [0, 1, 1, 0],
        tr("the output is 0 for every input: a hidden unit may fire for every input, or for none "
           "(check the sign of each hidden unit's bias), or the output unit's bias is too "
           "negative"):
            [0, 0, 0, 0],
        tr("the output is 1 for every input: a hidden unit may fire for every input, or for none "
           "(check the sign of each hidden unit's bias), or the output unit's bias is too large"):
            [1, 1, 1, 1],
        tr("these weights compute AND, not XNOR: (0, 0) must give 1 too"): [0, 0, 0, 1],
        tr("these weights compute NOR, not XNOR: (1, 1) must give 1 too"): [1, 0, 0, 0],
        tr("these weights compute OR, not XNOR"): [0, 1, 1, 1],
        tr("these weights compute NAND, not XNOR"): [1, 1, 1, 0],
    }
    return {description: np.array(table, dtype=float).reshape(4, 1)
            for description, table in tables.items()}


def _gradients(X, Y, W1, b1, W2, b2):
    """Forward pass, mean binary cross-entropy and its gradients (the assignment's backward)."""
    H = sigmoid(X @ W1 + b1)
    Y_hat = sigmoid(H @ W2 + b2)
    eps = 1e-12
    P = np.clip(Y_hat, eps, 1 - eps)
    loss = float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))
    dlogits = (Y_hat - Y) / Y.size
    dZ1 = (dlogits @ W2.T) * H * (1 - H)
    return loss, (X.T @ dZ1, dZ1.sum(axis=0), H.T @ dlogits, dlogits.sum(axis=0))


def _train(X, Y, params, lr, num_epochs, *, record_after=False, sign=-1.0, update=(1, 1, 1, 1),
           restart=False):
    """The assignment's training loop, with the switches its mistakes need."""
    start = tuple(f64(p) for p in params)
    current = start
    losses = []
    for _ in range(num_epochs):
        if restart:
            current = start
        loss, grads = _gradients(X, Y, *current)
        current = tuple(p + sign * lr * g * u
                        for p, g, u in zip(current, grads, update, strict=True))
        losses.append(_gradients(X, Y, *current)[0] if record_after else loss)
    return np.array(losses)


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
    return {
        tr("each loss must be recorded before the step of its epoch: losses[0] is the loss of the "
           "initial network"): _train(X, Y, params, lr, num_epochs, record_after=True),
        tr("the loss rises: a step goes against the gradient, W = W - lr * dW, not W + lr * dW"):
            _train(X, Y, params, lr, num_epochs, sign=1.0),
        tr("lr was not used: each step is W = W - lr * dW"): _train(X, Y, params, 1.0, num_epochs),
        tr("only the output layer learns: update W1 and b1 too"):
            _train(X, Y, params, lr, num_epochs, update=(0, 0, 1, 1)),
        tr("only the hidden layer learns: update W2 and b2 too"):
            _train(X, Y, params, lr, num_epochs, update=(1, 1, 0, 0)),
        tr("the biases never change: update b1 and b2 as well as W1 and W2"):
            _train(X, Y, params, lr, num_epochs, update=(1, 0, 1, 0)),
        tr("the weights start again every epoch: call init_params once, before the loop"):
            _train(X, Y, params, lr, num_epochs, restart=True),
    }
