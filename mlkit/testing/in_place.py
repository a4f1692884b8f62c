"""What a student's function did to the arrays a test gave it.

In a notebook, a test cell and the student's function share their arrays: a
function that writes into its input (``x *= 2``, ``w += lr * x``) changes the
test cell's array too. A test that computes its expected value from that
input after the call would then compare the student's answer with a value the
student chose. When ``mlkit-grade`` grades a notebook, the student's function
runs in another process, on copies, and the test cell's arrays stay as they
were before the call whatever the function did to its copies; this module says
how a test cell sees what the function did:

- :func:`as_left` gives an array as the student's code left it, for a test
  that checks a function leaves its inputs alone;
- :func:`updates_in_place` declares the arrays a function is meant to update
  in place (an optimizer's step on a ``tf.Variable``): those, and only those,
  take the values the student's code gave them. Compute expected values from
  copies taken before the call.

Written this way, a test cell means the same in a notebook, under stock
nbgrader and under ``mlkit-grade``. The grader's side, :func:`tracking`,
:func:`record` and :func:`may_update`, is used by :mod:`mlkit.grading.checker`.

Example:
    >>> import numpy as np
    >>> def scale(x):
    ...     x *= 2.0
    ...     return x
    >>> x = np.ones(2)
    >>> _ = scale(x)
    >>> as_left(x)  # in one process the function changed the test's own array
    array([2., 2.])
    >>> with tracking() as left:  # as a grader sees a call made in another process
    ...     y = np.ones(2)
    ...     record(y, np.full(2, 2.0), "scale", 0)
    ...     print(y, as_left(y), [change.where for change in left])
    [1. 1.] [2. 2.] ['scale, argument 1']
"""

import contextlib
import contextvars
from dataclasses import dataclass

from mlkit.testing._collecting import collecting

__all__ = ["Change", "as_left", "may_update", "record", "tracking", "updates_in_place"]

# The arrays the running test cell declared it lets the student's code update.
_declared = contextvars.ContextVar("mlkit_updates_in_place", default=())
# While a grader tracks them: the changes a student's call made that were kept out.
_changes = contextvars.ContextVar("mlkit_in_place_changes", default=None)


@dataclass(frozen=True)
class Change:
    """A test's array that a student's function changed, kept out of the test.

    Attributes:
        array: the test's array, as it was before the call (it still is).
        value: the array as the student's function left it.
        function: the name of the function that was called.
        argument: its position (0 for the first) or keyword.
    """

    array: object
    value: object
    function: str
    argument: int | str

    @property
    def where(self):
        """``"f, argument 2"`` or ``"f, argument x"``: which input was changed."""
        argument = self.argument + 1 if isinstance(self.argument, int) else self.argument
        return f"{self.function}, argument {argument}"


@contextlib.contextmanager
def updates_in_place(*arrays):
    """Let a student's function called in the block update ``arrays`` in place.

    Only for functions whose job is to change their input, such as a
    gradient-descent step on ``tf.Variable`` objects. A grader copies into
    these arrays the values the student's code left in them; any other input
    keeps its value. Expected values must then come from copies taken before
    the call, never from ``arrays``. In a notebook, where the function changes
    the arrays itself, the block changes nothing.

    Args:
        *arrays: the NumPy arrays or ``tf.Variable`` objects the function updates.

    Example:
        >>> import numpy as np
        >>> W = np.ones(2)
        >>> with updates_in_place(W):
        ...     may_update(W), may_update(np.ones(2))
        (True, False)
    """
    token = _declared.set((*_declared.get(), *arrays))
    try:
        yield
    finally:
        _declared.reset(token)


def may_update(array):
    """Whether the running test declared (:func:`updates_in_place`) that ``array`` may change."""
    return any(declared is array for declared in _declared.get())


@contextlib.contextmanager
def tracking():
    """Record, as :class:`Change` objects, the changes :func:`record` is told of in the block.

    A grader runs each test cell in its own block; :func:`as_left` sees the
    changes recorded in the innermost one.
    """
    with collecting(_changes) as changes:
        yield changes


def record(array, value, function, argument):
    """Note that a student's call left ``value`` in its copy of the test's ``array``.

    Args:
        array: the test's array, which keeps its value.
        value: what the student's function left in its copy.
        function: the name of the function called.
        argument: the argument's position or keyword.
    """
    changes = _changes.get()
    if changes is not None:
        changes.append(Change(array, value, function, argument))


def as_left(array):
    """``array`` as the student's code left it: for a test that checks the input is unchanged.

    In a notebook this is ``array`` itself. When a grader runs the student's
    code in another process, it is the value the last call that changed its
    copy left there, or ``array`` when no call changed it.

    Example:
        >>> import numpy as np
        >>> w = np.zeros(2)
        >>> as_left(w) is w
        True
    """
    for change in reversed(_changes.get() or []):
        if change.array is array:
            return change.value
    return array
