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
