"""Tests of mlkit.numpy.losses against hand-computed values, Keras and finite differences.

The oracles are independent of mlkit's NumPy code: values written as formulas
with :mod:`math`, Keras's own losses and softmax (``keras.losses.*``,
``keras.ops.softmax``, ``keras.ops.log_softmax``), and centred differences of
the losses for the gradients.
"""

import math
import re

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import numerical_gradient, rel_error

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(7)
LOGITS = RNG.normal(scale=3.0, size=(6, 4))
LABELS = np.array([0, 3, 1, 2, 3, 0])
ONE_HOT = np.eye(4)[LABELS]
MULTI_LABEL = RNG.integers(0, 2, size=(6, 4)).astype(np.float64)
DTYPES = [np.float32, np.float64]
# A few units in the last place of each dtype.
TOLERANCE = {np.float32: {"rtol": 2e-6, "atol": 2e-6}, np.float64: {"rtol": 1e-12, "atol": 1e-12}}


def keras_value(value):
    """A Keras result as a NumPy array."""
    return np.asarray(keras.ops.convert_to_numpy(value))


def stable_sigmoid(z):
    """sigmoid for the tests' moderate inputs, written out."""
    return 1.0 / (1.0 + np.exp(-z))


def assert_matches_finite_differences(analytic, batch_loss, x):
    """The analytic gradient equals centred differences of the scalar ``batch_loss`` at ``x``.

    Centred differences with a step of 1e-6 are good to about 1e-10 in absolute terms,
    hence the small ``atol`` next to the relative tolerance.
    """
    numerical = numerical_gradient(batch_loss, x)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-9)
    assert rel_error(analytic, numerical) < 1e-5


class TestSoftmax:
    def test_lecture_example(self):
        """softmax([2.0, 1.0, 0.1]) is e^s_i / sum_j e^s_j: about [0.659, 0.242, 0.099]."""
        scores = [2.0, 1.0, 0.1]
        total = sum(math.exp(s) for s in scores)
        expected = [math.exp(s) / total for s in scores]
        np.testing.assert_allclose(mk.softmax(np.array(scores)), expected, rtol=1e-15)
        np.testing.assert_allclose(mk.softmax(scores), [0.659, 0.242, 0.099], atol=5e-4)

    def test_rows_are_probabilities(self):
        """Every row is positive and sums to 1."""
        p = mk.softmax(LOGITS)
        assert (p > 0).all()
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)

    def test_shift_invariant(self):
        """Adding a constant to every score of a row does not change its probabilities."""
        shifted = LOGITS + np.array([[100.0], [-50.0], [0.0], [7.0], [1e3], [-1e3]])
        np.testing.assert_allclose(mk.softmax(shifted), mk.softmax(LOGITS), rtol=1e-10)

    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize(("shape", "axis"), [((6, 4), -1), ((6, 4), 0), ((2, 3, 5), 1),
                                                 ((5,), 0)])
    def test_matches_keras(self, shape, axis, dtype):
        """softmax and log_softmax equal keras.ops.softmax and keras.ops.log_softmax on any axis."""
        x = np.random.default_rng(1).normal(scale=4.0, size=shape).astype(dtype)
        np.testing.assert_allclose(mk.softmax(x, axis=axis),
                                   keras_value(keras.ops.softmax(x, axis=axis)), **TOLERANCE[dtype])
        np.testing.assert_allclose(mk.log_softmax(x, axis=axis),
                                   keras_value(keras.ops.log_softmax(x, axis=axis)),
                                   **TOLERANCE[dtype])

    def test_axis_0_is_softmax_of_the_transpose(self):
        """softmax(x, axis=0) is softmax(x.T).T."""
        np.testing.assert_allclose(mk.softmax(LOGITS, axis=0), mk.softmax(LOGITS.T).T, rtol=1e-15)

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_extreme_scores_stay_finite(self, dtype):
        """Scores of +-1000 give [1, 0] and log-probabilities [0, -2000] without a warning."""
        x = np.array([[1000.0, -1000.0], [-1000.0, -1000.0]], dtype=dtype)
        np.testing.assert_array_equal(mk.softmax(x), [[1.0, 0.0], [0.5, 0.5]])
        expected_log = [[0.0, -2000.0], [-math.log(2.0), -math.log(2.0)]]
        np.testing.assert_allclose(mk.log_softmax(x.astype(np.float64)), expected_log, rtol=1e-15)

    def test_log_softmax_is_log_of_softmax(self):
        """Where softmax does not underflow, log_softmax is log(softmax)."""
        np.testing.assert_allclose(mk.log_softmax(LOGITS), np.log(mk.softmax(LOGITS)), rtol=1e-13)

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_dtype_kept(self, dtype):
        """A float input keeps its dtype; an integer input becomes float64."""
        x = LOGITS.astype(dtype)
        assert mk.softmax(x).dtype == dtype
        assert mk.log_softmax(x).dtype == dtype
        assert mk.softmax(np.array([1, 2, 3])).dtype == np.float64

    @pytest.mark.parametrize("name", ["softmax", "log_softmax"])
    def test_scalar_rejected(self, name):
        """A 0-d input raises a ValueError: there is no axis of classes."""
        with pytest.raises(ValueError, match=re.escape(
                "`x` must have at least one dimension, the axis of the classes. "
                "Received: x.shape=()")):
            getattr(mk, name)(1.0)

    def test_bad_axis_rejected(self):
        """An axis outside [-ndim, ndim) raises a ValueError giving the range."""
        with pytest.raises(ValueError, match=re.escape(
                "`axis` must be in [-2, 2) for an input with 2 dimensions. Received: axis=2")):
            mk.softmax(LOGITS, axis=2)


class TestCrossEntropy:
    def test_hand_computed(self):
        """The loss of an example is -log of the probability of its right class."""
        y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
        y_true = np.eye(3)[[0, 1, 1]]
        np.testing.assert_allclose(mk.cross_entropy(y_true, y_pred),
                                   [-math.log(0.7), -math.log(0.8), -math.log(0.2)], rtol=1e-14)

    def test_soft_labels(self):
        """Soft labels give -sum_i L_i log S_i."""
        y_true, y_pred = np.array([0.25, 0.75]), np.array([0.4, 0.6])
        expected = -(0.25 * math.log(0.4) + 0.75 * math.log(0.6))
        assert mk.cross_entropy(y_true, y_pred) == pytest.approx(expected, rel=1e-14)

    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize("from_logits", [False, True])
    def test_matches_keras(self, from_logits, dtype):
        """Per-example values equal keras.losses.categorical_crossentropy."""
        z = LOGITS.astype(dtype)
        y_pred = z if from_logits else mk.softmax(z)
        y_true = ONE_HOT.astype(dtype)
        expected = keras_value(keras.losses.categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits))
        result = mk.cross_entropy(y_true, y_pred, from_logits=from_logits)
        assert result.shape == (6,)
        assert result.dtype == dtype
        np.testing.assert_allclose(result, expected, **TOLERANCE[dtype])

    @pytest.mark.parametrize("from_logits", [False, True])
    def test_matches_keras_on_axis_1_of_a_3d_input(self, from_logits):
        """With axis=1 of a (2, 4, 3) input the loss has shape (2, 3), as in Keras."""
        z = np.random.default_rng(2).normal(size=(2, 4, 3))
        y_true = np.moveaxis(np.eye(4)[[[0, 1, 3], [2, 2, 0]]], -1, 1)
        y_pred = z if from_logits else mk.softmax(z, axis=1)
        expected = keras_value(keras.losses.categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=1))
        result = mk.cross_entropy(y_true, y_pred, from_logits=from_logits, axis=1)
        assert result.shape == (2, 3)
        np.testing.assert_allclose(result, expected, rtol=1e-12)

    def test_logits_and_probabilities_agree(self):
        """cross_entropy(y, z, from_logits=True) equals cross_entropy(y, softmax(z))."""
        np.testing.assert_allclose(mk.cross_entropy(ONE_HOT, LOGITS, from_logits=True),
                                   mk.cross_entropy(ONE_HOT, mk.softmax(LOGITS)), rtol=1e-6)

    def test_probability_zero_is_clipped_as_in_keras(self):
        """A right class given probability 0 costs -log(1e-7), as in Keras, not infinity."""
        y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
        np.testing.assert_allclose(mk.cross_entropy(y_true, y_pred), [-math.log(1e-7)],
                                   rtol=1e-12)
        np.testing.assert_allclose(
            mk.cross_entropy(y_true, y_pred),
            keras_value(keras.losses.categorical_crossentropy(y_true, y_pred)), rtol=1e-12)

    def test_extreme_logits_stay_finite(self):
        """Logits [1000, -1000] cost 0 for the right class and exactly 2000 for the wrong one."""
        z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
        y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
        np.testing.assert_array_equal(mk.cross_entropy(y_true, z, from_logits=True),
                                      [0.0, 2000.0])

    def test_one_example(self):
        """A single example of shape (k,) gives a scalar loss."""
        loss = mk.cross_entropy([0.0, 1.0, 0.0], [0.2, 0.5, 0.3])
        assert np.shape(loss) == ()
        assert loss == pytest.approx(-math.log(0.5), rel=1e-14)

    def test_integer_labels_rejected(self):
        """Integer labels of shape (n,) raise a ValueError pointing to sparse_cross_entropy."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold one-hot labels of the shape of `y_pred`, (6, 4). "
                "Received: y_true.shape=(6,), which looks like integer class labels: "
                "use sparse_cross_entropy")):
            mk.cross_entropy(LABELS, LOGITS, from_logits=True)

    def test_one_hot_of_the_wrong_width_rejected(self):
        """One-hot rows of width 5 for 4 classes raise a ValueError giving both shapes."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must have the shape of `y_pred` (one-hot labels), (6, 4). "
                "Received: y_true.shape=(6, 5), y_pred.shape=(6, 4)")):
            mk.cross_entropy(np.eye(5)[LABELS], LOGITS, from_logits=True)

    def test_non_numbers_rejected(self):
        """Strings raise a TypeError naming the argument."""
        with pytest.raises(TypeError, match="`y_true` must hold real numbers"):
            mk.cross_entropy(np.array([["a", "b"]]), np.array([[0.5, 0.5]]))


class TestSparseCrossEntropy:
    @pytest.mark.parametrize("from_logits", [False, True])
    def test_equals_cross_entropy_of_one_hot(self, from_logits):
        """Integer labels give the loss of their one-hot rows."""
        y_pred = LOGITS if from_logits else mk.softmax(LOGITS)
        np.testing.assert_allclose(
            mk.sparse_cross_entropy(LABELS, y_pred, from_logits=from_logits),
            mk.cross_entropy(ONE_HOT, y_pred, from_logits=from_logits), rtol=1e-15)

    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize("from_logits", [False, True])
    def test_matches_keras(self, from_logits, dtype):
        """Per-example values equal keras.losses.sparse_categorical_crossentropy."""
        z = LOGITS.astype(dtype)
        y_pred = z if from_logits else mk.softmax(z)
        expected = keras_value(keras.losses.sparse_categorical_crossentropy(
            LABELS, y_pred, from_logits=from_logits))
        result = mk.sparse_cross_entropy(LABELS, y_pred, from_logits=from_logits)
        assert result.shape == (6,)
        assert result.dtype == dtype
        np.testing.assert_allclose(result, expected, **TOLERANCE[dtype])

    def test_hand_computed(self):
        """The loss is -log of the probability given to the labelled class."""
        y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
        np.testing.assert_allclose(mk.sparse_cross_entropy([2, 1], y_pred),
                                   [-math.log(0.1), -math.log(0.8)], rtol=1e-14)

    def test_axis_0(self):
        """With axis=0 the classes are the rows: the same as the transpose with axis=-1."""
        np.testing.assert_allclose(
            mk.sparse_cross_entropy(LABELS, LOGITS.T, from_logits=True, axis=0),
            mk.sparse_cross_entropy(LABELS, LOGITS, from_logits=True), rtol=1e-15)

    def test_column_of_labels_and_whole_floats_accepted(self):
        """Labels of shape (n, 1), as Keras accepts, and floats such as 2.0 give the same loss."""
        expected = mk.sparse_cross_entropy(LABELS, LOGITS, from_logits=True)
        for labels in (LABELS[:, None], LABELS.astype(np.float32), LABELS.astype(np.uint8)):
            np.testing.assert_array_equal(
                mk.sparse_cross_entropy(labels, LOGITS, from_logits=True), expected)

    def test_extreme_logits_stay_finite(self):
        """Logits [1000, -1000] cost 0 for label 0 and 2000 for label 1."""
        z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
        np.testing.assert_array_equal(mk.sparse_cross_entropy([0, 1], z, from_logits=True),
                                      [0.0, 2000.0])

    @pytest.mark.parametrize(("labels", "received"), [
        ([0, 3, 1, 2, 4, 0], "y_true[4]=4"),
        ([0, 3, -1, 2, 3, 0], "y_true[2]=-1"),
    ])
    def test_labels_out_of_range_rejected(self, labels, received):
        """A label outside [0, k) raises a ValueError naming the first one."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold class labels in [0, 4), one per example. "
                f"Received: {received} (y_pred has 4 classes along axis 1)")):
            mk.sparse_cross_entropy(np.array(labels), LOGITS, from_logits=True)

    def test_one_hot_labels_rejected(self):
        """One-hot rows raise a ValueError pointing to cross_entropy."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold integer class labels of shape (6,). "
                "Received: y_true.shape=(6, 4), the shape of one-hot labels: use cross_entropy")):
            mk.sparse_cross_entropy(ONE_HOT, LOGITS, from_logits=True)

    def test_wrong_number_of_labels_rejected(self):
        """Five labels for six examples raise a ValueError giving both shapes."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold integer class labels of shape (6,), the shape of `y_pred` "
                "without its class axis. Received: y_true.shape=(5,), y_pred.shape=(6, 4)")):
            mk.sparse_cross_entropy(LABELS[:5], LOGITS, from_logits=True)

    def test_fractional_labels_rejected(self):
        """A label of 0.5 raises a ValueError naming it."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold integer class labels in [0, 4). Received: y_true[1]=0.5")):
            mk.sparse_cross_entropy(np.array([0.0, 0.5, 1, 2, 3, 0]), LOGITS, from_logits=True)

    def test_boolean_labels_rejected(self):
        """Boolean labels raise a TypeError giving the dtype."""
        with pytest.raises(TypeError, match=re.escape("Received: y_true.dtype=bool")):
            mk.sparse_cross_entropy(LABELS > 1, LOGITS, from_logits=True)


class TestBinaryCrossEntropy:
    def test_hand_computed(self):
        """-y log H - (1 - y) log(1 - H), averaged over the outputs of each example."""
        y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
        y_pred = np.array([[0.9, 0.2], [0.3, 0.6]])
        expected = [-(math.log(0.9) + math.log(0.8)) / 2, -(math.log(0.7) + math.log(0.6)) / 2]
        np.testing.assert_allclose(mk.binary_cross_entropy(y_true, y_pred), expected, rtol=1e-14)

    @pytest.mark.parametrize("dtype", DTYPES)
    @pytest.mark.parametrize("from_logits", [False, True])
    def test_matches_keras(self, from_logits, dtype):
        """Per-example values equal keras.losses.binary_crossentropy."""
        z = LOGITS.astype(dtype)
        y_pred = z if from_logits else stable_sigmoid(z)
        y_true = MULTI_LABEL.astype(dtype)
        expected = keras_value(keras.losses.binary_crossentropy(
            y_true, y_pred, from_logits=from_logits))
        result = mk.binary_cross_entropy(y_true, y_pred, from_logits=from_logits)
        assert result.shape == (6,)
        assert result.dtype == dtype
        np.testing.assert_allclose(result, expected, **TOLERANCE[dtype])

    def test_stable_form_equals_the_definition(self):
        """From logits, the stable form equals -y log s - (1 - y) log(1 - s) with s = sigmoid(z)."""
        s = stable_sigmoid(LOGITS)
        naive = -(MULTI_LABEL * np.log(s) + (1.0 - MULTI_LABEL) * np.log(1.0 - s)).mean(axis=-1)
        np.testing.assert_allclose(mk.binary_cross_entropy(MULTI_LABEL, LOGITS, from_logits=True),
                                   naive, rtol=1e-12)

    def test_extreme_logits_stay_finite(self):
        """Logit -1000 for a positive label costs 1000, and 0 where it is right."""
        z = np.array([[-1000.0, 1000.0], [1000.0, -1000.0]])
        y_true = np.array([[1.0, 0.0], [1.0, 0.0]])
        np.testing.assert_array_equal(mk.binary_cross_entropy(y_true, z, from_logits=True),
                                      [1000.0, 0.0])

    def test_one_output_per_example(self):
        """Outputs of shape (n, 1) give one loss per example, shape (n,)."""
        result = mk.binary_cross_entropy(np.array([[1.0], [0.0]]), np.array([[0.8], [0.8]]))
        np.testing.assert_allclose(result, [-math.log(0.8), -math.log(0.2)], rtol=1e-14)

    def test_shape_mismatch_rejected(self):
        """Labels of shape (6,) for predictions of shape (6, 4) raise a ValueError."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must have the shape of `y_pred`, (6, 4). "
                "Received: y_true.shape=(6,), y_pred.shape=(6, 4)")):
            mk.binary_cross_entropy(LABELS, LOGITS, from_logits=True)


class TestMeanSquaredError:
    def test_hand_computed(self):
        """The mean over the last axis of (y_hat - y)^2."""
        result = mk.mean_squared_error([[1.0, 2.0], [0.0, 0.0]], [[1.5, 0.0], [3.0, -1.0]])
        np.testing.assert_allclose(result, [(0.25 + 4.0) / 2, (9.0 + 1.0) / 2], rtol=1e-15)

    @pytest.mark.parametrize("dtype", DTYPES)
    def test_matches_keras(self, dtype):
        """Per-example values equal keras.losses.mean_squared_error."""
        y_true, y_pred = MULTI_LABEL.astype(dtype), LOGITS.astype(dtype)
        expected = keras_value(keras.losses.mean_squared_error(y_true, y_pred))
        result = mk.mean_squared_error(y_true, y_pred)
        assert result.dtype == dtype
        np.testing.assert_allclose(result, expected, **TOLERANCE[dtype])

    def test_shape_mismatch_rejected(self):
        """Targets of another shape raise a ValueError giving both shapes."""
        with pytest.raises(ValueError, match=re.escape("Received: y_true.shape=(6, 3)")):
            mk.mean_squared_error(LOGITS[:, :3], LOGITS)


class TestGradients:
    """Each *_grad is the gradient of the batch mean of its loss, checked by finite differences."""

    def test_softmax_cross_entropy_grad_matches_finite_differences(self):
        """(softmax(z) - y) / n is the gradient of mean(cross_entropy(y, z, from_logits=True))."""
        def batch_loss(z):
            return mk.cross_entropy(ONE_HOT, z, from_logits=True).mean()

        analytic = mk.softmax_cross_entropy_grad(ONE_HOT, LOGITS)
        assert_matches_finite_differences(analytic, batch_loss, LOGITS)

    def test_softmax_cross_entropy_grad_hand_computed(self):
        """Scores [2, 1, 0.1] with label 0: the gradient is p - y for one example."""
        p = mk.softmax([2.0, 1.0, 0.1])
        grad = mk.softmax_cross_entropy_grad([[1.0, 0.0, 0.0]], [[2.0, 1.0, 0.1]])
        np.testing.assert_allclose(grad, [[p[0] - 1.0, p[1], p[2]]], rtol=1e-15)

    def test_softmax_cross_entropy_grad_rows_sum_to_zero(self):
        """Each row of p - y sums to 0, for soft labels too."""
        soft = mk.softmax(RNG.normal(size=(6, 4)))
        grad = mk.softmax_cross_entropy_grad(soft, LOGITS)
        np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-16)

    def test_binary_cross_entropy_grad_matches_finite_differences(self):
        """(sigmoid(z) - y) / (n k) is the gradient of the mean binary cross-entropy from logits."""
        def batch_loss(z):
            return mk.binary_cross_entropy(MULTI_LABEL, z, from_logits=True).mean()

        analytic = mk.binary_cross_entropy_grad(MULTI_LABEL, LOGITS)
        assert_matches_finite_differences(analytic, batch_loss, LOGITS)

    def test_mean_squared_error_grad_matches_finite_differences(self):
        """2 (y_hat - y) / (n k) is the gradient of mean(mean_squared_error(y, y_hat))."""
        def batch_loss(y_pred):
            return mk.mean_squared_error(MULTI_LABEL, y_pred).mean()

        analytic = mk.mean_squared_error_grad(MULTI_LABEL, LOGITS)
        assert_matches_finite_differences(analytic, batch_loss, LOGITS)

    def test_extreme_logits_give_finite_gradients(self):
        """Logits of +-1000 give gradients of 0 and +-1/n, without a warning."""
        z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
        y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
        np.testing.assert_array_equal(mk.softmax_cross_entropy_grad(y_true, z),
                                      [[0.0, 0.0], [0.5, -0.5]])
        np.testing.assert_array_equal(mk.binary_cross_entropy_grad(y_true, z),
                                      [[0.0, 0.0], [0.25, -0.25]])

    @pytest.mark.parametrize("name", ["softmax_cross_entropy_grad", "binary_cross_entropy_grad",
                                      "mean_squared_error_grad"])
    @pytest.mark.parametrize("dtype", DTYPES)
    def test_dtype_kept(self, name, dtype):
        """The gradient has the shape and dtype of the logits (or predictions)."""
        grad = getattr(mk, name)(ONE_HOT, LOGITS.astype(dtype))
        assert grad.shape == LOGITS.shape
        assert grad.dtype == dtype

    def test_integer_labels_rejected(self):
        """Integer labels raise a ValueError that says how to make them one-hot."""
        with pytest.raises(ValueError, match=re.escape(
                "`y_true` must hold one-hot labels of shape (n, k) = (6, 4), like `logits`. "
                "Received: y_true.shape=(6,). For integer class labels y, pass the one-hot "
                "labels, np.eye(k)[y] or tf.one_hot(y, k).")):
            mk.softmax_cross_entropy_grad(LABELS, LOGITS)

    def test_logits_must_be_a_matrix(self):
        """A single row of scores of shape (k,) raises a ValueError asking for (n, k)."""
        with pytest.raises(ValueError, match=re.escape(
                "`logits` must have shape (n, k): one row of k scores per example. "
                "Received: logits.shape=(4,)")):
            mk.softmax_cross_entropy_grad(ONE_HOT[0], LOGITS[0])
