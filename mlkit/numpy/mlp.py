"""A multi-layer perceptron built from dense and activation layers, NumPy reference.

:class:`MLP` chains :func:`~mlkit.numpy.layers.dense_forward` and
:func:`~mlkit.numpy.layers.activation_forward` for its forward pass, and their
``*_backward`` partners, in reverse order, for back-propagation. It trains with
mini-batch stochastic gradient descent (with optional momentum, as Keras's
``SGD``) on one of four losses, each with the output it implies:

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

Taught in the book chapters *XOR and the multi-layer perceptron*,
*Back-propagation* and *Capstone: MNIST from scratch and with Keras*.
"""

import numpy as np

from mlkit._training import (
    LOSSES,
    MLPHyperparameters,
    check_hyperparameters,
    initial_params,
    targets,
    train,
    validation_pair,
    validation_targets,
)
from mlkit.numpy import losses
from mlkit.numpy._checks import as_float_array
from mlkit.numpy.layers import (
    activation_backward,
    activation_forward,
    dense_backward,
    dense_forward,
)

__all__ = ["MLP"]


def _flat(pairs):
    """``[(W1, b1), (W2, b2)]`` -> ``[W1, b1, W2, b2]``."""
    return [array for pair in pairs for array in pair]


class MLP(MLPHyperparameters):
    """A multi-layer perceptron trained by back-propagation and mini-batch SGD.

    .. math::

        H_0 = X, \\quad H_l = f(H_{l-1} W_l + b_l) \\ (l = 1..L-1), \\quad
        \\text{logits} = H_{L-1} W_L + b_L

    and the output is ``sigmoid``, ``softmax`` or the identity of the logits, as
    the loss implies (see the module's table). SGD with momentum :math:`\\mu`
    updates every parameter :math:`\\theta` as Keras does:
    :math:`v \\leftarrow \\mu v - \\eta \\nabla_\\theta L`, :math:`\\theta \\leftarrow \\theta + v`.

    Weights start Glorot-uniform (Keras's default) and biases at zero, drawn
    from ``seed``; the same seed also shuffles the mini-batches. The parameters
    take the float dtype of ``X`` (float32 stays float32, anything else is float64).

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
        params_: list of ``(W, b)`` per layer, ``W`` of shape (n_in, n_out), ``b`` (n_out,).
        history_: dict of per-epoch lists: "loss" (the mean training loss over the
            epoch's batches, as Keras reports it), "accuracy" for classification,
            and "val_loss", "val_accuracy" when ``validation_data`` is given.
        n_outputs_: the width of the output layer.

    Example:
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> model = MLP((4,), activation="tanh", loss="binary_cross_entropy", lr=0.5,
        ...             num_epochs=2000, batch_size=None, seed=0)
        >>> model.fit(X, np.array([0, 1, 1, 0])).predict(X)  # XOR
        array([0, 1, 1, 0])
        >>> [W.shape for W, b in model.params_]
        [(2, 4), (4, 1)]
    """

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
        return self._forward(self._inputs(X))

    def _forward(self, H):
        """:meth:`forward` of inputs already checked (training checks ``X`` once, not per batch)."""
        caches = []
        for W, b in self.params_[:-1]:
            Z, dense_cache = dense_forward(H, W, b)
            H, activation_cache = activation_forward(Z, self.activation)
            caches.append((dense_cache, activation_cache))
        logits, dense_cache = dense_forward(H, *self.params_[-1])
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
            dZ = dH if activation_cache is None else activation_backward(dH, activation_cache)
            if layer > 0:
                dH, dW, db = dense_backward(dZ, dense_cache)
            else:  # nothing needs the gradient of the inputs X: skip its matrix product
                X, _ = dense_cache
                dW, db = X.T @ dZ, dZ.sum(axis=0)
            grads.append((dW, db))
        return grads[::-1]

    def _loss_and_grad(self, Y, logits):
        """Mean loss over the batch and its gradient with respect to the logits."""
        if self.loss == "binary_cross_entropy":
            per_example = losses.binary_cross_entropy(Y, logits, from_logits=True)
            return per_example.mean(), losses.binary_cross_entropy_grad(Y, logits)
        if self.loss == "mean_squared_error":
            per_example = losses.mean_squared_error(Y, logits)
            return per_example.mean(), losses.mean_squared_error_grad(Y, logits)
        # softmax and cross-entropy together: one log-softmax gives both the loss,
        # -sum(y log p), and its gradient, (p - y) / n (softmax_cross_entropy_grad),
        # instead of a second softmax on every training step; the batch mean of the loss,
        # -sum(Y * log_p) / n, is one dot product of the flattened arrays
        log_p = losses.log_softmax(logits)
        loss = (0.0 - np.vdot(Y, log_p)) / len(Y)
        return loss, (np.exp(log_p) - Y) / len(Y)

    # -- training ----------------------------------------------------------------------------

    def fit(self, X, y, *, validation_data=None):
        """Train on ``(X, y)`` from a fresh, seeded start.

        Args:
            X: inputs of shape (n, n_features).
            y: labels or targets as the loss expects (see the module's table).
            validation_data: optional ``(X_val, y_val)``, evaluated after every epoch.

        Returns:
            The estimator itself, fitted.
        """
        num_hiddens, lr, momentum, num_epochs, seed = check_hyperparameters(self)
        validation_data = validation_pair(validation_data)
        X = self._inputs(X, fitting=True)
        Y, self.n_outputs_ = targets(self.loss, y, len(X))
        Y = Y.astype(X.dtype)
        self._y_ndim = np.ndim(y)
        sizes = (X.shape[1], *num_hiddens, self.n_outputs_)
        self.params_ = [(W.astype(X.dtype), b.astype(X.dtype))
                        for W, b in initial_params(sizes, seed)]
        velocities = [(np.zeros_like(W), np.zeros_like(b)) for W, b in self.params_]
        labels = self._labels_of(Y) if LOSSES[self.loss][0] != "regression" else None

        def step(index):
            """One mini-batch: forward, loss, back-propagation, momentum update."""
            # np.take: the rows of the batch, as X[index] but a little faster
            logits, caches = self._forward(np.take(X, index, axis=0))
            loss, dlogits = self._loss_and_grad(np.take(Y, index, axis=0), logits)
            # backward is linear in dlogits: scaling it by lr gives every lr * gradient
            # at once, without a pass over the parameters
            steps = self.backward(lr * dlogits, caches)
            for param, velocity, lr_grad in zip(_flat(self.params_), _flat(velocities),
                                                _flat(steps), strict=True):
                velocity *= momentum
                velocity -= lr_grad
                param += velocity
            if labels is None:
                return loss, 0
            return loss, np.count_nonzero(self._labels(logits) == labels[index])

        validate = None if validation_data is None else lambda: self._validate(*validation_data)
        # a diverging run overflows: train detects it after the epoch and explains it
        with np.errstate(over="ignore", invalid="ignore"):
            train(self, step, len(X), num_epochs, lr, np.random.default_rng(seed), validate)
        return self

    def _validate(self, X_val, y_val):
        """The loss (and accuracy) on validation data, for the history."""
        X_val = self._inputs(X_val)
        Y_val = validation_targets(self.loss, y_val, len(X_val), self.n_outputs_)
        Y_val = Y_val.astype(X_val.dtype)
        logits, _ = self.forward(X_val)
        loss, _ = self._loss_and_grad(Y_val, logits)
        metrics = {"val_loss": float(loss)}
        if LOSSES[self.loss][0] != "regression":
            metrics["val_accuracy"] = float(np.mean(self._labels(logits)
                                                    == self._labels_of(Y_val)))
        return metrics

    # -- predictions -------------------------------------------------------------------------

    def _labels(self, logits):
        """Predicted labels from logits: thresholded at 0 (p = 0.5) or the arg-max."""
        if self.loss == "binary_cross_entropy":
            return (logits > 0).astype(np.int64)
        return np.argmax(logits, axis=1)

    def _labels_of(self, Y):
        """True labels of a target matrix, in the form :meth:`_labels` returns."""
        return Y.astype(np.int64) if self.loss == "binary_cross_entropy" else np.argmax(Y, axis=1)

    def _squeeze(self, values):
        return values[:, 0] if self._y_ndim == 1 and values.ndim == 2 else values

    def predict_proba(self, X):
        """Predicted probabilities of a classifier.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            shape (n, k) for softmax outputs (each row sums to 1); for the binary
            loss, the probability of the label 1, of shape (n,) or (n, n_labels) as ``y`` was.
        """
        if LOSSES[self.loss][0] == "regression":
            raise AttributeError("predict_proba is for classifiers; this MLP has "
                                 "loss='mean_squared_error': use predict.")
        logits, _ = self.forward(X)
        if self.loss == "binary_cross_entropy":
            with np.errstate(over="ignore"):
                return self._squeeze(1.0 / (1.0 + np.exp(-logits)))
        return losses.softmax(logits)

    def predict(self, X):
        """Predicted labels (classification) or values (regression).

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            int64 labels of shape (n,) (or (n, n_labels) for multi-label ``y``),
            or float predictions of the shape ``y`` had.
        """
        logits, _ = self.forward(X)
        if LOSSES[self.loss][0] == "regression":
            return self._squeeze(logits)
        return self._squeeze(self._labels(logits)) if self.loss == "binary_cross_entropy" \
            else self._labels(logits)

    def score(self, X, y):
        """Accuracy of a classifier, or the coefficient of determination R² of a regressor.

        Args:
            X: inputs of shape (n, n_features).
            y: true labels or targets, as for :meth:`fit`.

        Returns:
            A float.
        """
        self._check_fitted()
        X = self._inputs(X)
        Y, _ = targets(self.loss, y, len(X))
        logits, _ = self.forward(X)
        if LOSSES[self.loss][0] == "regression":
            residual = np.sum((Y - logits) ** 2)
            return float(1.0 - residual / np.sum((Y - Y.mean(axis=0)) ** 2))
        return float(np.mean(self._labels(logits) == self._labels_of(Y)))

    # -- checks ------------------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise RuntimeError("This MLP is not fitted yet: call `fit(X, y)` first.")

    def _inputs(self, X, fitting=False):
        """``X`` as float32 or float64 of shape (n, n_features), finite."""
        X = as_float_array(X, "X")
        if X.dtype != np.float32:
            X = X.astype(np.float64, copy=False)
        n_features = None if fitting else self.params_[0][0].shape[0]
        if X.ndim != 2 or X.shape[0] == 0 or (n_features and X.shape[1] != n_features):
            expected = "n_features" if fitting else n_features
            raise ValueError(f"`X` must have shape (n, {expected}) with n >= 1, one example per "
                             f"row. Received: X.shape={X.shape}")
        if fitting and not np.all(np.isfinite(X)):
            raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
        return X if fitting else X.astype(self.params_[0][0].dtype, copy=False)
