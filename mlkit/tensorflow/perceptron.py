"""Rosenblatt's perceptron (1958): the TensorFlow kernels.

One epoch of the estimator, whose weights live in ``tf.Variable`` objects and
are assigned after every mistake. That is not fast, and is not meant to be: it
is the computation of the NumPy version, step for step. The learning rule is
the kernel both backends share, around this backend's threshold logic unit
(``mlkit.tensorflow.neurons.tlu``), on tensors (eagerly and inside
``tf.function``, in their dtype); it and the contract (signatures, docstrings,
checks, the epoch loop) are written once, in ``mlkit.contracts.perceptron``.

Taught in the book chapter *The perceptron*.
"""

import tensorflow as tf

from mlkit._contract import composite
from mlkit.contracts import perceptron as contract
from mlkit.tensorflow import _checks as backend
from mlkit.tensorflow.neurons import tlu

perceptron_update = composite(contract.perceptron_update, backend,
                              contract.perceptron_update_kernel, tlu=tlu.kernel)


class Perceptron(contract.Perceptron):
    __doc__ = contract.Perceptron.__doc__

    def _examples(self, X, y):
        return tf.unstack(tf.constant(X)), tf.unstack(tf.constant(y))

    def _zeros(self, n_features):
        return (tf.Variable(tf.zeros([n_features], tf.float64), name="W"),
                tf.Variable(tf.constant(0.0, tf.float64), name="b"))

    def _epoch(self, examples, labels, W, b, order, lr):
        """One pass over the examples in ``order``, assigning the rule's update after a mistake."""
        num_errors = 0
        for i in order:
            if bool(tlu.kernel(examples[i], W, b) != labels[i]):  # only a mistake changes them
                W_new, b_new = perceptron_update.kernel(W, b, examples[i], labels[i], lr)
                W.assign(W_new)
                b.assign(b_new)
                num_errors += 1
        return W, b, num_errors

    def _predict(self, X):
        return tf.cast(tf.linalg.matvec(tf.constant(X), tf.constant(self.W_)) + self.b_ > 0,
                       tf.int64)
