"""Tests of the small built-in datasets: XOR and the test-scores table."""

import numpy as np

from mlkit.datasets import load_test_scores, load_xor


class TestLoadXor:
    def test_values(self):
        """X lists the four binary inputs and y is their exclusive or."""
        X, y = load_xor()
        np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
        np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))

    def test_shapes_and_dtypes(self):
        """X is float64 of shape (4, 2), y float64 of shape (4,)."""
        X, y = load_xor()
        assert (X.shape, X.dtype, y.shape, y.dtype) == ((4, 2), np.float64, (4,), np.float64)

    def test_fresh_arrays_each_call(self):
        """Changing the returned arrays does not change the next call's."""
        X, y = load_xor()
        X[0, 0] = y[0] = 7.0
        X, y = load_xor()
        assert X[0, 0] == 0.0 and y[0] == 0.0

    def test_not_linearly_separable(self):
        """The best least-squares plane through XOR predicts 0.5 everywhere."""
        X, y = load_xor()
        A = np.hstack([X, np.ones((4, 1))])
        w, *_ = np.linalg.lstsq(A, y, rcond=None)
        np.testing.assert_allclose(A @ w, 0.5)


class TestLoadTestScores:
    def test_values(self):
        """The table of the lecture: three quiz scores and the final score of five students."""
        X, y = load_test_scores()
        np.testing.assert_array_equal(X, [[73, 80, 75], [93, 88, 93], [89, 91, 90],
                                          [96, 98, 100], [73, 66, 70]])
        np.testing.assert_array_equal(y.ravel(), [152, 185, 180, 196, 142])

    def test_shapes_fit_matrix_hypothesis(self):
        """X (5, 3) times W (3, 1) has the shape of y, (5, 1); both float64."""
        X, y = load_test_scores()
        assert (X.shape, X.dtype, y.shape, y.dtype) == ((5, 3), np.float64, (5, 1), np.float64)
        assert (X @ np.zeros((3, 1))).shape == y.shape

    def test_fresh_arrays_each_call(self):
        """Changing the returned arrays does not change the next call's."""
        X, y = load_test_scores()
        X[0, 0] = y[0, 0] = 0.0
        X, y = load_test_scores()
        assert X[0, 0] == 73.0 and y[0, 0] == 152.0
