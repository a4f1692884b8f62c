"""Tests of mlkit.tensorflow.neurons: parity with mlkit.numpy, Keras and hand-made truth tables.

The NumPy backend is checked separately against hand-computed values, so
agreeing with it is a real parity check; a Keras ``Dense`` layer with a step
activation written here is an independent oracle for the layer.
"""

import inspect
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk
from mlkit.numpy import neurons as neurons_np
from mlkit.tensorflow import neurons as neurons_tf

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
W_GATES = np.array([[1.0, 1.0, -1.0],
                    [1.0, 1.0, -1.0]])   # columns: AND, OR, NAND
B_GATES = np.array([-1.5, -0.5, 1.5])
DTYPES = pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])


def quarters(rng, shape, low=-8, high=8):
    """Random multiples of 1/4: weighted sums of a few of them are exact in float32 too."""
    return rng.integers(low, high, size=shape) / 4.0


def random_layer(seed, n=6, n_inputs=3, n_units=4):
    """Inputs, weights and biases of a random layer whose sums are exact (no tie by rounding)."""
    rng = np.random.default_rng(seed)
    return (quarters(rng, (n, n_inputs)), quarters(rng, (n_inputs, n_units)),
            quarters(rng, n_units))


class TestSameAPI:
    def test_same_names(self):
        """Both backends' neurons modules define the names of their contract."""
        from mlkit.contracts import neurons as contract
        assert contract.__all__ == ["tlu", "tlu_layer"]
        for name in contract.__all__:
            assert callable(getattr(neurons_np, name)) and callable(getattr(neurons_tf, name))

    @pytest.mark.parametrize("name", ["tlu", "tlu_layer"])
    def test_same_signature(self, name):
        """Each function has the same signature in both backends."""
        assert (inspect.signature(getattr(neurons_np, name))
                == inspect.signature(getattr(neurons_tf, name)))


class TestTruthTables:
    @DTYPES
    def test_and_or_nand_not(self, dtype):
        """Hand-chosen weights give the AND, OR, NAND and NOT truth tables as tensors."""
        X = tf.constant(CORNERS, dtype=dtype)
        for w, b, table in [([1.0, 1.0], -1.5, [0, 0, 0, 1]), ([1.0, 1.0], -0.5, [0, 1, 1, 1]),
                            ([-1.0, -1.0], 1.5, [1, 1, 1, 0])]:
            result = mk.tlu(X, tf.constant(w, dtype=dtype), b)
            assert isinstance(result, tf.Tensor)
            assert result.dtype == dtype
            np.testing.assert_array_equal(result.numpy(), table)
        not_table = mk.tlu(tf.constant([[0.0], [1.0]], dtype=dtype), [-1.0], 0.5)
        np.testing.assert_array_equal(not_table.numpy(), [1.0, 0.0])

    def test_does_not_fire_at_exactly_zero(self):
        """w·x + b = 0 gives 0, as in NumPy."""
        np.testing.assert_array_equal(mk.tlu(CORNERS, [1.0, 1.0], -1.0).numpy(), [0, 0, 0, 1])

    def test_layer_and_or_nand_at_once(self):
        """One product computes the AND, OR and NAND columns."""
        expected = [[0, 0, 1], [0, 1, 1], [0, 1, 1], [1, 1, 0]]
        np.testing.assert_array_equal(mk.tlu_layer(CORNERS, W_GATES, B_GATES).numpy(), expected)


class TestParityWithNumPy:
    @DTYPES
    @pytest.mark.parametrize("seed", range(4))
    def test_tlu_eager_and_traced(self, seed, dtype):
        """tlu gives NumPy's outputs for a batch and for one example, eagerly and in tf.function."""
        X, W, b = random_layer(seed)
        X_tf = tf.constant(X, dtype=dtype)
        w_tf, b_tf = tf.constant(W[:, 0], dtype=dtype), tf.constant(b[0], dtype=dtype)
        traced = tf.function(mk.tlu)
        for function in (mk.tlu, traced):
            batch = function(X_tf, w_tf, b_tf)
            assert batch.dtype == dtype
            assert batch.shape == (len(X),)
            np.testing.assert_array_equal(batch.numpy(), mk_np.tlu(X, W[:, 0], b[0]))
            one = function(X_tf[2], w_tf, b_tf)
            assert one.shape == ()
            assert one.numpy() == mk_np.tlu(X[2], W[:, 0], b[0])

    @DTYPES
    @pytest.mark.parametrize("seed", range(4))
    def test_tlu_layer_eager_and_traced(self, seed, dtype):
        """tlu_layer gives NumPy's outputs for a batch and for one example, eagerly and traced."""
        X, W, b = random_layer(100 + seed)
        args = [tf.constant(a, dtype=dtype) for a in (X, W, b)]
        traced = tf.function(mk.tlu_layer)
        for function in (mk.tlu_layer, traced):
            H = function(*args)
            assert H.dtype == dtype
            assert H.shape == (len(X), W.shape[1])
            np.testing.assert_array_equal(H.numpy(), mk_np.tlu_layer(X, W, b))
            row = function(args[0][3], args[1], args[2])
            assert row.shape == (W.shape[1],)
            np.testing.assert_array_equal(row.numpy(), mk_np.tlu_layer(X[3], W, b))

    def test_unknown_batch_size(self):
        """Traced with TensorSpec([None, 3]), both functions work for any number of examples."""
        spec = tf.TensorSpec([None, 3], tf.float32)
        X, W, b = random_layer(7, n=5)

        @tf.function(input_signature=[spec])
        def layer(inputs):
            return mk.tlu_layer(inputs, W.astype(np.float32), b.astype(np.float32))

        @tf.function(input_signature=[spec])
        def unit(inputs):
            return mk.tlu(inputs, W[:, 1].astype(np.float32), float(b[1]))

        for n in (1, 5):
            np.testing.assert_array_equal(layer(tf.constant(X[:n], tf.float32)).numpy(),
                                          mk_np.tlu_layer(X[:n], W, b))
            np.testing.assert_array_equal(unit(tf.constant(X[:n], tf.float32)).numpy(),
                                          mk_np.tlu(X[:n], W[:, 1], b[1]))

    def test_layer_equals_a_loop_over_units_of_tlu(self):
        """Column j of tlu_layer is tlu with column j of W and b[j]."""
        X, W, b = random_layer(42, n_units=5)
        H = mk.tlu_layer(X, W, b).numpy()
        for j in range(W.shape[1]):
            np.testing.assert_array_equal(H[:, j], mk.tlu(X, W[:, j], b[j]).numpy())


class TestAgainstKeras:
    @DTYPES
    @pytest.mark.parametrize("seed", range(3))
    def test_layer_matches_dense_with_a_step(self, seed, dtype):
        """tlu_layer equals keras.layers.Dense with the same weights and a step activation."""
        X, W, b = random_layer(200 + seed, n_units=3)
        dense = keras.layers.Dense(3, activation=lambda z: tf.cast(z > 0, z.dtype),
                                   dtype=dtype.name)
        dense.build((None, W.shape[0]))
        dense.set_weights([W, b])
        expected = dense(tf.constant(X, dtype=dtype))
        result = mk.tlu_layer(tf.constant(X, dtype=dtype), W, b)
        np.testing.assert_array_equal(result.numpy(), expected.numpy())


class TestDtypes:
    @pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.float32, tf.float64],
                             ids=["float16", "bfloat16", "float32", "float64"])
    def test_float_dtype_of_the_inputs_is_kept(self, dtype):
        """The result has the dtype of x or X; float64 weights are cast to it."""
        X = tf.constant(CORNERS, dtype=dtype)
        assert mk.tlu(X, np.array([1.0, 1.0]), -1.5).dtype == dtype
        assert mk.tlu_layer(X, W_GATES, B_GATES).dtype == dtype
        np.testing.assert_array_equal(tf.cast(mk.tlu_layer(X, W_GATES, B_GATES), tf.float64),
                                      mk_np.tlu_layer(CORNERS, W_GATES, B_GATES))

    @pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.bool], ids=["int32", "int64", "bool"])
    def test_integer_and_bool_inputs_give_float32(self, dtype):
        """Integer and boolean inputs give float32, TensorFlow's default float."""
        X = tf.cast(tf.constant(CORNERS), dtype)
        assert mk.tlu(X, [1, 1], -1).dtype == tf.float32
        H = mk.tlu_layer(X, W_GATES, B_GATES)
        assert H.dtype == tf.float32
        np.testing.assert_array_equal(H.numpy(), mk_np.tlu_layer(CORNERS, W_GATES, B_GATES))

    def test_weights_as_variables(self):
        """Weights and biases held in tf.Variable work, as they would in a model."""
        W, b = tf.Variable(W_GATES, dtype=tf.float32), tf.Variable(B_GATES, dtype=tf.float32)
        H = tf.function(mk.tlu_layer)(tf.constant(CORNERS, tf.float32), W, b)
        np.testing.assert_array_equal(H.numpy(), mk_np.tlu_layer(CORNERS, W_GATES, B_GATES))
        unit = mk.tlu(CORNERS, tf.Variable([1.0, 1.0]), tf.Variable(-1.5))
        np.testing.assert_array_equal(unit.numpy(), [0, 0, 0, 1])


def message(text):
    """A regular expression matching ``text`` literally."""
    return re.escape(text)


class TestBadShapes:
    @pytest.mark.parametrize(("x", "w", "b", "text"), [
        (np.zeros((4, 3)), np.zeros(2), 0.0,
         "`w` must have shape (n_inputs,) with n_inputs = 3 from `x`. Received: w.shape=(2,)"),
        (np.zeros((4, 2)), np.zeros((2, 1)), 0.0,
         "`w` must have shape (n_inputs,) with n_inputs = 2 from `x`. Received: w.shape=(2, 1)"),
        (np.zeros((4, 2)), np.zeros(2), np.zeros(1),
         "`b` must have shape () (a single number). Received: b.shape=(1,)"),
        (np.zeros((2, 4, 2)), np.zeros(2), 0.0,
         "`x` must have shape (n_inputs,) or (n, n_inputs). Received: x.shape=(2, 4, 2)"),
    ], ids=["w-too-short", "w-column", "b-of-shape-1", "x-3d"])
    def test_tlu_bad_shapes_as_in_numpy(self, x, w, b, text):
        """tlu raises NumPy's ValueError, word for word, eagerly and in tf.function."""
        for function in (mk.tlu, tf.function(mk.tlu)):
            with pytest.raises(ValueError, match=message(text)):
                function(tf.constant(x), tf.constant(w), tf.constant(b))
        with pytest.raises(ValueError, match=message(text)):
            mk_np.tlu(x, w, b)

    @pytest.mark.parametrize(("X", "W", "b", "text"), [
        (np.zeros((5, 3)), np.zeros((2, 4)), np.zeros(4),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 3 from `X`. "
         "Received: W.shape=(2, 4)"),
        (np.zeros(3), np.zeros((2, 4)), np.zeros(4),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 3 from `X`. "
         "Received: W.shape=(2, 4)"),
        (np.zeros((5, 2)), np.zeros((2, 4)), np.zeros(5),
         "`b` must have shape (n_units,) with n_units = 4 from `W`. Received: b.shape=(5,)"),
        (np.zeros((5, 2)), np.zeros((2, 4)), np.zeros(()),
         "`b` must have shape (n_units,) with n_units = 4 from `W`. Received: b.shape=()"),
        (np.zeros((1, 5, 2)), np.zeros((2, 4)), np.zeros(4),
         "`X` must have shape (n, n_inputs) or (n_inputs,). Received: X.shape=(1, 5, 2)"),
    ], ids=["W-rows", "W-rows-one-example", "b-per-example", "b-scalar", "X-3d"])
    def test_tlu_layer_bad_shapes_as_in_numpy(self, X, W, b, text):
        """tlu_layer raises NumPy's ValueError, word for word, eagerly and in tf.function."""
        for function in (mk.tlu_layer, tf.function(mk.tlu_layer)):
            with pytest.raises(ValueError, match=message(text)):
                function(tf.constant(X), tf.constant(W), tf.constant(b))
        with pytest.raises(ValueError, match=message(text)):
            mk_np.tlu_layer(X, W, b)

    def test_unknown_rank_in_tf_function(self):
        """Traced with an unknown rank, tlu_layer says it needs to know the shape of X."""
        @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
        def layer(inputs):
            return mk.tlu_layer(inputs, W_GATES, B_GATES)

        with pytest.raises(ValueError, match=message(
                "`X` must have shape (n, n_inputs) or (n_inputs,). Received: X.shape=<unknown>")):
            layer(tf.zeros((4, 2)))

    def test_unknown_batch_with_wrong_weights(self):
        """With the batch size unknown, a W that does not fit X's known width is still caught."""
        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
        def layer(inputs):
            return mk.tlu_layer(inputs, W_GATES, B_GATES)

        with pytest.raises(ValueError, match=message(
                "`W` must have shape (n_inputs, n_units) with n_inputs = 3 from `X`. "
                "Received: W.shape=(2, 3)")):
            layer(tf.zeros((4, 3)))

    @pytest.mark.parametrize(("name", "args", "text"), [
        ("tlu", (None, np.zeros(2), 0.0), "`x` must be a number, an array or a tensor"),
        ("tlu", (np.zeros(2), tf.constant(["a", "b"]), 0.0), "`w` must hold real numbers"),
        ("tlu_layer", (np.zeros((1, 2)), np.zeros((2, 1)), None),
         "`b` must be a number, an array or a tensor"),
    ])
    def test_bad_values_name_the_argument(self, name, args, text):
        """None and strings raise a TypeError naming the argument."""
        with pytest.raises(TypeError, match=message(text)):
            getattr(mk, name)(*args)
