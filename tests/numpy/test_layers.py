"""Tests of mlkit.numpy.layers: dense and activation layers as forward/backward pairs."""

import numpy as np
import pytest

from mlkit.numpy import layers

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def finite_difference(f, x, upstream, eps=1e-6):
    """Gradient of sum(f(x) * upstream) by centred differences (an independent oracle)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = np.sum(f(x) * upstream)
        x[index] = saved - eps
        minus = np.sum(f(x) * upstream)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


@pytest.fixture
def dense_inputs():
    rng = np.random.default_rng(0)
    return rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)


class TestDenseForward:
    def test_hand_computed(self):
        """Z = X W + b on a 2x2 example worked by hand."""
        X = np.array([[1.0, 2.0], [3.0, -1.0]])
        W = np.array([[0.5, -1.0], [2.0, 0.0]])
        b = np.array([0.1, 1.0])
        Z, _ = layers.dense_forward(X, W, b)
        np.testing.assert_allclose(Z, [[1 * 0.5 + 2 * 2.0 + 0.1, -1.0 + 1.0],
                                       [3 * 0.5 - 2.0 + 0.1, -3.0 + 1.0]])

    def test_shapes(self, dense_inputs):
        """(n, n_in) @ (n_in, n_out) + (n_out,) gives (n, n_out)."""
        Z, (X_cached, W_cached) = layers.dense_forward(*dense_inputs)
        assert Z.shape == (5, 4)
        assert X_cached.shape == (5, 3) and W_cached.shape == (3, 4)

    @pytest.mark.parametrize(("shapes", "message"), [
        (((3,), (3, 4), (4,)), r"`X` must have shape \(n, n_in\).*X.shape=\(3,\)"),
        (((5, 3), (4, 3), (3,)),
         r"`W` must have shape \(n_in, n_out\) with n_in = 3.*W.shape=\(4, 3\)"),
        (((5, 3), (3, 4), (3,)), r"`b` must have shape \(n_out,\) = \(4,\).*b.shape=\(3,\)"),
        (((5, 3), (3, 4), (1, 4)), r"`b` must have shape.*b.shape=\(1, 4\)"),
    ])
    def test_bad_shapes(self, shapes, message):
        """Mismatched shapes are rejected with a message naming the argument and its shape."""
        with pytest.raises(ValueError, match=message):
            layers.dense_forward(*(np.ones(shape) for shape in shapes))


class TestDenseBackward:
    def test_matches_finite_differences(self, dense_inputs):
        """dX, dW and db equal centred differences of sum(Z * dZ)."""
        X, W, b = dense_inputs
        dZ = np.random.default_rng(1).normal(size=(5, 4))
        _, cache = layers.dense_forward(X, W, b)
        dX, dW, db = layers.dense_backward(dZ, cache)
        np.testing.assert_allclose(
            dX, finite_difference(lambda X_: layers.dense_forward(X_, W, b)[0], X, dZ), rtol=1e-6)
        np.testing.assert_allclose(
            dW, finite_difference(lambda W_: layers.dense_forward(X, W_, b)[0], W, dZ), rtol=1e-6)
        np.testing.assert_allclose(
            db, finite_difference(lambda b_: layers.dense_forward(X, W, b_)[0], b, dZ), rtol=1e-6)

    def test_hand_computed(self):
        """For one example, dW is the outer product of x and dz, and db is dz."""
        _, cache = layers.dense_forward(np.array([[2.0, -1.0]]), np.eye(2), np.zeros(2))
        dX, dW, db = layers.dense_backward(np.array([[3.0, 4.0]]), cache)
        np.testing.assert_allclose(dW, [[6.0, 8.0], [-3.0, -4.0]])
        np.testing.assert_allclose(db, [3.0, 4.0])
        np.testing.assert_allclose(dX, [[3.0, 4.0]])

    def test_wrong_upstream_shape(self, dense_inputs):
        """An upstream gradient of the wrong shape is rejected."""
        _, cache = layers.dense_forward(*dense_inputs)
        message = r"`dZ` must have the shape.*\(5, 4\).*dZ.shape=\(4, 5\)"
        with pytest.raises(ValueError, match=message):
            layers.dense_backward(np.ones((4, 5)), cache)


class TestActivationLayers:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_backward_matches_finite_differences(self, activation):
        """dZ equals centred differences of sum(f(Z) * dH), away from the kinks."""
        rng = np.random.default_rng(2)
        Z = rng.uniform(0.1, 2.0, size=(4, 3)) * rng.choice([-1.0, 1.0], size=(4, 3))
        dH = rng.normal(size=(4, 3))
        _, cache = layers.activation_forward(Z, activation)
        dZ = layers.activation_backward(dH, cache)
        expected = finite_difference(lambda Z_: layers.activation_forward(Z_, activation)[0], Z, dH)
        np.testing.assert_allclose(dZ, expected, rtol=1e-5, atol=1e-9)

    def test_forward_hand_computed(self):
        """relu and sigmoid layers give max(0, z) and 1 / (1 + exp(-z))."""
        Z = np.array([[-1.0, 0.0, 2.0]])
        np.testing.assert_allclose(layers.activation_forward(Z, "relu")[0], [[0.0, 0.0, 2.0]])
        np.testing.assert_allclose(layers.activation_forward(Z, "sigmoid")[0],
                                   [[1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-2.0))]])

    def test_unknown_activation(self):
        """An unknown name is rejected with the list of known ones."""
        with pytest.raises(ValueError, match=r"`activation` must be one of \[.*'relu'.*\]. "
                                             r"Received: activation='softplus'"):
            layers.activation_forward(np.zeros((1, 1)), "softplus")

    def test_wrong_upstream_shape(self):
        """An upstream gradient of the wrong shape is rejected."""
        _, cache = layers.activation_forward(np.zeros((2, 3)), "tanh")
        with pytest.raises(ValueError, match=r"`dH` must have the shape.*\(2, 3\)"):
            layers.activation_backward(np.zeros((3, 2)), cache)
