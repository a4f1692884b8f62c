"""What typical mistakes produce, so that a failed check can name the mistake.

Each function here is named after the function a student writes, takes the
same inputs, and returns a mapping from the description of a typical mistake to
the value that mistake would return. Test cells pass it to
:func:`~mlkit.testing.assert_close` as ``mistakes=``; when a student's answer
equals one of the values, the failure message names the mistake.

One module per chapter; all values are computed in float64 with NumPy,
warnings silenced: several mistakes are precisely the ones that overflow.
"""

from mlkit.testing.mistakes.activations import *  # noqa: F403
from mlkit.testing.mistakes.activations import __all__ as _activations
from mlkit.testing.mistakes.neurons import *  # noqa: F403
from mlkit.testing.mistakes.neurons import __all__ as _neurons
from mlkit.testing.mistakes.perceptron import *  # noqa: F403
from mlkit.testing.mistakes.perceptron import __all__ as _perceptron

__all__ = [*_activations, *_neurons, *_perceptron]
