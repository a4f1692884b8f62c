"""The one training loop of the catalogues, with a switch for each mistake it can make.

A catalogue that needs a trained network writes only what its assignment
learns (a ``step`` on a batch) and what the mistake changes (the switches of
:func:`train`): which parameters learn, in which direction, on which batches,
and which loss each epoch records.

A step is a function ``step(params, X, Y) -> (loss, new_params)``: ``params``
is a dict name -> array, ``loss`` the loss of ``params`` on the batch ``(X, Y)``
and ``new_params`` the parameters after the step. :func:`gradient_step` makes
one from a function of the loss and its gradients; the perceptron's rule is
another.
"""

import dataclasses
import types

import numpy as np

from mlkit.testing.mistakes._common import quiet

# how an epoch's loss is made of its batches' losses and sizes
EPOCH_LOSS = types.MappingProxyType({
    "mean": lambda losses, sizes: float(np.dot(losses, np.divide(sizes, sum(sizes)))),
    "mean_of_batches": lambda losses, sizes: float(np.mean(losses)),
    "last_batch": lambda losses, sizes: losses[-1],
    "sum": lambda losses, sizes: float(np.sum(losses)),
})
SHUFFLE = ("never", "each_epoch", "same_order")


@dataclasses.dataclass(frozen=True)
class Training:
    """What :func:`train` returns.

    Attributes:
        params: the parameters at the end, a dict name -> array.
        losses: one loss per epoch, a float array.
        epoch_ends: the parameters at the end of each epoch, one dict per epoch.
    """

    params: dict
    losses: np.ndarray
    epoch_ends: list


def gradient_step(loss_and_grads, lr, *, ascend=False):
    """A step of gradient descent, ``p - lr * dp`` for each parameter ``p``.

    Args:
        loss_and_grads: ``loss_and_grads(params, X, Y) -> (loss, grads)``, the
            grads a dict with the names of ``params``.
        lr: the learning rate.
        ascend: step up the gradient, ``p + lr * dp`` (a mistake).

    Returns:
        A step for :func:`train`.
    """
    direction = 1.0 if ascend else -1.0

    def step(params, X, Y):
        loss, grads = loss_and_grads(params, X, Y)
        return loss, {name: p + direction * lr * grads[name] for name, p in params.items()}

    return step


def train(step, params, X, Y, num_epochs, *, update=None, batch_size=None, drop_last=False,
          shuffle="never", seed=None, record="before", epoch_loss="mean",
          restart_each_epoch=False, stop_at_zero_loss=False):
    """``num_epochs`` passes over ``(X, Y)``, a ``step`` on each batch.

    Args:
        step: ``step(params, X, Y) -> (loss, new_params)`` on one batch.
        params: the initial parameters, a dict name -> array.
        X, Y: the examples and their targets, one row each.
        num_epochs: the number of passes over the examples.
        update: the names of the parameters that the steps change; all by default.
        batch_size: the examples in a batch; ``None`` for the whole data (full batch).
        drop_last: skip the last batch when it is smaller than ``batch_size``.
        shuffle: the order of the examples in each epoch: ``"never"`` (as given),
            ``"each_epoch"`` (a new permutation in every epoch from one generator
            seeded with ``seed``), ``"same_order"`` (a generator made anew in
            every epoch, so the same permutation each time).
        seed: the seed of the shuffling generator.
        record: the loss of each batch on the parameters ``"before"`` or
            ``"after"`` its step.
        epoch_loss: how an epoch's loss is made of its batches' losses: ``"mean"``
            (each batch weighted by its size), ``"mean_of_batches"``,
            ``"last_batch"`` or ``"sum"``.
        restart_each_epoch: start every epoch again from the initial ``params``.
        stop_at_zero_loss: stop after the first epoch whose loss is 0.

    Returns:
        A :class:`Training`.

    Example:
        >>> def loss_and_grads(params, X, Y):
        ...     error = X @ params["w"] - Y
        ...     return float(np.mean(error ** 2)), {"w": 2 * X.T @ error / len(X)}
        >>> X, Y = np.array([[1.0], [2.0]]), np.array([2.0, 4.0])
        >>> step = gradient_step(loss_and_grads, 0.1)
        >>> train(step, {"w": np.zeros(1)}, X, Y, 3).losses
        array([10.   ,  2.5  ,  0.625])
        >>> train(step, {"w": np.zeros(1)}, X, Y, 3, record="after").losses
        array([2.5    , 0.625  , 0.15625])
    """
    if shuffle not in SHUFFLE or record not in ("before", "after"):
        raise ValueError(f"`shuffle` must be one of {SHUFFLE} and `record` 'before' or 'after'. "
                         f"Received: shuffle={shuffle!r}, record={record!r}")
    start, n = params, len(X)
    size = n if batch_size is None else batch_size
    end = n - n % size if drop_last else n
    rng = np.random.default_rng(seed)
    losses, epoch_ends = [], []
    with quiet():  # a mistake may diverge
        for _ in range(num_epochs):
            if restart_each_epoch:
                params = start
            if shuffle == "same_order":
                rng = np.random.default_rng(seed)
            order = np.arange(n) if shuffle == "never" else rng.permutation(n)
            batch_losses, sizes = [], []
            for first in range(0, end, size):
                batch = order[first:first + size]
                loss, stepped = step(params, X[batch], Y[batch])
                params = {name: stepped[name] if update is None or name in update else p
                          for name, p in params.items()}
                if record == "after":
                    loss, _ = step(params, X[batch], Y[batch])
                batch_losses.append(loss)
                sizes.append(len(batch))
            losses.append(EPOCH_LOSS[epoch_loss](batch_losses, sizes))
            epoch_ends.append(params)
            if stop_at_zero_loss and losses[-1] == 0:
                break
    return Training(params, np.array(losses, dtype=float), epoch_ends)
