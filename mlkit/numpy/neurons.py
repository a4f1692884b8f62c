"""Threshold logic units, one at a time and a layer at once: the NumPy kernels.

Each function is the plain mathematics on arrays already checked; its contract
(signature, docstring, checks) is written once, for both backends, in
``mlkit.contracts.neurons``.

Taught in the book chapter *Neurons*.
"""

from mlkit._contract import implements
from mlkit.contracts import neurons as contract
from mlkit.numpy import _checks as backend
from mlkit.numpy.activations import step


@implements(contract.tlu, backend)
def tlu(x, w, b):
    return step.kernel(x @ w + b)


@implements(contract.tlu_layer, backend)
def tlu_layer(X, W, b):
    return step.kernel(X @ W + b)
