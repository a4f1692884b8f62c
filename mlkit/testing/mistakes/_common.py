"""What the mistake modules share: float64 arrays, quiet arithmetic, and stable reference functions.

Mistake functions compute wrong answers on purpose, and some of them overflow
or divide by zero on the way: those run under :func:`quiet`, so that a test
cell shows its message, not NumPy's warnings.
"""

import numpy as np


def f64(x):
    """``x`` as a float64 array."""
    return np.asarray(x, dtype=np.float64)


def quiet():
    """A context in which NumPy's floating-point warnings are silenced."""
    return np.errstate(all="ignore")


def sigmoid(Z):
    """The logistic function, without overflow (the sign-split form)."""
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(x, axis=-1):
    """Max-shifted softmax along ``axis``."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """Max-shifted log-softmax along ``axis`` (log-sum-exp)."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


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
