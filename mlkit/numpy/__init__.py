"""mlkit's NumPy backend: reference implementations, the same names as :mod:`mlkit.tensorflow`.

Use it as ``from mlkit import numpy as mk``. This module never imports TensorFlow.
Each public function is a contract of ``mlkit.contracts`` around a NumPy kernel.
"""

from mlkit._contract import public_api
from mlkit.numpy import activations, layers, linear, losses, mlp, neurons, perceptron

_public = public_api([activations, layers, linear, losses, mlp, neurons, perceptron])
__all__ = list(_public)
globals().update(_public)  # mlkit.numpy.sigmoid is mlkit.numpy.activations.sigmoid, and so on
del _public
