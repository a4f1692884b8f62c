"""mlkit's TensorFlow backend: the same names and signatures as :mod:`mlkit.numpy`.

Use it as ``from mlkit import tensorflow as mk``. Nothing here pins a device,
so TensorFlow places the work on a GPU when it sees one; every function runs
eagerly and inside ``tf.function`` and keeps TensorFlow's dtypes.
"""

from mlkit.tensorflow.activations import *  # noqa: F403
from mlkit.tensorflow.activations import __all__ as _activations
from mlkit.tensorflow.layers import *  # noqa: F403
from mlkit.tensorflow.layers import __all__ as _layers
from mlkit.tensorflow.linear import *  # noqa: F403
from mlkit.tensorflow.linear import __all__ as _linear
from mlkit.tensorflow.losses import *  # noqa: F403
from mlkit.tensorflow.losses import __all__ as _losses
from mlkit.tensorflow.mlp import *  # noqa: F403
from mlkit.tensorflow.mlp import __all__ as _mlp
from mlkit.tensorflow.neurons import *  # noqa: F403
from mlkit.tensorflow.neurons import __all__ as _neurons
from mlkit.tensorflow.perceptron import *  # noqa: F403
from mlkit.tensorflow.perceptron import __all__ as _perceptron

__all__ = [*_activations, *_layers, *_linear, *_losses, *_mlp, *_neurons, *_perceptron]
