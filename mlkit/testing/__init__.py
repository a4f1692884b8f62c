"""Testing tools shared by mlkit's tests, the assignments' test cells and students.

- :func:`numerical_gradient` and :func:`rel_error`: the gradient check.
- :func:`assert_close` and :func:`assert_gradient_close`: assertions whose
  failure messages teach (expected versus received, the first difference,
  the likely mistake).
- :func:`check`: a named check (each hidden check is one), whose failure can
  be reported without its values.
- :func:`own_work`, :func:`no_mlkit_calls`, :func:`substitute` and :func:`no_overflow`:
  checks of how an answer was built.
- :func:`as_left` and :func:`updates_in_place`: what a function did to the
  arrays it was given, the same in a notebook and when graded.
- :mod:`mlkit.testing.mistakes`: the values typical mistakes produce, so that a
  failure message can name the mistake.

Nothing here imports TensorFlow; tensors are accepted wherever arrays are.
The messages are in English or in Korean, as the student chooses
(:mod:`mlkit.messages`); what a failure records is English in both. In a
Jupyter kernel, importing this package lets the test cells of a translated
release say their own texts translated too (:mod:`mlkit.testing.kernel_texts`).
"""

from mlkit.testing import kernel_texts, mistakes
from mlkit.testing.assertions import assert_close, assert_gradient_close
from mlkit.testing.checks import CheckError, check, hidden_checks_pending
from mlkit.testing.gradients import numerical_gradient, rel_error
from mlkit.testing.guards import no_mlkit_calls, no_overflow, own_work, substitute
from mlkit.testing.in_place import as_left, updates_in_place

__all__ = [
    "CheckError",
    "as_left",
    "assert_close",
    "assert_gradient_close",
    "check",
    "hidden_checks_pending",
    "mistakes",
    "no_mlkit_calls",
    "no_overflow",
    "numerical_gradient",
    "own_work",
    "rel_error",
    "substitute",
    "updates_in_place",
]

kernel_texts.register()  # in a Jupyter kernel only; elsewhere it does nothing
