"""A multi-layer perceptron in TensorFlow, trained with ``tf.GradientTape``.

The same class, arguments and results as :class:`mlkit.numpy.MLP`: for the same
``seed`` both start from the same weights and see the same mini-batches, so in
float64 they learn the same network. The difference is how the gradients are
found: :meth:`MLP.forward` and :meth:`MLP.backward` are written out with
:mod:`mlkit.tensorflow.layers`, as in NumPy, but :meth:`MLP.fit` lets
``tf.GradientTape`` differentiate the loss, in a compiled ``tf.function`` that
runs on a GPU when there is one.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Capstone: MNIST from scratch and with Keras*.
"""

import numpy as np
import tensorflow as tf

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
from mlkit.tensorflow import losses
from mlkit.tensorflow.layers import (
    activation_backward,
    activation_forward,
    dense_backward,
    dense_forward,
)

__all__ = ["MLP"]


def _as_numpy(x, name):
    """A tensor, array or nested list as a NumPy array: data are prepared on the host."""
    if x is None:
        raise TypeError(f"`{name}` must be an array or a tensor. Received: {name}=None")
    return x.numpy() if isinstance(x, tf.Tensor | tf.Variable) else np.asarray(x)


class MLP(MLPHyperparameters):
    """A multi-layer perceptron trained by mini-batch SGD with ``tf.GradientTape``.

    .. math::

        H_0 = X, \\quad H_l = f(H_{l-1} W_l + b_l) \\ (l = 1..L-1), \\quad
        \\text{logits} = H_{L-1} W_L + b_L

    with the output and loss of :class:`mlkit.numpy.MLP`, and the same update,
    :math:`v \\leftarrow \\mu v - \\eta \\nabla_\\theta L`, :math:`\\theta \\leftarrow \\theta + v`.

    Args:
        num_hiddens: the widths of the hidden layers, e.g. ``(300, 100)``; ``()`` for none.
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
        params_: list of ``(W, b)`` ``tf.Variable`` pairs, ``W`` of shape (n_in, n_out).
        history_: dict of per-epoch lists, as in :class:`mlkit.numpy.MLP`.
        n_outputs_: the width of the output layer.

    Example:
        >>> X = tf.constant([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> model = MLP((4,), activation="tanh", loss="binary_cross_entropy", lr=0.5,
        ...             num_epochs=2000, batch_size=None, seed=0)
        >>> model.fit(X, [0, 1, 1, 0]).predict(X).numpy()  # XOR
        array([0, 1, 1, 0])
        >>> [tuple(W.shape) for W, b in model.params_]
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
        H = self._inputs(X)
        caches = []
        for W, b in self.params_[:-1]:
            Z, dense_cache = dense_forward(H, W, b)
            H, activation_cache = activation_forward(Z, self.activation)
            caches.append((dense_cache, activation_cache))
        logits, dense_cache = dense_forward(H, *self.params_[-1])
        caches.append((dense_cache, None))
        return logits, caches

    def backward(self, dlogits, caches):
        """Back-propagation by hand: the gradients of every layer from those of the logits.

        Args:
            dlogits: gradient of the loss with respect to the logits, shape (n, n_outputs).
            caches: the caches returned by :meth:`forward`.

        Returns:
            list of ``(dW, db)`` tensors, one per layer, of the shapes of ``params_``.
        """
        grads = []
        dH = dlogits
        for dense_cache, activation_cache in reversed(caches):
            dZ = dH if activation_cache is None else activation_backward(dH, activation_cache)
            dH, dW, db = dense_backward(dZ, dense_cache)
            grads.append((dW, db))
        return grads[::-1]

    def _mean_loss(self, Y, logits):
        """Mean loss over the batch, from the logits."""
        if self.loss == "binary_cross_entropy":
            per_example = losses.binary_cross_entropy(Y, logits, from_logits=True)
        elif self.loss == "mean_squared_error":
            per_example = losses.mean_squared_error(Y, logits)
        else:
            per_example = losses.cross_entropy(Y, logits, from_logits=True)
        return tf.reduce_mean(per_example)

    def _labels(self, logits):
        """Predicted labels from logits: thresholded at 0 (p = 0.5) or the arg-max."""
        if self.loss == "binary_cross_entropy":
            return tf.cast(logits > 0, tf.int64)
        return tf.argmax(logits, axis=1)

    def _labels_of(self, Y):
        """True labels of a target matrix, in the form :meth:`_labels` returns."""
        return tf.cast(Y, tf.int64) if self.loss == "binary_cross_entropy" \
            else tf.argmax(Y, axis=1)

    def _train_step(self, lr, momentum, classifier):
        """A compiled step: gradients by GradientTape on one batch, then the momentum update."""
        variables = [v for pair in self.params_ for v in pair]
        velocities = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        dtype = variables[0].dtype
        lr, momentum = tf.constant(lr, dtype), tf.constant(momentum, dtype)

        @tf.function(reduce_retracing=True)
        def step(X, Y):
            with tf.GradientTape() as tape:
                logits, _ = self.forward(X)
                loss = self._mean_loss(Y, logits)
            grads = tape.gradient(loss, variables)
            for variable, velocity, grad in zip(variables, velocities, grads, strict=True):
                velocity.assign(momentum * velocity - lr * grad)
                variable.assign_add(velocity)
            right = tf.reduce_sum(tf.cast(tf.equal(self._labels(logits), self._labels_of(Y)),
                                          tf.int64)) if classifier else tf.constant(0, tf.int64)
            return loss, right

        return step

    # -- training ----------------------------------------------------------------------------

    def fit(self, X, y, *, validation_data=None):
        """Train on ``(X, y)`` from a fresh, seeded start.

        Args:
            X: inputs of shape (n, n_features), a tensor or an array.
            y: labels or targets as the loss expects (see :mod:`mlkit.numpy.mlp`).
            validation_data: optional ``(X_val, y_val)``, evaluated after every epoch.

        Returns:
            The estimator itself, fitted.
        """
        num_hiddens, lr, momentum, num_epochs, seed = check_hyperparameters(self)
        validation_data = validation_pair(validation_data)
        X = self._host_inputs(X, fitting=True)
        Y, self.n_outputs_ = targets(self.loss, _as_numpy(y, "y"), len(X))
        self._y_ndim = np.ndim(_as_numpy(y, "y"))
        sizes = (X.shape[1], *num_hiddens, self.n_outputs_)
        self.params_ = [(tf.Variable(W.astype(X.dtype), name=f"W{i}"),
                         tf.Variable(b.astype(X.dtype), name=f"b{i}"))
                        for i, (W, b) in enumerate(initial_params(sizes, seed), start=1)]
        train_step = self._train_step(lr, momentum, LOSSES[self.loss][0] != "regression")
        X, Y = tf.constant(X), tf.constant(Y.astype(X.dtype))

        def step(index):
            """One mini-batch, gathered on the device and run by the compiled step."""
            return train_step(tf.gather(X, index), tf.gather(Y, index))

        validate = None if validation_data is None else lambda: self._validate(*validation_data)
        train(self, step, X.shape[0], num_epochs, lr, np.random.default_rng(seed), validate)
        return self

    def _validate(self, X_val, y_val):
        """The loss (and accuracy) on validation data, for the history."""
        X_val = self._host_inputs(X_val)
        Y_val = validation_targets(self.loss, _as_numpy(y_val, "y_val"), len(X_val),
                                   self.n_outputs_)
        Y_val = tf.constant(Y_val, self.params_[0][0].dtype)
        logits, _ = self.forward(X_val)
        metrics = {"val_loss": float(self._mean_loss(Y_val, logits))}
        if LOSSES[self.loss][0] != "regression":
            right = tf.equal(self._labels(logits), self._labels_of(Y_val))
            metrics["val_accuracy"] = float(tf.reduce_mean(tf.cast(right, tf.float64)))
        return metrics

    # -- predictions -------------------------------------------------------------------------

    def _squeeze(self, values):
        return values[:, 0] if self._y_ndim == 1 and values.shape.rank == 2 else values

    def predict_proba(self, X):
        """Predicted probabilities of a classifier.

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            A tensor of shape (n, k) for softmax outputs (rows sum to 1); for the
            binary loss, the probability of the label 1, of shape (n,) or (n, n_labels).
        """
        if LOSSES[self.loss][0] == "regression":
            raise AttributeError("predict_proba is for classifiers; this MLP has "
                                 "loss='mean_squared_error': use predict.")
        logits, _ = self.forward(X)
        if self.loss == "binary_cross_entropy":
            return self._squeeze(tf.sigmoid(logits))
        return losses.softmax(logits)

    def predict(self, X):
        """Predicted labels (classification) or values (regression).

        Args:
            X: inputs of shape (n, n_features).

        Returns:
            int64 labels of shape (n,) (or (n, n_labels) for multi-label ``y``),
            or float predictions of the shape ``y`` had; a tensor.
        """
        logits, _ = self.forward(X)
        if LOSSES[self.loss][0] == "regression":
            return self._squeeze(logits)
        labels = self._labels(logits)
        return self._squeeze(labels) if self.loss == "binary_cross_entropy" else labels

    def score(self, X, y):
        """Accuracy of a classifier, or the coefficient of determination R² of a regressor.

        Args:
            X: inputs of shape (n, n_features).
            y: true labels or targets, as for :meth:`fit`.

        Returns:
            A float.
        """
        self._check_fitted()
        X = self._host_inputs(X)
        Y, _ = targets(self.loss, _as_numpy(y, "y"), len(X))
        logits = self.forward(X)[0].numpy().astype(np.float64)
        if LOSSES[self.loss][0] == "regression":
            return float(1.0 - np.sum((Y - logits) ** 2) / np.sum((Y - Y.mean(axis=0)) ** 2))
        labels = self._labels(logits).numpy()
        return float(np.mean(labels == self._labels_of(Y).numpy()))

    # -- checks ------------------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "params_"):
            raise RuntimeError("This MLP is not fitted yet: call `fit(X, y)` first.")

    def _host_inputs(self, X, fitting=False):
        """``X`` as a float32 or float64 NumPy array of shape (n, n_features), finite."""
        X = _as_numpy(X, "X")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"`X` must hold real numbers. Received: X.dtype={X.dtype}")
        X = X if X.dtype == np.float32 else X.astype(np.float64)
        n_features = None if fitting else self.params_[0][0].shape[0]
        if X.ndim != 2 or X.shape[0] == 0 or (n_features and X.shape[1] != n_features):
            raise ValueError(f"`X` must have shape (n, {n_features or 'n_features'}) with n >= 1, "
                             f"one example per row. Received: X.shape={X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("`X` must hold finite numbers. Received an `X` with NaN or inf.")
        return X

    def _inputs(self, X):
        """``X`` as a tensor in the parameters' dtype; symbolic tensors pass as they are."""
        if isinstance(X, tf.Tensor) and not tf.executing_eagerly():
            return tf.cast(X, self.params_[0][0].dtype)
        return tf.constant(self._host_inputs(X), self.params_[0][0].dtype)
