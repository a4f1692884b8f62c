"""Tests of mlkit.tensorflow.losses: parity with mlkit.numpy, Keras and tf.GradientTape.

The independent oracles are Keras's own losses and softmax and TensorFlow's
automatic differentiation; the NumPy backend is checked separately against
hand-computed values and finite differences, so agreeing with it is a real
parity check.
"""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk

RNG = np.random.default_rng(11)
LOGITS = RNG.normal(scale=3.0, size=(6, 4))
LABELS = np.array([0, 3, 1, 2, 3, 0])
ONE_HOT = np.eye(4)[LABELS]
MULTI_LABEL = RNG.integers(0, 2, size=(6, 4)).astype(np.float64)
DTYPES = [tf.float32, tf.float64]
DTYPE_IDS = ["float32", "float64"]
TOLERANCE = {tf.float32: {"rtol": 2e-6, "atol": 2e-6}, tf.float64: {"rtol": 1e-12, "atol": 1e-12}}


def probabilities(z):
    return mk_np.softmax(z)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# name -> (y_true, y_pred, keyword arguments), float64 NumPy inputs shared by several tests.
CASES = {
    "cross_entropy": (ONE_HOT, probabilities(LOGITS), {}),
    "cross_entropy-logits": (ONE_HOT, LOGITS, {"from_logits": True}),
    "sparse_cross_entropy": (LABELS, probabilities(LOGITS), {}),
    "sparse_cross_entropy-logits": (LABELS, LOGITS, {"from_logits": True}),
    "binary_cross_entropy": (MULTI_LABEL, sigmoid(LOGITS), {}),
    "binary_cross_entropy-logits": (MULTI_LABEL, LOGITS, {"from_logits": True}),
    "mean_squared_error": (MULTI_LABEL, LOGITS, {}),
    "softmax_cross_entropy_grad": (ONE_HOT, LOGITS, {}),
    "binary_cross_entropy_grad": (MULTI_LABEL, LOGITS, {}),
    "mean_squared_error_grad": (MULTI_LABEL, LOGITS, {}),
}
KERAS = {
    "cross_entropy": keras.losses.categorical_crossentropy,
    "sparse_cross_entropy": keras.losses.sparse_categorical_crossentropy,
    "binary_cross_entropy": keras.losses.binary_crossentropy,
    "mean_squared_error": keras.losses.mean_squared_error,
}


def call(backend, case, y_true, y_pred):
    name = case.split("-")[0]
    return getattr(backend, name)(y_true, y_pred, **CASES[case][2])


def inputs(case, dtype):
    """The case's labels (integer labels stay integers) and predictions in ``dtype``."""
    y_true, y_pred, _ = CASES[case]
    if y_true.dtype.kind == "f":
        y_true = tf.constant(y_true, dtype=dtype)
    return y_true, tf.constant(y_pred, dtype=dtype)


class TestParityWithNumPy:
    @pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
    @pytest.mark.parametrize("case", sorted(CASES))
    def test_eager_and_traced_match_numpy(self, case, dtype):
        """Eagerly and in tf.function, every function gives NumPy's values in the input's dtype."""
        y_true, y_pred = inputs(case, dtype)
        expected = call(mk_np, case, np.asarray(y_true), y_pred.numpy())
        traced = tf.function(lambda a, b: call(mk, case, a, b))
        for result in (call(mk, case, y_true, y_pred), traced(y_true, y_pred)):
            assert isinstance(result, tf.Tensor)
            assert result.dtype == dtype
            np.testing.assert_allclose(result.numpy(), expected, **TOLERANCE[dtype])

    @pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
    @pytest.mark.parametrize(("shape", "axis"), [((6, 4), -1), ((6, 4), 0), ((2, 3, 5), 1)])
    def test_softmax_and_log_softmax_match_numpy(self, shape, axis, dtype):
        """softmax and log_softmax agree with NumPy on every axis."""
        x = np.random.default_rng(3).normal(scale=4.0, size=shape)
        for name in ("softmax", "log_softmax"):
            result = getattr(mk, name)(tf.constant(x, dtype=dtype), axis=axis)
            assert result.dtype == dtype
            np.testing.assert_allclose(result.numpy(), getattr(mk_np, name)(x, axis=axis),
                                       **TOLERANCE[dtype])

    @pytest.mark.parametrize("from_logits", [False, True])
    def test_axis_1_of_a_3d_input(self, from_logits):
        """cross_entropy and sparse_cross_entropy over axis 1 of a (2, 4, 3) input match NumPy."""
        z = np.random.default_rng(4).normal(size=(2, 4, 3))
        y_pred = z if from_logits else mk_np.softmax(z, axis=1)
        labels = np.array([[0, 1, 3], [2, 2, 0]])
        one_hot = np.moveaxis(np.eye(4)[labels], -1, 1)
        for name, y_true in (("cross_entropy", one_hot), ("sparse_cross_entropy", labels)):
            result = getattr(mk, name)(y_true, tf.constant(y_pred), from_logits=from_logits, axis=1)
            expected = getattr(mk_np, name)(y_true, y_pred, from_logits=from_logits, axis=1)
            assert result.shape == (2, 3)
            np.testing.assert_allclose(result.numpy(), expected, rtol=1e-12)

    def test_unknown_batch_size(self):
        """Traced with TensorSpec([None, 4]), the losses work for any batch size."""
        @tf.function(input_signature=[tf.TensorSpec([None], tf.int32),
                                      tf.TensorSpec([None, 4], tf.float32)])
        def losses(labels, z):
            return (mk.sparse_cross_entropy(labels, z, from_logits=True),
                    mk.softmax_cross_entropy_grad(tf.one_hot(labels, 4), z))

        for n in (1, 6):
            z = LOGITS[:n].astype(np.float32)
            loss, grad = losses(tf.constant(LABELS[:n], tf.int32), tf.constant(z))
            np.testing.assert_allclose(
                loss.numpy(), mk_np.sparse_cross_entropy(LABELS[:n], z, from_logits=True),
                rtol=2e-6)
            np.testing.assert_allclose(
                grad.numpy(), mk_np.softmax_cross_entropy_grad(ONE_HOT[:n], z), rtol=2e-6,
                atol=1e-7)


class TestAgainstKeras:
    @pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
    @pytest.mark.parametrize("case", [c for c in sorted(CASES) if c.split("-")[0] in KERAS])
    def test_losses_match_keras(self, case, dtype):
        """Each loss equals its keras.losses counterpart, one value per example."""
        y_true, y_pred = inputs(case, dtype)
        kwargs = CASES[case][2]
        expected = KERAS[case.split("-")[0]](y_true, y_pred, **kwargs)
        result = call(mk, case, y_true, y_pred)
        assert result.shape == (6,)
        np.testing.assert_allclose(result.numpy(), expected.numpy(), **TOLERANCE[dtype])

    @pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
    def test_softmax_matches_keras_ops(self, dtype):
        """softmax and log_softmax equal keras.ops.softmax and keras.ops.log_softmax."""
        x = tf.constant(LOGITS, dtype=dtype)
        np.testing.assert_allclose(mk.softmax(x).numpy(), keras.ops.softmax(x).numpy(),
                                   **TOLERANCE[dtype])
        np.testing.assert_allclose(mk.log_softmax(x).numpy(), keras.ops.log_softmax(x).numpy(),
                                   **TOLERANCE[dtype])

    def test_clipping_matches_keras(self):
        """A right class given probability 0 costs what Keras charges, -log(1e-7)."""
        y_true, y_pred = tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 0.0]])
        np.testing.assert_allclose(
            mk.cross_entropy(y_true, y_pred).numpy(),
            keras.losses.categorical_crossentropy(y_true, y_pred).numpy(), rtol=1e-6)
        np.testing.assert_allclose(
            mk.binary_cross_entropy(y_true, y_pred).numpy(),
            keras.losses.binary_crossentropy(y_true, y_pred).numpy(), rtol=1e-6)


class TestGradientsWithGradientTape:
    @pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
    @pytest.mark.parametrize(("grad_name", "loss"), [
        ("softmax_cross_entropy_grad",
         lambda y, z: mk.cross_entropy(y, z, from_logits=True)),
        ("binary_cross_entropy_grad",
         lambda y, z: mk.binary_cross_entropy(y, z, from_logits=True)),
        ("mean_squared_error_grad", mk.mean_squared_error),
    ])
    def test_grad_is_gradient_of_batch_mean(self, grad_name, loss, dtype):
        """Each *_grad equals tf.GradientTape's gradient of the batch mean of its loss."""
        y_true = ONE_HOT if grad_name.startswith("softmax") else MULTI_LABEL
        y_true, z = tf.constant(y_true, dtype=dtype), tf.Variable(LOGITS, dtype=dtype)
        with tf.GradientTape() as tape:
            batch_loss = tf.reduce_mean(loss(y_true, z))
        expected = tape.gradient(batch_loss, z)
        np.testing.assert_allclose(getattr(mk, grad_name)(y_true, z).numpy(), expected.numpy(),
                                   **TOLERANCE[dtype])

    def test_sparse_gradient_is_p_minus_one_hot(self):
        """The tape's gradient of mean(sparse_cross_entropy) is (softmax(z) - one_hot) / n."""
        z = tf.Variable(LOGITS)
        with tf.GradientTape() as tape:
            batch_loss = tf.reduce_mean(mk.sparse_cross_entropy(LABELS, z, from_logits=True))
        np.testing.assert_allclose(tape.gradient(batch_loss, z).numpy(),
                                   (mk_np.softmax(LOGITS) - ONE_HOT) / 6, rtol=1e-12, atol=1e-15)


class TestExtremeLogits:
    def test_values_and_gradients_stay_finite(self):
        """Logits of +-1000 give exact, finite losses and gradients, also through the tape."""
        z = tf.Variable([[1000.0, -1000.0], [1000.0, -1000.0]])
        y_true = tf.constant([[1.0, 0.0], [0.0, 1.0]])
        np.testing.assert_array_equal(mk.softmax(z).numpy(), [[1.0, 0.0], [1.0, 0.0]])
        with tf.GradientTape() as tape:
            loss = mk.cross_entropy(y_true, z, from_logits=True)
        np.testing.assert_array_equal(loss.numpy(), [0.0, 2000.0])
        np.testing.assert_array_equal(tape.gradient(loss, z).numpy(),
                                      [[0.0, 0.0], [1.0, -1.0]])
        np.testing.assert_array_equal(
            mk.sparse_cross_entropy([0, 1], z, from_logits=True).numpy(), [0.0, 2000.0])
        np.testing.assert_array_equal(
            mk.binary_cross_entropy(y_true, z, from_logits=True).numpy(), [0.0, 1000.0])
        np.testing.assert_array_equal(mk.softmax_cross_entropy_grad(y_true, z).numpy(),
                                      [[0.0, 0.0], [0.5, -0.5]])


class TestErrors:
    def test_integer_labels_for_cross_entropy(self):
        """Integer labels given to cross_entropy raise a ValueError pointing to the sparse loss."""
        with pytest.raises(ValueError, match=re.escape(
                "Received: y_true.shape=(6,), which looks like integer class labels: "
                "use sparse_cross_entropy")):
            mk.cross_entropy(LABELS, LOGITS, from_logits=True)

    def test_one_hot_of_the_wrong_width(self):
        """One-hot rows of width 5 for 4 classes raise a ValueError giving both shapes."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must have the shape of `y_pred` (one-hot labels), (6, 4). "
                "Received: y_true.shape=(6, 5), y_pred.shape=(6, 4)")):
            mk.cross_entropy(np.eye(5)[LABELS], LOGITS, from_logits=True)

    @pytest.mark.parametrize(("labels", "received"), [
        ([0, 3, 1, 2, 4, 0], "y_true[4]=4"),
        ([0, 3, -1, 2, 3, 0], "y_true[2]=-1"),
    ])
    def test_labels_out_of_range_eagerly(self, labels, received):
        """Eagerly, a label outside [0, k) raises a ValueError naming the first one."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold class labels in [0, 4), one per example. "
                f"Received: {received}")):
            mk.sparse_cross_entropy(tf.constant(labels), LOGITS, from_logits=True)

    def test_labels_out_of_range_in_tf_function(self):
        """Inside tf.function, a label outside [0, k) fails a graph assertion with the message."""
        traced = tf.function(lambda y, z: mk.sparse_cross_entropy(y, z, from_logits=True))
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=re.escape("`y_true` must hold class labels in [0, 4)")):
            traced(tf.constant([0, 4]), tf.constant(LOGITS[:2]))

    def test_one_hot_labels_for_sparse(self):
        """One-hot rows for sparse_cross_entropy raise a ValueError pointing to cross_entropy."""
        with pytest.raises(ValueError, match=re.escape(
                "Received: y_true.shape=(6, 4), the shape of one-hot labels: use cross_entropy")):
            mk.sparse_cross_entropy(ONE_HOT, LOGITS, from_logits=True)

    def test_fractional_labels(self):
        """Labels such as 0.5 raise a ValueError."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold integer class labels in [0, 4). Received: y_true[0]=0.5")):
            mk.sparse_cross_entropy(tf.constant([0.5, 1.0]), LOGITS[:2], from_logits=True)

    def test_integer_labels_for_the_gradient(self):
        """softmax_cross_entropy_grad with integer labels says how to make them one-hot."""
        with pytest.raises(ValueError, match=re.escape(
                "Received: y_true.shape=(6,). For integer class labels y, pass the one-hot "
                "labels, np.eye(k)[y] or tf.one_hot(y, k).")):
            mk.softmax_cross_entropy_grad(LABELS, LOGITS)

    @pytest.mark.parametrize("name", ["binary_cross_entropy", "mean_squared_error",
                                      "binary_cross_entropy_grad", "mean_squared_error_grad"])
    def test_shape_mismatch(self, name):
        """Labels of shape (6,) for predictions of shape (6, 4) raise a ValueError."""
        with pytest.raises(ValueError, match=re.escape("Received: y_true.shape=(6,)")):
            getattr(mk, name)(LABELS.astype(float), LOGITS)

    def test_scalar_scores(self):
        """softmax of a 0-d input raises a ValueError: there is no axis of classes."""
        with pytest.raises(ValueError, match=re.escape(
                "`x` must have at least one dimension, the axis of the classes.")):
            mk.softmax(tf.constant(1.0))
