"""mlkit's NumPy backend: reference implementations, the same names as :mod:`mlkit.tensorflow`.

Use it as ``from mlkit import numpy as mk``. This module never imports TensorFlow.
"""

from mlkit.numpy.activations import *  # noqa: F403
from mlkit.numpy.activations import __all__ as _activations
from mlkit.numpy.layers import *  # noqa: F403
from mlkit.numpy.layers import __all__ as _layers
from mlkit.numpy.linear import *  # noqa: F403
from mlkit.numpy.linear import __all__ as _linear
from mlkit.numpy.losses import *  # noqa: F403
from mlkit.numpy.losses import __all__ as _losses
from mlkit.numpy.mlp import *  # noqa: F403
from mlkit.numpy.mlp import __all__ as _mlp
from mlkit.numpy.neurons import *  # noqa: F403
from mlkit.numpy.neurons import __all__ as _neurons
from mlkit.numpy.perceptron import *  # noqa: F403
from mlkit.numpy.perceptron import __all__ as _perceptron

__all__ = [*_activations, *_layers, *_linear, *_losses, *_mlp, *_neurons, *_perceptron]
