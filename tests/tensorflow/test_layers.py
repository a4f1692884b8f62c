"""Tests of mlkit.tensorflow.layers: against NumPy and against tf.GradientTape."""

import numpy as np
import pytest
import tensorflow as tf

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def _dense_inputs(dtype):
    rng = np.random.default_rng(0)
    return [rng.normal(size=shape).astype(dtype) for shape in [(5, 3), (3, 4), (4,)]]


class TestDense:
    @pytest.mark.parametrize(("dtype", "rtol"), [(np.float32, 1e-5), (np.float64, 1e-12)])
    def test_matches_numpy(self, dtype, rtol):
        """Forward and backward passes equal the NumPy reference, in the input's dtype."""
        X, W, b = _dense_inputs(dtype)
        dZ = np.random.default_rng(1).normal(size=(5, 4)).astype(dtype)
        Z, cache = mk.dense_forward(X, W, b)
        Z_np, cache_np = mk_np.dense_forward(X, W, b)
        assert Z.dtype == tf.as_dtype(dtype)
        np.testing.assert_allclose(Z.numpy(), Z_np, rtol=rtol)
        for got, want in zip(mk.dense_backward(dZ, cache), mk_np.dense_backward(dZ, cache_np),
                             strict=True):
            assert got.dtype == tf.as_dtype(dtype)
            np.testing.assert_allclose(got.numpy(), want, rtol=rtol, atol=rtol)

    def test_backward_matches_gradient_tape(self):
        """dX, dW and db equal what tf.GradientTape computes for sum(Z * dZ)."""
        X, W, b = (tf.Variable(t) for t in _dense_inputs(np.float64))
        dZ = tf.constant(np.random.default_rng(1).normal(size=(5, 4)))
        with tf.GradientTape() as tape:
            Z, cache = mk.dense_forward(X, W, b)
            loss = tf.reduce_sum(Z * dZ)
        expected = tape.gradient(loss, [X, W, b])
        for got, want in zip(mk.dense_backward(dZ, cache), expected, strict=True):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)

    def test_runs_in_tf_function_with_unknown_batch(self):
        """Both passes trace with an unknown number of examples and give the eager results."""
        spec = tf.TensorSpec([None, 3], tf.float32)

        @tf.function(input_signature=[spec, spec])
        def step(X, dX_unused):
            Z, cache = mk.dense_forward(X, W, b)
            return mk.dense_backward(tf.ones_like(Z), cache)

        X, W, b = (tf.constant(t) for t in _dense_inputs(np.float32))
        traced = step(X, X)
        eager = mk.dense_backward(tf.ones((5, 4)), mk.dense_forward(X, W, b)[1])
        for got, want in zip(traced, eager, strict=True):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)

    def test_bad_shapes(self):
        """Mismatched shapes are rejected with the same message as in NumPy."""
        with pytest.raises(ValueError, match=r"`W` must have shape \(n_in, n_out\) with n_in = 3"):
            mk.dense_forward(tf.ones((5, 3)), tf.ones((4, 3)), tf.ones(3))


class TestActivationLayers:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_matches_numpy_and_gradient_tape(self, activation):
        """H equals NumPy's, and dZ equals tf.GradientTape's gradient of sum(H * dH)."""
        rng = np.random.default_rng(2)
        Z = rng.uniform(0.1, 2.0, size=(4, 3)) * rng.choice([-1.0, 1.0], size=(4, 3))
        dH = tf.constant(rng.normal(size=(4, 3)))
        Z_var = tf.Variable(Z)
        with tf.GradientTape() as tape:
            H, cache = mk.activation_forward(Z_var, activation)
            loss = tf.reduce_sum(H * dH)
        np.testing.assert_allclose(H.numpy(), mk_np.activation_forward(Z, activation)[0],
                                   rtol=1e-12)
        np.testing.assert_allclose(mk.activation_backward(dH, cache).numpy(),
                                   tape.gradient(loss, Z_var).numpy(), rtol=1e-10)

    def test_unknown_activation(self):
        """An unknown name is rejected with the list of known ones."""
        with pytest.raises(ValueError, match="Received: activation='softplus'"):
            mk.activation_forward(tf.zeros((1, 1)), "softplus")


SHAPES = [(7,), (4, 3), (2, 3, 4)]
# (n, n_in, n_out): one example, one input, one output, and the general case.
DENSE_SHAPES = [(1, 1, 1), (1, 4, 3), (6, 1, 2), (5, 3, 1), (8, 5, 4)]
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


def _away_from_kinks(rng, shape):
    """Pre-activations in ±[0.1, 2]: no input of ReLU, leaky ReLU or ELU near 0."""
    return rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


class TestBackwardShapesAndDtypes:
    @pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    @pytest.mark.parametrize("shape", SHAPES, ids=str)
    def test_activation_backward(self, shape, activation, dtype):
        """dZ keeps the dtype and equals GradientTape's gradient of sum(H * dH) and NumPy's dZ."""
        rng = np.random.default_rng(8)
        Z, dH = _away_from_kinks(rng, shape).astype(dtype), rng.normal(size=shape).astype(dtype)
        Z_var = tf.Variable(Z)
        with tf.GradientTape() as tape:
            H, cache = mk.activation_forward(Z_var, activation)
            loss = tf.reduce_sum(H * dH)
        dZ = mk.activation_backward(tf.constant(dH), cache)
        assert dZ.dtype == tf.as_dtype(dtype) and dZ.shape == shape
        rtol = TOLERANCE[dtype]
        np.testing.assert_allclose(dZ.numpy(), tape.gradient(loss, Z_var).numpy(), rtol=rtol,
                                   atol=rtol)
        _, cache_np = mk_np.activation_forward(Z, activation)
        np.testing.assert_allclose(dZ.numpy(), mk_np.activation_backward(dH, cache_np), rtol=rtol,
                                   atol=rtol)

    @pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize(("n", "n_in", "n_out"), DENSE_SHAPES)
    def test_dense_backward(self, n, n_in, n_out, dtype):
        """dX, dW, db keep the dtype and shapes and equal GradientTape's for any layer size."""
        rng = np.random.default_rng(9)
        X, W, b = (tf.Variable(rng.normal(size=s).astype(dtype))
                   for s in [(n, n_in), (n_in, n_out), (n_out,)])
        dZ = tf.constant(rng.normal(size=(n, n_out)).astype(dtype))
        with tf.GradientTape() as tape:
            Z, cache = mk.dense_forward(X, W, b)
            loss = tf.reduce_sum(Z * dZ)
        expected = tape.gradient(loss, [X, W, b])
        rtol = TOLERANCE[dtype]
        for got, want, variable in zip(mk.dense_backward(dZ, cache), expected, [X, W, b],
                                       strict=True):
            assert got.dtype == tf.as_dtype(dtype) and got.shape == variable.shape
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=rtol)

    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_activation_backward_in_tf_function(self, activation):
        """The activation's backward pass traces with an unknown batch size and gives eager's dZ."""
        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)] * 2)
        def backward(Z, dH):
            _, cache = mk.activation_forward(Z, activation)
            return mk.activation_backward(dH, cache)

        rng = np.random.default_rng(10)
        Z = tf.constant(_away_from_kinks(rng, (4, 3)).astype(np.float32))
        dH = tf.constant(rng.normal(size=(4, 3)).astype(np.float32))
        eager = mk.activation_backward(dH, mk.activation_forward(Z, activation)[1])
        np.testing.assert_allclose(backward(Z, dH).numpy(), eager.numpy(), rtol=1e-6)


class TestBackPropagationThroughANetwork:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_two_layer_network_matches_gradient_tape(self, activation):
        """Chaining the backward passes gives GradientTape's gradients of every parameter."""
        rng = np.random.default_rng(11)
        X = tf.constant(rng.normal(size=(6, 3)))
        U = tf.constant(rng.normal(size=(6, 2)))
        params = [tf.Variable(rng.normal(size=s)) for s in [(3, 4), (4,), (4, 2), (2,)]]
        with tf.GradientTape() as tape:
            Z1, dense1 = mk.dense_forward(X, params[0], params[1])
            H, act = mk.activation_forward(Z1, activation)
            Y, dense2 = mk.dense_forward(H, params[2], params[3])
            loss = tf.reduce_sum(Y * U)
        dH, dW2, db2 = mk.dense_backward(U, dense2)
        _, dW1, db1 = mk.dense_backward(mk.activation_backward(dH, act), dense1)
        for got, want in zip([dW1, db1, dW2, db2], tape.gradient(loss, params), strict=True):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)
