"""Tests of mlkit.testing.gradients: numerical_gradient and rel_error on known cases."""

import math

import numpy as np
import pytest

from mlkit.testing import numerical_gradient, rel_error


class TestNumericalGradient:
    def test_sum_of_squares(self):
        """The gradient of sum(x**2) is 2x."""
        x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
        grad = numerical_gradient(lambda x: np.sum(x ** 2), x)
        np.testing.assert_allclose(grad, 2 * x, rtol=1e-8, atol=1e-8)

    def test_elementwise_function_gives_its_derivative(self):
        """For an elementwise f with no upstream, the result is f'(x) at every element."""
        x = np.array([-1.0, 0.3, 2.0])
        np.testing.assert_allclose(numerical_gradient(np.sin, x), np.cos(x), rtol=1e-8)

    def test_matrix_product_with_upstream(self):
        """For f(W) = X @ W and upstream U the gradient is X.T @ U; for f(X) it is U @ W.T."""
        rng = np.random.default_rng(0)
        X, W, U = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
        np.testing.assert_allclose(numerical_gradient(lambda W: X @ W, W, upstream=U), X.T @ U,
                                   rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(numerical_gradient(lambda X: X @ W, X, upstream=U), U @ W.T,
                                   rtol=1e-7, atol=1e-9)

    def test_scalar_point(self):
        """A 0-d point gives a 0-d gradient: d/dx x**3 = 3x**2."""
        grad = numerical_gradient(lambda x: x ** 3, 2.0)
        assert grad.shape == ()
        assert grad == pytest.approx(12.0, rel=1e-8)

    def test_result_is_float64_of_the_shape_of_x(self):
        """An integer or float32 point gives a float64 gradient of the same shape."""
        for x in (np.array([1, 2, 3]), np.array([[1.0, 2.0]], dtype=np.float32)):
            grad = numerical_gradient(lambda x: np.sum(x), x)
            assert grad.dtype == np.float64
            assert grad.shape == x.shape
            np.testing.assert_allclose(grad, np.ones(x.shape), rtol=1e-8)

    def test_input_is_not_modified(self):
        """The point x is the same after the call, even if f modifies its argument."""
        x = np.array([1.0, -2.0, 3.0])

        def f(z):
            total = np.sum(z ** 2)
            z[...] = 0.0  # a careless f that overwrites its input
            return total

        grad = numerical_gradient(f, x)
        np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])
        np.testing.assert_allclose(grad, 2 * x, rtol=1e-8)

    def test_eps_is_the_step(self):
        """With eps=0.5 the centred difference of x**3 at 1 is (1.5**3 - 0.5**3) / 1 = 3.25."""
        assert numerical_gradient(lambda x: x ** 3, 1.0, eps=0.5) == pytest.approx(3.25)

    def test_function_returning_a_tensor(self):
        """f may return a TensorFlow tensor: the gradient of sum(x**3) is 3x**2."""
        tf = pytest.importorskip("tensorflow")
        x = np.array([1.0, -0.5, 2.0])
        grad = numerical_gradient(lambda x: tf.reduce_sum(tf.constant(x) ** 3), x)
        np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-7)

    def test_tensor_upstream(self):
        """upstream may be a TensorFlow tensor."""
        tf = pytest.importorskip("tensorflow")
        x = np.array([1.0, 2.0])
        grad = numerical_gradient(lambda x: 3 * x, x, upstream=tf.constant([2.0, -1.0]))
        np.testing.assert_allclose(grad, [6.0, -3.0], rtol=1e-8)


class TestRelError:
    def test_hand_computed(self):
        """rel_error([1, 2], [1, 2.2]) = 0.2 / 4.2, the largest of the elementwise errors."""
        assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)

    def test_equal_arrays_give_zero(self):
        """Equal arrays, zeros included, have relative error 0."""
        assert rel_error(np.array([0.0, -3.0, 5.0]), np.array([0.0, -3.0, 5.0])) == 0.0

    def test_opposite_signs_give_one(self):
        """x and -x differ by 2|x| over |x| + |x|: relative error 1."""
        assert rel_error(np.array([2.0]), np.array([-2.0])) == 1.0

    def test_tiny_values_use_the_floor(self):
        """Near 0 the denominator is at least 1e-8: rel_error(1e-9, 0) = 1e-9 / 1e-8 = 0.1."""
        assert rel_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(0.1)

    def test_symmetric(self):
        """rel_error(a, b) = rel_error(b, a)."""
        a, b = np.array([1.0, 5.0, -2.0]), np.array([1.5, 4.0, -2.0])
        assert rel_error(a, b) == rel_error(b, a)
        assert rel_error(a, b) == pytest.approx(max(0.5 / 2.5, 1.0 / 9.0))

    def test_broadcasts_and_returns_a_python_float(self):
        """b broadcasts against a, and the result is a Python float."""
        result = rel_error(np.array([[1.0, 3.0]]), 2.0)
        assert type(result) is float
        assert result == pytest.approx(1.0 / 3.0)
        assert not math.isnan(rel_error(0.0, 0.0))

    def test_accepts_tensors(self):
        """TensorFlow tensors are accepted."""
        tf = pytest.importorskip("tensorflow")
        assert rel_error(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0])) == 0.0
