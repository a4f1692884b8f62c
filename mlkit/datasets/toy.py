"""Tiny datasets written out in full: the examples the chapters compute by hand."""

import numpy as np

__all__ = ["load_xor", "load_test_scores"]


def load_xor():
    """The four points of XOR, which no single linear threshold unit can separate.

    .. math:: y = x_1 \\oplus x_2

    Returns:
        ``(X, y)``: ``X`` of shape (4, 2), float64, the inputs (0, 0), (0, 1),
        (1, 0), (1, 1); ``y`` of shape (4,), float64, the labels 0, 1, 1, 0.

    Example:
        >>> X, y = load_xor()
        >>> X
        array([[0., 0.],
               [0., 1.],
               [1., 0.],
               [1., 1.]])
        >>> y
        array([0., 1., 1., 0.])
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    return X, y


def load_test_scores():
    """Three quiz scores and the final exam score of five students (linear regression).

    Each row of ``X`` is one student's scores :math:`x_1, x_2, x_3`; ``y`` is the
    final score to predict. ``y`` is a column, shape (5, 1), to match the
    matrix form of the hypothesis

    .. math:: H(X) = XW, \\qquad [5, 3] \\cdot [3, 1] = [5, 1]

    Use ``y.ravel()`` where a vector of shape (5,) is needed.

    Returns:
        ``(X, y)``: ``X`` of shape (5, 3) and ``y`` of shape (5, 1), both float64.

    Example:
        >>> X, y = load_test_scores()
        >>> X[0], y[0]
        (array([73., 80., 75.]), array([152.]))
        >>> W = np.ones((3, 1))
        >>> (X @ W).shape == y.shape
        True
    """
    X = np.array([
        [73.0, 80.0, 75.0],
        [93.0, 88.0, 93.0],
        [89.0, 91.0, 90.0],
        [96.0, 98.0, 100.0],
        [73.0, 66.0, 70.0],
    ])
    y = np.array([[152.0], [185.0], [180.0], [196.0], [142.0]])
    return X, y
