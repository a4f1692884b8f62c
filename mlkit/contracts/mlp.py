"""A multi-layer perceptron built from dense and activation layers: the contract of both backends.

:class:`MLP` chains the backend's ``dense_forward`` and ``activation_forward``
kernels for its forward pass, and their ``*_backward`` partners, in reverse
order, for back-propagation. It trains with mini-batch stochastic gradient
descent (with optional momentum, as Keras's ``SGD``) on one of four losses, each
with the output it implies:

=========================  ==========  ==========================================
loss                       output      labels ``y``
=========================  ==========  ==========================================
``binary_cross_entropy``   sigmoid     0/1, shape (n,) or (n, n_labels)
``sparse_cross_entropy``   softmax     integer classes 0 .. k-1, shape (n,)
``cross_entropy``          softmax     one-hot, shape (n, k)
``mean_squared_error``     linear      real targets, shape (n,) or (n, n_targets)
=========================  ==========  ==========================================

The last layer returns *logits*; the losses are computed from the logits
(``from_logits=True``), which is both stable and simple: the gradient of the
loss with respect to the logits is ``(p - y) / n``.

What the backends share is here: the hyperparameters and their checks, the
labels, the initial weights, the forward and backward passes (over the
backend's layer kernels), the epoch loop, predictions and scores. Each backend
brings its training step: back-propagation by hand in NumPy,
``tf.GradientTape`` in a compiled ``tf.function`` in TensorFlow.

Taught in the book chapters *XOR and the multi-layer perceptron*,
*Back-propagation* and *Capstone: MNIST from scratch and with Keras*.
"""

import types

import numpy as np

from mlkit._training import (
    LOSSES,
    check_hyperparameters,
    initial_params,
    targets,
    train,
    validation_pair,
    validation_targets,
)

__all__ = ["MLP"]


def loss_kernels(losses, mean):
    """``loss -> (mean loss of a batch, its gradient with respect to the logits)``, as kernels.

    Args:
        losses: the backend's :mod:`losses` module (the ``kernel`` of its functions is used).
        mean: the backend's mean of all the elements of an array.

    Returns:
        A read-only mapping of ``(mean_loss(Y, logits), grad(Y, logits))`` pairs.
    """
    def from_logits(loss, *args):
        return lambda Y, logits: mean(loss.kernel(Y, logits, True, *args))

    cross_entropy = (from_logits(losses.cross_entropy, -1),
                     losses.softmax_cross_entropy_grad.kernel)
    return types.MappingProxyType({
        "binary_cross_entropy": (from_logits(losses.binary_cross_entropy),
                                 losses.binary_cross_entropy_grad.kernel),
        "sparse_cross_entropy": cross_entropy,  # the labels are made one-hot by `targets`
        "cross_entropy": cross_entropy,
        "mean_squared_error": (lambda Y, logits: mean(losses.mean_squared_error.kernel(Y, logits)),
                               losses.mean_squared_error_grad.kernel),
    })


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z), without overflow


def _softmax(z):
    exp_shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return exp_shifted / exp_shifted.sum(axis=1, keepdims=True)


class MLP:
    """A multi-layer perceptron trained by back-propagation and mini-batch SGD.

    .. math::

        H_0 = X, \\quad H_l = f(H_{l-1} W_l + b_l) \\ (l = 1..L-1), \\quad
        \\text{logits} = H_{L-1} W_L + b_L

    and the output is ``sigmoid``, ``softmax`` or the identity of the logits, as
    the loss implies (see the module's table). SGD with momentum :math:`\\mu`
    updates every parameter :math:`\\theta` as Keras does:
    :math:`v \\leftarrow \\mu v - \\eta \\nabla_\\theta L`, :math:`\\theta \\leftarrow \\theta + v`.

    Weights start Glorot-uniform (Keras's default) and biases at zero, drawn
    from ``seed``; the same seed also shuffles the mini-batches, so that both
    backends start from the same weights and see the same batches. The
    parameters take the float dtype of ``X`` (float32 stays float32, anything
    else is float64). The estimator follows scikit-learn: hyperparameters are
    only stored by ``__init__`` and checked by ``fit``, which returns the estimator.

    Return types, in both backends: predictions (``forward``, ``predict``,
    ``predict_proba``) are arrays of the backend, NumPy arrays from
    :mod:`mlkit.numpy` and tensors from :mod:`mlkit.tensorflow`; ``score`` is a
    float and ``history_`` holds Python floats. If the loss stops being a finite
    number, training stops with a ``FloatingPointError`` that names the epoch and
    the learning rate; ``history_`` keeps the epochs before.

    Args:
        num_hiddens: the widths of the hidden layers, e.g. ``(300, 100)``; ``()``
            for none (logistic or softmax regression).
        activation: the hidden layers' activation: "sigmoid", "tanh", "relu",
            "leaky_relu", "elu" or "linear".
        loss: "binary_cross_entropy", "sparse_cross_entropy", "cross_entropy" or
            "mean_squared_error"; it fixes the output activation.
        lr: learning rate :math:`\\eta`.
        momentum: :math:`\\mu` in [0, 1); 0 is plain SGD.
        num_epochs: passes over the training data.
        batch_size: examples per step, or None for full-batch gradient descent.
        seed: None or a non-negative integer for the initial weights and the shuffling.
        progress: show a tqdm progress bar over the epochs.

    Attributes:
        params_: list of ``(W, b)`` per layer, ``W`` of shape (n_in, n_out), ``b``
            (n_out,): NumPy arrays, or ``tf.Variable`` objects in TensorFlow.
        history_: dict of per-epoch lists: "loss" (the mean training loss over the
            epoch's batches, as Keras reports it), "accuracy" for classification,
            and "val_loss", "val_accuracy" when ``validation_data`` is given.
        n_outputs_: the width of the output layer.

    Example:
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> model = mk.MLP((4,), activation="tanh", loss="binary_cross_entropy", lr=0.5,
        ...                num_epochs=2000, batch_size=None, seed=0)
        >>> np.asarray(model.fit(X, np.array([0, 1, 1, 0])).predict(X))  # XOR
        array([0, 1, 1, 0])
        >>> [tuple(W.shape) for W, b in model.params_]
        [(2, 4), (4, 1)]
    """

    _layers = None  # the backend's layers module, whose kernels the network chains
    _loss_kernels = None  # the backend's loss_kernels(...)

    def __init__(self, num_hiddens=(8,), *, activation="relu", loss="sparse_cross_entropy",
                 lr=0.1, momentum=0.0, num_epochs=10, batch_size=32, seed=None, progress=False):
        self.num_hiddens = num_hiddens
        self.activation = activation
        self.loss = loss
        self.lr = lr
        self.momentum = momentum
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.seed = seed
        self.progress = progress

    def __repr__(self):
        return (f"MLP({self.num_hiddens!r}, activation={self.activation!r}, loss={self.loss!r}, "
                f"lr={self.lr!r}, momentum={self.momentum!r}, num_epochs={self.num_epochs!r}, "
                f"batch_size={self.batch_size!r}, seed={self.seed!r})")

    # -- the network -------------------------------------------------------------------------

    def forward(self, X):
        """Forward pass: the logits of ``X`` and the caches back-propagation needs.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            ``(logits, caches)``: logits of shape (n, n_outputs), and one
            ``(dense_cache, activation_cache)`` per layer (``None`` for the last
            layer's activation: the loss applies the output function).
        """
        self._check_fitted()
        return self._forward(self._to_backend(self._inputs(X)))

    def _forward(self, X):
        """:meth:`forward` of inputs already checked: the layers' kernels, one after the other."""
        caches = []
        H = X
        for W, b in self.params_[:-1]:
            Z, dense_cache = self._layers.dense_forward.kernel(H, W, b)
            H, activation_cache = self._layers.activation_forward.kernel(Z, self.activation)
            caches.append((dense_cache, activation_cache))
        logits, dense_cache = self._layers.dense_forward.kernel(H, *self.params_[-1])
        caches.append((dense_cache, None))
        return logits, caches

    def backward(self, dlogits, caches):
        """Back-propagation: the gradients of every layer from the gradient of the logits.

        Args:
            dlogits: gradient of the loss with respect to the logits, shape (n, n_outputs).
            caches: the caches returned by :meth:`forward`.

        Returns:
            list of ``(dW, db)``, one per layer, of the shapes of ``params_``.
        """
        grads = []
        dH = dlogits
        for layer in range(len(caches) - 1, -1, -1):
            dense_cache, activation_cache = caches[layer]
            dZ = dH if activation_cache is None else self._layers.activation_backward.kernel(
                dH, activation_cache)
            # the first layer's inputs are the data: nothing needs their gradient
            dH, dW, db = self._layers.dense_backward.kernel(dZ, dense_cache, input_grad=layer > 0)
            grads.append((dW, db))
        return grads[::-1]

    # -- training ----------------------------------------------------------------------------

    def fit(self, X, y, *, validation_data=None):
        """Train on ``(X, y)`` from a fresh, seeded start.

        Args:
            X: inputs of shape (n, n_features), an array or a tensor.
            y: labels or targets as the loss expects (see the module's table).
            validation_data: optional ``(X_val, y_val)``, evaluated after every epoch.

        Returns:
            The estimator itself, fitted.

        Raises:
            FloatingPointError: if the loss becomes inf or NaN (the learning rate
                is too large).
        """
        num_hiddens, lr, momentum, num_epochs, seed = check_hyperparameters(self)
        validation_data = validation_pair(validation_data)
        X = self._inputs(X, fitting=True)
        y = _host(y, "y")
        Y, self.n_outputs_ = targets(self.loss, y, len(X))
        self._y_ndim = y.ndim
        self._dtype = X.dtype
        sizes = (X.shape[1], *num_hiddens, self.n_outputs_)
        self.params_ = self._parameters([(W.astype(X.dtype), b.astype(X.dtype))
                                         for W, b in initial_params(sizes, seed)])
        step = self._train_step(X, Y.astype(X.dtype), lr, momentum)
        validate = None if validation_data is None else lambda: self._validate(*validation_data)
        # a diverging run overflows: train detects it after the epoch and explains it
        with np.errstate(over="ignore", invalid="ignore"):
            train(self, step, len(X), num_epochs, lr, np.random.default_rng(seed), validate)
        return self

    def _validate(self, X_val, y_val):
        """The loss (and accuracy) on validation data, for the history."""
        X_val = self._inputs(X_val)
        Y_val = validation_targets(self.loss, _host(y_val, "y_val"), len(X_val), self.n_outputs_)
        logits, _ = self._forward(self._to_backend(X_val))
        mean_loss, _ = self._loss_kernels[self.loss]
        metrics = {"val_loss": float(mean_loss(self._to_backend(Y_val.astype(X_val.dtype)),
                                               logits))}
        if LOSSES[self.loss][0] != "regression":
            metrics["val_accuracy"] = float(np.mean(self._labels(np.asarray(logits))
                                                    == self._labels_of(Y_val)))
        return metrics

    # -- predictions -------------------------------------------------------------------------

    def _labels(self, logits):
        """Predicted labels from logits: thresholded at 0 (p = 0.5) or the arg-max."""
        if self.loss == "binary_cross_entropy":
            return (logits > 0).astype(np.int64)
        return logits.argmax(axis=1)

    def _labels_of(self, Y):
        """True labels of a target matrix, in the form :meth:`_labels` returns."""
        return Y.astype(np.int64) if self.loss == "binary_cross_entropy" else np.argmax(Y, axis=1)

    def _squeeze(self, values):
        return values[:, 0] if self._y_ndim == 1 and values.ndim == 2 else values

    def _host_logits(self, X):
        """The logits of ``X`` as a NumPy array, for predictions and scores."""
        self._check_fitted()
        logits, _ = self._forward(self._to_backend(self._inputs(X)))
        return np.asarray(logits)

    def predict_proba(self, X):
        """Predicted probabilities of a classifier.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            Shape (n, k) for softmax outputs (each row sums to 1); for the binary
            loss, the probability of the label 1, of shape (n,) or (n, n_labels) as
            ``y`` was. An array of the backend.
        """
        if LOSSES[self.loss][0] == "regression":
            raise AttributeError("predict_proba is for classifiers; this MLP has "
                                 "loss='mean_squared_error': use predict.")
        logits = self._host_logits(X)
        if self.loss == "binary_cross_entropy":
            return self._to_backend(self._squeeze(_sigmoid(logits)))
        return self._to_backend(_softmax(logits))

    def predict(self, X):
        """Predicted labels (classification) or values (regression).

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            int64 labels of shape (n,) (or (n, n_labels) for multi-label ``y``), or
            float predictions of the shape ``y`` had. An array of the backend.
        """
        logits = self._host_logits(X)
        if LOSSES[self.loss][0] == "regression":
            return self._to_backend(self._squeeze(logits))
        labels = self._labels(logits)
        return self._to_backend(self._squeeze(labels) if self.loss == "binary_cross_entropy"
                                else labels)

    def score(self, X, y):
        """Accuracy of a classifier, or the coefficient of determination R² of a regressor.

        Args:
            X: inputs of shape (n, n_features).
            y: true labels or targets, as for :meth:`fit`.

        Returns:
            A float.
        """
        logits = self._host_logits(X).astype(np.float64)
        Y, _ = targets(self.loss, _host(y, "y"), len(logits))
        if LOSSES[self.loss][0] == "regression":
            residual = np.sum((Y - logits) ** 2)
            return float(1.0 - residual / np.sum((Y - Y.mean(axis=0)) ** 2))
        return float(np.mean(self._labels(logits) == self._labels_of(Y)))

    # -- checks ------------------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise RuntimeError("This MLP is not fitted yet: call `fit(X, y)` first.")

    def _inputs(self, X, fitting=False):
        """``X`` as a finite float32 or float64 NumPy array of shape (n, n_features).

        Checked once, on the host, when training starts or a prediction is asked
        for; the training steps then take batches of it without checking again.
        """
        X = _host(X, "X")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"`X` must hold real numbers. Received: X.dtype={X.dtype}")
        dtype = (X.dtype if X.dtype == np.float32 else np.float64) if fitting else self._dtype
        X = X.astype(dtype, copy=False)
        n_features = None if fitting else self.params_[0][0].shape[0]
        if X.ndim != 2 or X.shape[0] == 0 or (n_features and X.shape[1] != n_features):
            raise ValueError(f"`X` must have shape (n, {n_features or 'n_features'}) with "
                             f"n >= 1, one example per row. Received: X.shape={X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
        return X


def _host(x, name):
    """An array, a tensor or a nested list as a NumPy array: data are prepared on the host."""
    if x is None:
        raise TypeError(f"`{name}` must be an array or a tensor. Received: {name}=None")
    return np.asarray(x)
