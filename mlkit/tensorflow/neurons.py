"""Threshold logic units, one at a time and a layer at once: the TensorFlow kernels.

Each function is the computation on tensors already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.neurons``. No device is pinned; both work eagerly and
inside ``tf.function``, also when the number of examples is not known when the
function is traced.

Taught in the book chapter *Neurons*.
"""

import tensorflow as tf

from mlkit._contract import implements
from mlkit.contracts import neurons as contract
from mlkit.tensorflow import _checks as backend
from mlkit.tensorflow.activations import step


@implements(contract.tlu, backend)
def tlu(x, w, b):
    z = tf.tensordot(x, w, axes=1) if x.shape.rank == 1 else tf.linalg.matvec(x, w)
    return step.kernel(z + b)


@implements(contract.tlu_layer, backend)
def tlu_layer(X, W, b):
    # one example: the single row of X W is W^T X
    Z = tf.linalg.matvec(W, X, transpose_a=True) if X.shape.rank == 1 else tf.matmul(X, W)
    return step.kernel(Z + b)
