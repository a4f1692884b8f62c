"""What the mistake modules share: float64 arrays, quiet arithmetic, and shape-dependent mistakes.

Mistake functions compute wrong answers on purpose, and some of them overflow
or divide by zero on the way: those run under :func:`quiet`, so that a test
cell shows its message, not NumPy's warnings. The right parts of the
computations are :mod:`mlkit.numpy`'s kernels (``f.kernel``), called on the
float64 arrays :func:`f64` makes: a catalogue writes only what is wrong.
"""

import numpy as np


def f64(x):
    """``x`` as a float64 array."""
    return np.asarray(x, dtype=np.float64)


def quiet():
    """A context in which NumPy's floating-point warnings are silenced."""
    return np.errstate(all="ignore")


def possible(candidates):
    """The mistakes whose value can be computed with these shapes (the others raise).

    Args:
        candidates: dict of description -> a function of no arguments that
            computes the wrong answer.

    Returns:
        dict of description -> the wrong answer as a float64 array, for those
        that did not raise ``ValueError`` (shapes that do not fit: the
        student's code would raise too).
    """
    found = {}
    with quiet():
        for description, value in candidates.items():
            try:
                found[description] = f64(value())
            except ValueError:
                continue
    return found
