"""mlkit's TensorFlow backend: the same names and signatures as :mod:`mlkit.numpy`.

Use it as ``from mlkit import tensorflow as mk``. Nothing here pins a device,
so TensorFlow places the work on a GPU when it sees one; every function runs
eagerly and inside ``tf.function`` and keeps TensorFlow's dtypes. Each public
function is a contract of ``mlkit.contracts`` around a TensorFlow kernel.
"""

from mlkit._contract import public_api
from mlkit.tensorflow import activations, layers, linear, losses, mlp, neurons, perceptron

_public = public_api([activations, layers, linear, losses, mlp, neurons, perceptron])
__all__ = list(_public)
globals().update(_public)  # mlkit.tensorflow.sigmoid is mlkit.tensorflow.activations.sigmoid...
del _public
