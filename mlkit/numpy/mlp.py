"""A multi-layer perceptron: the NumPy training step, back-propagation by hand.

Everything else (hyperparameters, checks, forward and backward passes over the
layer kernels, the epoch loop, predictions) is the contract shared with the
TensorFlow backend, ``mlkit.contracts.mlp.MLP``.

Taught in the book chapters *XOR and the multi-layer perceptron*,
*Back-propagation* and *Capstone: MNIST from scratch and with Keras*.
"""

import numpy as np

from mlkit.contracts import mlp as contract
from mlkit.numpy import layers, losses


class MLP(contract.MLP):
    __doc__ = contract.MLP.__doc__
    _layers = layers
    _loss_kernels = contract.loss_kernels(losses, lambda a: a.sum() / a.size)  # the mean

    def _train_step(self, X, Y, lr, momentum):
        """One step of mini-batch SGD with momentum, as a function of the batch's rows."""
        mean_loss, loss_grad = self._loss_kernels[self.loss]
        params = [param for pair in self.params_ for param in pair]
        velocities = [np.zeros_like(param) for param in params] if momentum else None
        labels = None if self.loss == "mean_squared_error" else self._labels_of(Y)

        def update(grads):
            for grad in grads:
                grad *= lr  # lr grad, in place: the gradients are this step's own arrays
            if velocities is None:  # plain SGD: theta <- theta - lr grad
                for param, grad in zip(params, grads, strict=True):
                    param -= grad
                return
            for param, velocity, grad in zip(params, velocities, grads, strict=True):
                velocity *= momentum  # v <- mu v - lr grad
                velocity -= grad
                param += velocity  # theta <- theta + v

        def step(index):
            X_batch, Y_batch = X[index], Y[index]
            logits, caches = self._forward(X_batch)
            update(_flat(self.backward(loss_grad(Y_batch, logits), caches)))
            right = 0 if labels is None else np.count_nonzero(self._labels(logits) == labels[index])
            return mean_loss(Y_batch, logits), right

        return step

    def _parameters(self, pairs):
        return pairs

    def _to_backend(self, array):
        return array


def _flat(pairs):
    """``[(W1, b1), (W2, b2)]`` -> ``[W1, b1, W2, b2]``."""
    return [array for pair in pairs for array in pair]
