"""mlkit's NumPy backend: reference implementations, the same names as :mod:`mlkit.tensorflow`.

Use it as ``from mlkit import numpy as mk``. This module never imports TensorFlow.
"""

from mlkit.numpy.activations import *  # noqa: F403
from mlkit.numpy.activations import __all__ as _activations

__all__ = [*_activations]
