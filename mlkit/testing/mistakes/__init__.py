"""What typical mistakes produce, so that a failed check can name the mistake.

Each function here is named after the function a student writes, takes the
same inputs, and returns a mapping from the description of a typical mistake to
the value that mistake would return. Test cells pass it to
:func:`~mlkit.testing.assert_close` as ``mistakes=``; when a student's answer
equals one of the values, the failure message names the mistake. Each
description is marked for translation (``tr``, :mod:`mlkit.messages`): its
value is its English, the mistake's identity in both languages, and a student
who reads Korean is told it in Korean.

One module per chapter; all values are computed in float64 with NumPy,
warnings silenced: several mistakes are precisely the ones that overflow.
"""

from mlkit.testing.mistakes.activations import *  # noqa: F403
from mlkit.testing.mistakes.activations import __all__ as _activations
from mlkit.testing.mistakes.backprop import *  # noqa: F403
from mlkit.testing.mistakes.backprop import __all__ as _backprop
from mlkit.testing.mistakes.keras_mlp import *  # noqa: F403
from mlkit.testing.mistakes.keras_mlp import __all__ as _keras_mlp
from mlkit.testing.mistakes.matrix_notation import *  # noqa: F403
from mlkit.testing.mistakes.matrix_notation import __all__ as _matrix_notation
from mlkit.testing.mistakes.mnist import *  # noqa: F403
from mlkit.testing.mistakes.mnist import __all__ as _mnist
from mlkit.testing.mistakes.neurons import *  # noqa: F403
from mlkit.testing.mistakes.neurons import __all__ as _neurons
from mlkit.testing.mistakes.perceptron import *  # noqa: F403
from mlkit.testing.mistakes.perceptron import __all__ as _perceptron
from mlkit.testing.mistakes.softmax import *  # noqa: F403
from mlkit.testing.mistakes.softmax import __all__ as _softmax
from mlkit.testing.mistakes.xor_mlp import *  # noqa: F403
from mlkit.testing.mistakes.xor_mlp import __all__ as _xor_mlp

__all__ = [*_activations, *_backprop, *_keras_mlp, *_matrix_notation, *_mnist, *_neurons,
           *_perceptron, *_softmax, *_xor_mlp]
del _activations, _backprop, _keras_mlp, _matrix_notation, _mnist, _neurons, _perceptron, _softmax
del _xor_mlp
