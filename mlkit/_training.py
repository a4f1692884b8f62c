"""What both backends' estimators share: checks, labels, initial weights, the epoch loop.

Pure NumPy and Python, so that the NumPy and TensorFlow networks start from
the same weights, see the same mini-batches for the same ``seed`` and keep the
same history. Each backend brings only its training step (back-propagation by
hand in NumPy, ``tf.GradientTape`` in TensorFlow) and hands it to :func:`train`.
:func:`check_finite` is the rule of every estimator for a diverging run.
"""

import itertools
import types

import numpy as np

from mlkit._args import check_lr, check_positive_int, check_real, check_seed

# the hidden activations both backends' layers know (see mlkit.numpy.layers)
ACTIVATIONS = ("elu", "leaky_relu", "linear", "relu", "sigmoid", "tanh")

# loss -> (kind, output activation)
LOSSES = types.MappingProxyType({
    "binary_cross_entropy": ("binary", "sigmoid"),
    "sparse_cross_entropy": ("multiclass", "softmax"),
    "cross_entropy": ("multiclass", "softmax"),
    "mean_squared_error": ("regression", "linear"),
})


def check_hyperparameters(model):
    """Check an MLP's hyperparameters; return ``(num_hiddens, lr, momentum, num_epochs, seed)``.

    Shared by both backends, so that the same bad value gets the same message.
    """
    num_hiddens = model.num_hiddens
    if isinstance(num_hiddens, int | np.integer) and not isinstance(num_hiddens, bool):
        num_hiddens = (num_hiddens,)
    try:
        num_hiddens = tuple(check_positive_int(h, "num_hiddens[i]") for h in num_hiddens)
    except (TypeError, ValueError):
        raise ValueError(
            "`num_hiddens` must be a sequence of positive integers, the widths of the hidden "
            f"layers (empty for none). Received: num_hiddens={model.num_hiddens!r}") from None
    if model.activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {list(ACTIVATIONS)}. "
                         f"Received: activation={model.activation!r}")
    if model.loss not in LOSSES:
        raise ValueError(f"`loss` must be one of {sorted(LOSSES)}. Received: loss={model.loss!r}")
    lr = check_lr(model.lr)
    momentum = check_real(model.momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1). Received: momentum={model.momentum!r}")
    num_epochs = check_positive_int(model.num_epochs, "num_epochs")
    if model.batch_size is not None:
        check_positive_int(model.batch_size, "batch_size")
    return num_hiddens, lr, momentum, num_epochs, check_seed(model.seed)


def targets(loss, y, n):
    """Labels ``y`` checked for ``loss``, as a float array of shape (n, n_outputs).

    Returns ``(Y, n_outputs)``; for the sparse loss ``Y`` is one-hot.
    """
    kind = LOSSES[loss][0]
    y = np.asarray(y)
    if y.shape[:1] != (n,) or y.ndim > 2:
        raise ValueError(f"`y` must have shape (n,) or (n, n_outputs) with n = {n}, one row "
                         f"per row of `X`. Received: y.shape={y.shape}")
    if y.dtype.kind not in "biuf":
        raise TypeError(f"`y` must hold numbers. Received: y.dtype={y.dtype}")
    if not np.all(np.isfinite(y)):
        raise ValueError("`y` must hold finite numbers. Received a `y` with NaN or inf.")
    if loss == "sparse_cross_entropy":
        if y.ndim != 1 or np.any(y < 0) or np.any(y != np.round(y)):
            raise ValueError(
                "`y` must hold integer class labels 0, 1, ..., k-1 of shape (n,) for "
                "loss='sparse_cross_entropy' (use loss='cross_entropy' for one-hot labels). "
                f"Received: y.shape={y.shape}, values {np.unique(y)[:5].tolist()}...")
        k = int(y.max()) + 1
        return np.eye(k)[y.astype(np.int64)], k
    Y = y.reshape(n, -1).astype(np.float64)
    if kind == "binary" and np.any((Y != 0) & (Y != 1)):
        raise ValueError("`y` must hold only the labels 0 and 1 for loss='binary_cross_entropy'. "
                         f"Received other values: {np.unique(Y[(Y != 0) & (Y != 1)])[:5].tolist()}")
    if loss == "cross_entropy" and (y.ndim != 2 or np.any((Y != 0) & (Y != 1))
                                    or np.any(Y.sum(axis=1) != 1)):
        raise ValueError(
            "`y` must be one-hot of shape (n, k) for loss='cross_entropy': one 1 per row, the "
            "rest 0 (use loss='sparse_cross_entropy' for integer labels). "
            f"Received: y.shape={y.shape}")
    return Y, Y.shape[1]


def glorot_uniform(rng, fan_in, fan_out):
    """Keras's default initializer: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), float64."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def initial_params(sizes, seed):
    """Glorot-uniform weights and zero biases for layer widths ``sizes``, float64, seeded."""
    rng = np.random.default_rng(seed)
    return [(glorot_uniform(rng, n_in, n_out), np.zeros(n_out))
            for n_in, n_out in itertools.pairwise(sizes)]


def batches(n, batch_size, rng):
    """Index arrays of the shuffled mini-batches of one epoch (all of 0..n-1, once)."""
    order = rng.permutation(n)
    size = n if batch_size is None else batch_size
    return [order[start:start + size] for start in range(0, n, size)]


def validation_pair(validation_data):
    """``validation_data`` as ``(X_val, y_val)``, checked before training starts."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
        kind = (f"a {type(validation_data).__name__} of {len(validation_data)} items"
                if isinstance(validation_data, tuple | list) else type(validation_data).__name__)
        raise ValueError("`validation_data` must be a pair (X_val, y_val). "
                         f"Received: {kind}")
    return tuple(validation_data)


def validation_targets(loss, y_val, n_val, n_outputs):
    """Labels of validation data as an (n_val, n_outputs) array, as :func:`targets` makes them.

    Integer labels make one-hot rows as wide as the classes they hold, which
    may be fewer than the model's outputs (a validation set without a 9): the
    rows are padded with zeros to the model's width.
    """
    Y_val, _ = targets(loss, y_val, n_val)
    if Y_val.shape[1] > n_outputs:
        raise ValueError(f"`validation_data` has labels of {Y_val.shape[1]} classes or "
                         f"outputs; the model has {n_outputs} outputs.")
    return np.pad(Y_val, ((0, 0), (0, n_outputs - Y_val.shape[1])))


def train(model, step, n, num_epochs, lr, rng, validate=None):
    """The epoch loop of both backends' ``MLP.fit``: batches, history, progress, divergence.

    Every epoch shuffles the ``n`` examples with ``rng``, calls ``step(index)``
    on each mini-batch and records in ``model.history_`` the mean training loss
    over the epoch's batches (weighted by their sizes, as Keras reports it), the
    accuracy for a classifier, and what ``validate()`` returns. Training stops
    with a ``FloatingPointError`` when the loss stops being a finite number
    (:func:`check_finite`); the history up to that epoch stays in ``model.history_``.

    Args:
        model: the MLP being fitted; its ``loss``, ``batch_size`` and ``progress`` are read.
        step: ``step(index) -> (loss, right)``: one training step on the examples
            ``index`` (an int array), returning their mean loss and how many of
            them the model classified right before the step (0 for regression).
        n: the number of training examples.
        num_epochs: passes over the training data.
        lr: the learning rate, for the divergence error.
        rng: the ``np.random.Generator`` that shuffles the batches.
        validate: optional ``validate() -> {"val_loss": ..., ...}``, called after every epoch.
    """
    classifier = LOSSES[model.loss][0] != "regression"
    model.history_ = {"loss": [], **({"accuracy": []} if classifier else {})}
    epochs = range(1, num_epochs + 1)
    if model.progress:
        try:
            from tqdm.auto import tqdm
        except ModuleNotFoundError:
            raise ModuleNotFoundError("progress=True shows a progress bar with tqdm, which is "
                                      "not installed: pip install 'mlkit[progress]'") from None
        epochs = tqdm(epochs, desc="MLP", unit="epoch")
    for epoch in epochs:
        total_loss, total_right = 0.0, 0
        for index in batches(n, model.batch_size, rng):
            loss, right = step(index)
            total_loss += float(loss) * len(index)
            total_right += int(right)
        model.history_["loss"].append(total_loss / n)
        if classifier:
            model.history_["accuracy"].append(total_right / n)
        if validate is not None:
            for key, value in validate().items():
                model.history_.setdefault(key, []).append(value)
        if model.progress:
            epochs.set_postfix({key: f"{v[-1]:.4f}" for key, v in model.history_.items()})
        check_finite(model.history_["loss"][-1], epoch, lr, model.history_["loss"][0])


def check_finite(loss, epoch, lr, first_loss, advice=""):
    """Raise ``FloatingPointError`` if the loss of an epoch is no longer a finite number.

    The rule of every mlkit estimator, in both backends: a run whose loss overflows
    stops at that epoch with an error that names the epoch and the learning rate.

    Args:
        loss: the loss of the epoch.
        epoch: its number, from 1.
        lr: the learning rate.
        first_loss: the loss of the first epoch, or None, for the message.
        advice: more advice for the message, e.g. about scaling the features.
    """
    if np.isfinite(loss):
        return
    known = first_loss is not None and np.isfinite(first_loss)
    start = f" (it was {first_loss:.4g} at the start)" if known else ""
    raise FloatingPointError(
        f"Training diverged at epoch {epoch}: the loss became {loss}{start}. "
        f"The learning rate lr={lr!r} is too large: the steps overshoot and grow. "
        f"Lower it{advice}.")
