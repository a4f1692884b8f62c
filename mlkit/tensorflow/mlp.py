"""A multi-layer perceptron: the TensorFlow training step, with ``tf.GradientTape``.

Everything else (hyperparameters, checks, forward and backward passes over the
layer kernels, the epoch loop, predictions) is the contract shared with the
NumPy backend, ``mlkit.contracts.mlp.MLP``: for the same ``seed`` both
start from the same weights and see the same mini-batches, so in float64 they
learn the same network. The difference is how the gradients are found: here
``tf.GradientTape`` differentiates the loss, in a compiled ``tf.function`` that
runs on a GPU when there is one.

Taught in the book chapters *XOR and the multi-layer perceptron* and
*Capstone: MNIST from scratch and with Keras*.
"""

import tensorflow as tf

from mlkit.contracts import mlp as contract
from mlkit.tensorflow import layers, losses


class MLP(contract.MLP):
    __doc__ = contract.MLP.__doc__
    _layers = layers
    _loss_kernels = contract.loss_kernels(losses, tf.reduce_mean)

    def _train_step(self, X, Y, lr, momentum):
        """A compiled step: gradients by GradientTape on one batch, then the momentum update."""
        mean_loss, _ = self._loss_kernels[self.loss]
        variables = [v for pair in self.params_ for v in pair]
        velocities = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        lr, momentum = tf.constant(lr, X.dtype), tf.constant(momentum, X.dtype)
        classifier = self.loss != "mean_squared_error"
        X, Y = tf.constant(X), tf.constant(Y)

        @tf.function(reduce_retracing=True)
        def compiled_step(X_batch, Y_batch):
            with tf.GradientTape() as tape:
                logits, _ = self._forward(X_batch)
                loss = mean_loss(Y_batch, logits)
            grads = tape.gradient(loss, variables)
            for variable, velocity, grad in zip(variables, velocities, grads, strict=True):
                velocity.assign(momentum * velocity - lr * grad)
                variable.assign_add(velocity)
            return loss, _right(self.loss, logits, Y_batch) if classifier else tf.constant(0)

        return lambda index: compiled_step(tf.gather(X, index), tf.gather(Y, index))

    def _parameters(self, pairs):
        return [(tf.Variable(W, name=f"W{i}"), tf.Variable(b, name=f"b{i}"))
                for i, (W, b) in enumerate(pairs, start=1)]

    def _to_backend(self, array):
        return tf.constant(array)


def _right(loss, logits, Y):
    """How many labels of a batch the logits get right (the rule of ``MLP._labels``)."""
    if loss == "binary_cross_entropy":
        same = tf.cast(logits > 0, Y.dtype) == Y
    else:
        same = tf.argmax(logits, axis=1) == tf.argmax(Y, axis=1)
    return tf.reduce_sum(tf.cast(same, tf.int32))
