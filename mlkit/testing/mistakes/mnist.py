"""Typical mistakes in preparing MNIST and in the training loop of a NumPy MLP.

See :mod:`mlkit.testing.mistakes` for how test cells use them. The network of
the assignment is a one-hidden-layer ReLU MLP with softmax outputs, trained by
mini-batch SGD on the mean cross-entropy; this module has its own small copy
of it, trained by :func:`~mlkit.testing.mistakes._training.train`, so that the
values below do not depend on the student's code.

Example:
    >>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    >>> prepare_images(images)[NOT_SCALED]
    array([[  0., 255.,  51., 102.]])
"""

import itertools

import numpy as np

from mlkit.messages import tr
from mlkit.numpy import losses as right
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64
from mlkit.testing.mistakes._training import gradient_step, train

_DATA = Section("mnist", "mnist-data")
_MISTAKES = Section("mnist", "mnist-mistakes")
_NUMPY = Section("mnist", "mnist-numpy")

__all__ = [
    "prepare_images",
    "one_hot",
    "loss_and_grad_loss",
    "loss_and_grad_dlogits",
    "sgd_step",
    "mnist_training_losses",
]


NOT_SCALED = Mistake(
    "mnist/not-scaled",
    tr("the pixels were not scaled: divide by 255 to get values in [0, 1]"),
    _DATA)
BY_LARGEST = Mistake(
    "mnist/by-largest",
    tr("the pixels were divided by the largest pixel of these images; divide by 255, the largest "
       "possible value, so that every image is scaled the same way"),
    _DATA)
INTEGER_DIVISION = Mistake(
    "mnist/integer-division",
    tr("integer division (//) leaves only 0 and 1: divide with / to get fractions"),
    _DATA)
COLUMN_ORDER = Mistake(
    "mnist/column-order",
    tr("each image was flattened column by column (order='F' or a transpose): flatten row by "
       "row, image.reshape(n, -1), so that pixel (i, j) goes to column i * width + j"),
    _DATA)
MIXED_IMAGES = Mistake(
    "mnist/mixed-images",
    tr("the whole array was reshaped to (n_pixels, n) and transposed: the rows mix pixels of "
       "different images; use images.reshape(n, -1)"),
    _DATA)


@explained_in("mnist", "mnist-data")
def prepare_images(images):
    """Mistakes in ``prepare_images(images)``: images (n, h, w) -> rows (n, h * w) in [0, 1]."""
    images = np.asarray(images)
    n = images.shape[0]
    pixels = images.astype(np.float64)
    return {
        NOT_SCALED: pixels.reshape(n, -1),
        BY_LARGEST: pixels.reshape(n, -1) / pixels.max(),
        INTEGER_DIVISION: (images // 255).reshape(n, -1).astype(np.float64),
        COLUMN_ORDER: pixels.transpose(0, 2, 1).reshape(n, -1) / 255.0,
        MIXED_IMAGES: pixels.reshape(-1, n).T / 255.0,
    }


LABELS_AS_INTEGERS = Mistake(
    "mnist/labels-as-integers",
    tr("the labels were left as integers: the loss needs one-hot rows of shape (n, num_classes)"),
    _DATA)
WIDTH_FROM_LABELS = Mistake(
    "mnist/width-from-labels",
    tr("the width was taken from the labels (y.max() + 1 = %(width)s): use num_classes, since a "
       "subset need not contain the largest class"),
    _DATA)
ONE_HOT_TRANSPOSED = Mistake(
    "mnist/one-hot-transposed",
    tr("the one-hot matrix is transposed: one row per example, of shape (n, num_classes)"),
    _DATA)
ONE_COLUMN_OFF = Mistake(
    "mnist/one-column-off",
    tr("the 1 is one column off (np.eye(num_classes)[y - 1]): the label 0 belongs in column 0"),
    _DATA)
ONE_HOT_COMPLEMENT = Mistake(
    "mnist/one-hot-complement",
    tr("the rows hold 1 where the class is not the label: put the 1 in the label's column"),
    _DATA)


@explained_in("mnist", "mnist-data")
def one_hot(y, num_classes=10):
    """Mistakes in ``one_hot(y, num_classes)``: labels (n,) -> rows (n, num_classes)."""
    y = np.asarray(y).astype(np.int64)
    eye = np.eye(num_classes)
    width = int(y.max()) + 1
    return {
        LABELS_AS_INTEGERS: y.astype(np.float64),
        WIDTH_FROM_LABELS.said(width=width): np.eye(width)[y],
        ONE_HOT_TRANSPOSED: eye[y].T,
        ONE_COLUMN_OFF: eye[(y - 1) % num_classes],
        ONE_HOT_COMPLEMENT: 1.0 - eye[y],
    }


GRAD_NOT_MEAN = Mistake(
    "mnist/grad-not-mean",
    tr("the gradient was not divided by n: the loss is the mean over the batch, so each "
       "example's gradient is (p - y) / n"),
    _MISTAKES)
GRAD_SIGN_FLIPPED = Mistake(
    "mnist/grad-sign-flipped",
    tr("the sign is flipped: the gradient of the cross-entropy is (p - y) / n, not (y - p) / n"),
    _MISTAKES)
GRAD_FROM_LOGITS = Mistake(
    "mnist/grad-from-logits",
    tr("the gradient is (logits - y) / n: subtract the labels from the softmax probabilities, "
       "not from the raw scores"),
    _MISTAKES)
GRAD_DIVIDED_BY_K = Mistake(
    "mnist/grad-divided-by-k",
    tr("the gradient was divided by the number of classes too: (p - y) / n is the gradient of "
       "the mean over the examples only"),
    _MISTAKES)


@explained_in("mnist", "mnist-mistakes")
def loss_and_grad_dlogits(Y, logits):
    """Mistakes in the gradient ``dlogits`` of ``loss_and_grad(Y, logits)``.

    The loss has its own function, :func:`loss_and_grad_loss`; both are computed for
    one-hot ``Y`` and ``logits`` of shape (n, k).
    """
    Y, logits = f64(Y), f64(logits)
    n = len(Y)
    P = right.softmax.kernel(logits, -1)
    return {
        GRAD_NOT_MEAN: P - Y,
        GRAD_SIGN_FLIPPED: (Y - P) / n,
        GRAD_FROM_LOGITS: (logits - Y) / n,
        GRAD_DIVIDED_BY_K: (P - Y) / Y.size,
    }


LOSS_SUM = Mistake(
    "mnist/loss-sum",
    tr("the loss is the sum over the batch: take the mean over the examples"),
    _MISTAKES)
LOSS_MEAN_OF_ALL = Mistake(
    "mnist/loss-mean-of-all",
    tr("the loss is the mean over every entry of the matrix: sum over the classes, then take the "
       "mean over the examples"),
    _MISTAKES)
LOSS_NO_MINUS = Mistake(
    "mnist/loss-no-minus",
    tr("the minus sign is missing: the cross-entropy -sum(y * log p) is positive"),
    _MISTAKES)


@explained_in("mnist", "mnist-mistakes")
def loss_and_grad_loss(Y, logits):
    """Mistakes in the loss of ``loss_and_grad(Y, logits)``, the mean cross-entropy."""
    Y, logits = f64(Y), f64(logits)
    log_p = right.log_softmax.kernel(logits, -1)
    per_example = -(Y * log_p).sum(axis=1)
    return {
        LOSS_SUM: per_example.sum(),
        LOSS_MEAN_OF_ALL: -(Y * log_p).mean(),
        LOSS_NO_MINUS: -per_example.mean(),
    }


SGD_UPHILL = Mistake(
    "mnist/sgd-uphill",
    tr("the step goes up the gradient: subtract lr times the gradient"),
    _NUMPY)
SGD_LR_IGNORED = Mistake(
    "mnist/sgd-lr-ignored",
    tr("lr was ignored: the step is lr times the gradient"),
    _NUMPY)
SGD_BIASES_FIXED = Mistake(
    "mnist/sgd-biases-fixed",
    tr("the biases were not updated: b - lr * db, as for W"),
    _NUMPY)
SGD_REPLACED = Mistake(
    "mnist/sgd-replaced",
    tr("the parameters were replaced by the step: the new W is W - lr * dW"),
    _NUMPY)


@explained_in("mnist", "mnist-numpy")
def sgd_step(params, grads, lr):
    """Mistakes in ``sgd_step(params, grads, lr)``, as one flat vector of every W and b."""
    def flat(pairs):
        return np.concatenate([np.ravel(a) for pair in pairs for a in pair])

    pairs = [(f64(W), f64(b), f64(dW), f64(db))
             for (W, b), (dW, db) in zip(params, grads, strict=True)]
    return {
        SGD_UPHILL: flat([(W + lr * dW, b + lr * db) for W, b, dW, db in pairs]),
        SGD_LR_IGNORED: flat([(W - dW, b - db) for W, b, dW, db in pairs]),
        SGD_BIASES_FIXED: flat([(W - lr * dW, b) for W, b, dW, db in pairs]),
        SGD_REPLACED: flat([(-lr * dW, -lr * db) for W, b, dW, db in pairs]),
    }


def _init_params(sizes, seed):
    """Glorot-uniform weights and zero biases, as the assignment's given ``init_params``."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params[f"W{layer}"] = rng.uniform(-limit, limit, size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def _loss_and_grads(params, X, Y):
    """Mean cross-entropy of the ReLU MLP on (X, Y) and its gradients, by back-propagation."""
    W1, b1, W2, b2 = (params[name] for name in ("W1", "b1", "W2", "b2"))
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    logits = H @ W2 + b2
    log_p = right.log_softmax.kernel(logits, -1)
    loss = -(Y * log_p).sum(axis=1).mean()
    dlogits = (np.exp(log_p) - Y) / len(X)
    dH = dlogits @ W2.T
    dZ1 = dH * (Z1 > 0)
    return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
                  "W2": H.T @ dlogits, "b2": dlogits.sum(axis=0)}


NOT_SHUFFLED = Mistake(
    "mnist/not-shuffled",
    tr("the examples were not shuffled: draw order = rng.permutation(n) at the start of every "
       "epoch"),
    _MISTAKES)
SAME_ORDER = Mistake(
    "mnist/same-order",
    tr("every epoch has the same order: either the generator was made anew in every epoch, or "
       "the order was drawn once, before the loop; make rng = np.random.default_rng(seed) once, "
       "before the first epoch, and draw order = rng.permutation(n) at the start of every epoch"),
    _MISTAKES)
LAST_BATCH_SKIPPED = Mistake(
    "mnist/last-batch-skipped",
    tr("the last, smaller batch was skipped: the batches must cover all n examples"),
    _MISTAKES)
FULL_BATCH = Mistake(
    "mnist/full-batch",
    tr("one step per epoch on the whole data (full batch): take a step after every mini-batch of "
       "batch_size examples"),
    _MISTAKES)
UNWEIGHTED_MEAN = Mistake(
    "mnist/unweighted-mean",
    tr("the epoch loss is the plain mean of the batch losses: weight each batch's loss by its "
       "size (the last batch is smaller), i.e. sum loss * len(batch), divide by n"),
    _MISTAKES)
LAST_BATCH_LOSS = Mistake(
    "mnist/last-batch-loss",
    tr("the epoch loss is the loss of the last batch only: average over the whole epoch"),
    _MISTAKES)
PARAMS_FIXED = Mistake(
    "mnist/params-fixed",
    tr("the parameters never change: keep the new params that sgd_step returns"),
    _MISTAKES)


@explained_in("mnist", "mnist-mistakes")
def mnist_training_losses(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):
    """Mistakes in the epoch losses that ``train_mlp`` (with the same arguments) returns.

    The values are the lists of mean training losses, one per epoch, that each
    mistake makes, as float arrays.
    """
    X, Y = f64(X), f64(Y)
    params = _init_params([X.shape[1], num_hiddens, Y.shape[1]], seed)

    def run(**mistake):
        switches = {"batch_size": batch_size, "shuffle": "each_epoch", "seed": seed, **mistake}
        return train(gradient_step(_loss_and_grads, lr), params, X, Y, num_epochs,
                     **switches).losses

    return {
        NOT_SHUFFLED: run(shuffle="never"),
        SAME_ORDER: run(shuffle="same_order"),
        LAST_BATCH_SKIPPED: run(drop_last=True),
        FULL_BATCH: run(batch_size=None),
        UNWEIGHTED_MEAN: run(epoch_loss="mean_of_batches"),
        LAST_BATCH_LOSS: run(epoch_loss="last_batch"),
        PARAMS_FIXED: run(update=()),
    }
