"""mlkit's TensorFlow backend: the same names and signatures as :mod:`mlkit.numpy`.

Use it as ``from mlkit import tensorflow as mk``. Nothing here pins a device,
so TensorFlow places the work on a GPU when it sees one; every function runs
eagerly and inside ``tf.function`` and keeps TensorFlow's dtypes.
"""

from mlkit.tensorflow.activations import *  # noqa: F403
from mlkit.tensorflow.activations import __all__ as _activations

__all__ = [*_activations]
