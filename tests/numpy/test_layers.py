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


SHAPES = [(7,), (4, 3), (2, 3, 4)]
# (n, n_in, n_out): one example, one input, one output, and the general case.
DENSE_SHAPES = [(1, 1, 1), (1, 4, 3), (6, 1, 2), (5, 3, 1), (8, 5, 4)]


def away_from_kinks(rng, shape):
    """Pre-activations in ±[0.1, 2]: no input of ReLU, leaky ReLU or ELU near 0."""
    return rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


class TestBackwardShapesAndDtypes:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    @pytest.mark.parametrize("shape", SHAPES, ids=str)
    def test_activation_backward_any_shape(self, activation, shape):
        """For inputs of any rank, dZ has the shape of Z and equals centred differences."""
        rng = np.random.default_rng(3)
        Z, dH = away_from_kinks(rng, shape), rng.normal(size=shape)
        _, cache = layers.activation_forward(Z, activation)
        dZ = layers.activation_backward(dH, cache)
        assert dZ.shape == shape
        expected = finite_difference(lambda Z_: layers.activation_forward(Z_, activation)[0], Z, dH)
        np.testing.assert_allclose(dZ, expected, rtol=1e-5, atol=1e-9)

    @pytest.mark.parametrize(("n", "n_in", "n_out"), DENSE_SHAPES)
    def test_dense_backward_all_shapes(self, n, n_in, n_out):
        """dX, dW and db have the shapes of X, W and b and equal centred differences."""
        rng = np.random.default_rng(4)
        X, W, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
        dZ = rng.normal(size=(n, n_out))
        dX, dW, db = layers.dense_backward(dZ, layers.dense_forward(X, W, b)[1])
        assert (dX.shape, dW.shape, db.shape) == (X.shape, W.shape, b.shape)
        np.testing.assert_allclose(
            dX, finite_difference(lambda X_: layers.dense_forward(X_, W, b)[0], X, dZ), rtol=1e-6,
            atol=1e-9)
        np.testing.assert_allclose(
            dW, finite_difference(lambda W_: layers.dense_forward(X, W_, b)[0], W, dZ), rtol=1e-6,
            atol=1e-9)
        np.testing.assert_allclose(
            db, finite_difference(lambda b_: layers.dense_forward(X, W, b_)[0], b, dZ), rtol=1e-6,
            atol=1e-9)

    @pytest.mark.parametrize(("dtype", "rtol"), [(np.float32, 1e-5), (np.float64, 1e-12)])
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_activation_backward_keeps_dtype(self, activation, dtype, rtol):
        """dZ keeps the dtype of Z and dH, and float32 agrees with float64 to float32 precision."""
        rng = np.random.default_rng(5)
        Z, dH = away_from_kinks(rng, (4, 3)), rng.normal(size=(4, 3))
        _, cache = layers.activation_forward(Z.astype(dtype), activation)
        dZ = layers.activation_backward(dH.astype(dtype), cache)
        assert dZ.dtype == dtype
        _, cache64 = layers.activation_forward(Z, activation)
        np.testing.assert_allclose(dZ, layers.activation_backward(dH, cache64), rtol=rtol,
                                   atol=rtol)

    @pytest.mark.parametrize(("dtype", "rtol"), [(np.float32, 1e-5), (np.float64, 1e-12)])
    def test_dense_backward_keeps_dtype(self, dtype, rtol):
        """dX, dW and db keep the inputs' dtype and agree with the float64 results."""
        rng = np.random.default_rng(6)
        X, W, b, dZ = (rng.normal(size=s) for s in [(5, 3), (3, 4), (4,), (5, 4)])
        _, cache = layers.dense_forward(X.astype(dtype), W.astype(dtype), b.astype(dtype))
        grads = layers.dense_backward(dZ.astype(dtype), cache)
        expected = layers.dense_backward(dZ, layers.dense_forward(X, W, b)[1])
        for got, want in zip(grads, expected, strict=True):
            assert got.dtype == dtype
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)


class TestBackwardHandComputed:
    @pytest.mark.parametrize(("activation", "local"), [
        ("linear", [1.0, 1.0, 1.0]),
        ("sigmoid", [0.25, 0.25, 0.25]),          # sigma'(0) = 1/4
        ("tanh", [1.0, 1.0, 1.0]),                # tanh'(0) = 1
        ("relu", [0.0, 0.0, 0.0]),                # 0 at the kink, as in TensorFlow
        ("leaky_relu", [0.01, 0.01, 0.01]),
        ("elu", [1.0, 1.0, 1.0]),                 # alpha * exp(0)
    ])
    def test_at_zero(self, activation, local):
        """At Z = 0, dZ is the upstream gradient times the derivative at 0."""
        dH = np.array([[2.0, -3.0, 0.5]])
        _, cache = layers.activation_forward(np.zeros((1, 3)), activation)
        np.testing.assert_allclose(layers.activation_backward(dH, cache), dH * np.array(local),
                                   rtol=1e-15)

    def test_sigmoid_uses_sigma_of_z(self):
        """At Z = 2, dZ = dH * sigma(2) * (1 - sigma(2)), not dH * 2 * (1 - 2)."""
        _, cache = layers.activation_forward(np.array([[2.0]]), "sigmoid")
        s = 1.0 / (1.0 + np.exp(-2.0))
        np.testing.assert_allclose(layers.activation_backward(np.array([[3.0]]), cache),
                                   [[3.0 * s * (1.0 - s)]], rtol=1e-15)


class TestBackPropagationThroughANetwork:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_two_layer_network_matches_finite_differences(self, activation):
        """Chaining the backward passes gives the gradient of the whole network's loss."""
        rng = np.random.default_rng(7)
        X, U = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
        W1, b1, W2, b2 = (rng.normal(size=s) for s in [(3, 4), (4,), (4, 2), (2,)])

        def output(W1_, b1_):
            H = layers.activation_forward(layers.dense_forward(X, W1_, b1_)[0], activation)[0]
            return layers.dense_forward(H, W2, b2)[0]

        Z1, dense1 = layers.dense_forward(X, W1, b1)
        H, act = layers.activation_forward(Z1, activation)
        _, dense2 = layers.dense_forward(H, W2, b2)
        dH, _, _ = layers.dense_backward(U, dense2)  # the loss sum(output * U) has gradient U
        _, dW1, db1 = layers.dense_backward(layers.activation_backward(dH, act), dense1)
        np.testing.assert_allclose(dW1, finite_difference(lambda W: output(W, b1), W1, U),
                                   rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(db1, finite_difference(lambda b: output(W1, b), b1, U),
                                   rtol=1e-5, atol=1e-8)
