"""Tests of mlkit.tensorflow.activations: parity with mlkit.numpy, Keras and GradientTape.

The independent oracles are Keras's own activation functions and TensorFlow's
automatic differentiation; the NumPy backend is checked separately against
hand-computed values, so agreeing with it is a real parity check.
"""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk

FUNCTIONS = [
    "step", "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "elu", "elu_grad",
]
# (name, keyword arguments): every function, and the ones with arguments also with non-defaults.
CASES = [(name, {}) for name in FUNCTIONS] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu_grad", {"negative_slope": -0.3}),
    ("elu", {"alpha": 0.5}),
    ("elu_grad", {"alpha": 2.0}),
    ("elu", {"alpha": 0.3}),
]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in kwargs.items()) for name, kwargs in CASES]

# A tolerance suited to each dtype: a few units in the last place, relative to the value or,
# for values near 0 that come from a cancellation such as 1 - tanh(x)**2, relative to 1.
TOLERANCE = {tf.float32: {"rtol": 1e-6, "atol": 5e-7}, tf.float64: {"rtol": 1e-13, "atol": 1e-15}}

VALUES = np.array([[-30.0, -4.0, -1.3, -0.2, 0.0],
                   [0.4, 1.0, 1.7, 5.0, 30.0]])
# At least 0.2 away from the kinks at 0 of step, relu, leaky_relu and elu.
SMOOTH = np.array([-4.0, -1.3, -0.2, 0.4, 1.7, 5.0])


class TestParityWithNumPy:
    @pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize(("name", "kwargs"), CASES, ids=CASE_IDS)
    def test_eager_matches_numpy(self, name, kwargs, dtype):
        """Eagerly, the TensorFlow function gives NumPy's values in the input's dtype."""
        x = VALUES.astype(dtype.as_numpy_dtype)
        result = getattr(mk, name)(tf.constant(x), **kwargs)
        assert isinstance(result, tf.Tensor)
        assert result.dtype == dtype
        expected = getattr(mk_np, name)(x, **kwargs)
        np.testing.assert_allclose(result.numpy(), expected, **TOLERANCE[dtype])

    @pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize(("name", "kwargs"), CASES, ids=CASE_IDS)
    def test_tf_function_matches_numpy(self, name, kwargs, dtype):
        """Inside tf.function, keyword arguments included, the values are NumPy's."""
        function = tf.function(getattr(mk, name))
        x = VALUES.astype(dtype.as_numpy_dtype)
        result = function(tf.constant(x), **kwargs)
        assert result.dtype == dtype
        np.testing.assert_allclose(result.numpy(), getattr(mk_np, name)(x, **kwargs),
                                   **TOLERANCE[dtype])

    @pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize(("num_units", "axis"), [(2, -1), (3, 1), (1, 0), (4, 2)])
    def test_maxout_matches_numpy(self, num_units, axis, dtype):
        """maxout agrees with NumPy on a 3-D input, on every axis, eagerly and in tf.function."""
        x = np.random.default_rng(1).normal(size=(4, 6, 8)).astype(dtype.as_numpy_dtype)
        expected = mk_np.maxout(x, num_units=num_units, axis=axis)
        eager = mk.maxout(tf.constant(x), num_units=num_units, axis=axis)
        traced = tf.function(mk.maxout)(tf.constant(x), num_units=num_units, axis=axis)
        for result in (eager, traced):
            assert result.dtype == dtype
            np.testing.assert_array_equal(result.numpy(), expected)

    def test_maxout_with_unknown_batch_size(self):
        """maxout traced with TensorSpec([None, 6]) works for any batch size."""
        @tf.function(input_signature=[tf.TensorSpec([None, 6], tf.float32)])
        def pool(z):
            return mk.maxout(z, num_units=3)

        for batch in (1, 5):
            x = np.random.default_rng(batch).normal(size=(batch, 6)).astype(np.float32)
            result = pool(tf.constant(x))
            assert result.shape == (batch, 3)
            np.testing.assert_array_equal(result.numpy(), mk_np.maxout(x, num_units=3))

    def test_maxout_with_unknown_batch_on_axis_0(self):
        """maxout over the known axis 1 of a (None, 4, 2) input keeps the unknown axis 0."""
        @tf.function(input_signature=[tf.TensorSpec([None, 4, 2], tf.float64)])
        def pool(z):
            return mk.maxout(z, num_units=2, axis=1)

        x = np.random.default_rng(3).normal(size=(3, 4, 2))
        np.testing.assert_array_equal(pool(tf.constant(x)).numpy(),
                                      mk_np.maxout(x, num_units=2, axis=1))

    @pytest.mark.parametrize("name", FUNCTIONS)
    def test_numpy_array_and_python_number_inputs(self, name):
        """A NumPy array or a Python number is accepted and gives a tensor of NumPy's value."""
        x = VALUES[0]
        np.testing.assert_allclose(getattr(mk, name)(x).numpy(), getattr(mk_np, name)(x),
                                   **TOLERANCE[tf.float64])
        scalar = getattr(mk, name)(1.5)
        assert scalar.shape == ()
        assert scalar.numpy() == pytest.approx(float(getattr(mk_np, name)(1.5)), rel=1e-6)

    @pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "step"])
    def test_nan_propagates(self, name):
        """A NaN input gives NaN at the same position, as in NumPy."""
        result = getattr(mk, name)(tf.constant([-1.0, np.nan, 2.0]))
        np.testing.assert_array_equal(np.isnan(result.numpy()), [False, True, False])


class TestAgainstKeras:
    @pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize(("name", "keras_call"), [
        ("sigmoid", keras.activations.sigmoid),
        ("tanh", keras.activations.tanh),
        ("relu", keras.activations.relu),
    ])
    def test_matches_keras(self, name, keras_call, dtype):
        """sigmoid, tanh and relu equal Keras's activations."""
        x = tf.constant(VALUES, dtype=dtype)
        np.testing.assert_allclose(getattr(mk, name)(x).numpy(), keras_call(x).numpy(),
                                   **TOLERANCE[dtype])

    # Keras's leaky_relu is tf.nn.leaky_relu, whose slope is a float32 attribute: in float64
    # it is an exact oracle only for slopes that float32 holds exactly.
    @pytest.mark.parametrize(("slope", "dtype"), [
        (0.01, tf.float32), (0.2, tf.float32), (0.5, tf.float32),
        (0.25, tf.float64), (0.5, tf.float64), (-0.125, tf.float64),
    ])
    def test_leaky_relu_matches_keras(self, slope, dtype):
        """leaky_relu(x, negative_slope) equals keras.activations.leaky_relu with the same slope."""
        x = tf.constant(VALUES, dtype=dtype)
        expected = keras.activations.leaky_relu(x, negative_slope=slope)
        np.testing.assert_allclose(mk.leaky_relu(x, negative_slope=slope).numpy(),
                                   expected.numpy(), **TOLERANCE[dtype])

    @pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["float32", "float64"])
    @pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0, 0.3])
    def test_elu_matches_keras(self, alpha, dtype):
        """elu(x, alpha) equals keras.activations.elu with the same alpha."""
        x = tf.constant(VALUES, dtype=dtype)
        expected = keras.activations.elu(x, alpha=alpha)
        np.testing.assert_allclose(mk.elu(x, alpha=alpha).numpy(), expected.numpy(),
                                   **TOLERANCE[dtype])


def tape_derivative(f, x):
    """Derivative of an elementwise TensorFlow ``f`` at every element of ``x``, by GradientTape."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


class TestGradientsAgainstGradientTape:
    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    @pytest.mark.parametrize(("name", "kwargs"), [
        ("step", {}), ("sigmoid", {}), ("tanh", {}), ("relu", {}),
        ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
        ("leaky_relu", {"negative_slope": -0.7}),
        ("elu", {}), ("elu", {"alpha": 0.5}), ("elu", {"alpha": 2.0}),
    ])
    def test_grad_matches_tape(self, name, kwargs, dtype):
        """f_grad(x) equals TensorFlow's automatic derivative of f, away from kinks."""
        x = SMOOTH.astype(dtype)
        expected = tape_derivative(lambda t: getattr(mk, name)(t, **kwargs), x)
        result = getattr(mk, f"{name}_grad")(tf.constant(x), **kwargs)
        assert result.dtype == expected.dtype
        tol = TOLERANCE[tf.as_dtype(dtype)]
        np.testing.assert_allclose(result.numpy(), expected.numpy(), rtol=10 * tol["rtol"],
                                   atol=tol["atol"])

    @pytest.mark.parametrize(("name", "expected"), [
        ("elu", [0.0, 1.0]), ("sigmoid", [0.0, 0.0]), ("tanh", [0.0, 0.0]),
    ])
    def test_automatic_gradient_is_finite_for_large_inputs(self, name, expected):
        """The automatic gradient at ±1000 is the limit, not NaN from inf / inf or inf * 0."""
        grad = tape_derivative(getattr(mk, name), np.array([-1000.0, 1000.0], dtype=np.float32))
        np.testing.assert_array_equal(grad.numpy(), expected)


class TestKeywordArgumentPrecision:
    @pytest.mark.parametrize(("name", "kwargs", "expected"), [
        ("leaky_relu", {"negative_slope": 0.01}, 0.01 * -2.0),
        ("leaky_relu_grad", {"negative_slope": 0.01}, 0.01),
        ("elu", {"alpha": 0.3}, 0.3 * np.expm1(-2.0)),
        ("elu_grad", {"alpha": 0.3}, 0.3 * np.exp(-2.0)),
    ], ids=["leaky_relu", "leaky_relu_grad", "elu", "elu_grad"])
    def test_float64_keeps_the_full_precision_of_the_argument(self, name, kwargs, expected):
        """In float64, negative_slope and alpha are used in float64, not rounded to float32."""
        result = getattr(mk, name)(tf.constant([-2.0], dtype=tf.float64), **kwargs)
        np.testing.assert_allclose(result.numpy(), [expected], rtol=1e-14)


class TestDtypes:
    @pytest.mark.parametrize("name", [*FUNCTIONS, "maxout"])
    @pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.float32, tf.float64],
                             ids=["float16", "bfloat16", "float32", "float64"])
    def test_float_dtype_is_kept(self, name, dtype):
        """float16, bfloat16, float32 and float64 tensors keep their dtype."""
        x = tf.constant(VALUES, dtype=dtype)
        result = mk.maxout(x, num_units=5) if name == "maxout" else getattr(mk, name)(x)
        assert result.dtype == dtype

    @pytest.mark.parametrize("name", [*FUNCTIONS, "maxout"])
    @pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.uint8, tf.bool],
                             ids=["int32", "int64", "uint8", "bool"])
    def test_integer_and_bool_become_float32(self, name, dtype):
        """Integer and boolean tensors give float32, TensorFlow's default float."""
        x = tf.cast(tf.constant([[0, 1, 1, 0]]), dtype)
        result = mk.maxout(x, num_units=2) if name == "maxout" else getattr(mk, name)(x)
        assert result.dtype == tf.float32

    @pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16], ids=["float16", "bfloat16"])
    def test_half_precision_values(self, dtype):
        """In half precision sigmoid and elu still give values close to float64."""
        x = tf.constant(VALUES, dtype=dtype)
        x64 = tf.cast(x, tf.float64).numpy()
        for name in ("sigmoid", "elu", "tanh", "leaky_relu"):
            result = tf.cast(getattr(mk, name)(x), tf.float64).numpy()
            np.testing.assert_allclose(result, getattr(mk_np, name)(x64), rtol=1e-2, atol=1e-2)

    @pytest.mark.parametrize(("name", "x", "limit"), [
        ("sigmoid", -1000.0, 0.0), ("sigmoid", 1000.0, 1.0), ("sigmoid_grad", 1000.0, 0.0),
        ("elu", 1000.0, 1000.0), ("elu", -1000.0, -1.0), ("elu_grad", -1000.0, 0.0),
    ])
    def test_extreme_inputs_give_the_limit(self, name, x, limit):
        """Large inputs give the finite limit, not inf or NaN."""
        assert getattr(mk, name)(tf.constant(x)).numpy() == pytest.approx(limit)


class TestBadInput:
    @pytest.mark.parametrize("name", [*FUNCTIONS, "maxout"])
    @pytest.mark.parametrize(("x", "message"), [
        (None, r"`x` must be a number, an array or a tensor.*Received: x=None"),
        (tf.constant(["a", "b"]), r"`x` must hold real numbers.*Received: x\.dtype=string"),
        ("abc", r"`x` must hold real numbers.*Received: x\.dtype=string"),
        (tf.constant([1 + 2j]), r"`x` must hold real numbers.*Received: x\.dtype=complex128"),
    ], ids=["None", "string-tensor", "str", "complex"])
    def test_bad_x_raises_a_clear_type_error(self, name, x, message):
        """None, string and complex inputs raise a TypeError naming `x`."""
        with pytest.raises(TypeError, match=message):
            if name == "maxout":
                mk.maxout(x, num_units=1)
            else:
                getattr(mk, name)(x)

    @pytest.mark.parametrize("name", [*FUNCTIONS, "maxout"])
    def test_ragged_x_raises_a_clear_value_error(self, name):
        """A ragged nested list raises a ValueError naming `x`, as in the NumPy backend."""
        with pytest.raises(ValueError, match=r"`x` must be a rectangular array or tensor.*list"):
            if name == "maxout":
                mk.maxout([[1.0, 2.0], [3.0]], num_units=1)
            else:
                getattr(mk, name)([[1.0, 2.0], [3.0]])

    @pytest.mark.parametrize(("name", "argument"), [
        ("leaky_relu", "negative_slope"), ("leaky_relu_grad", "negative_slope"),
        ("elu", "alpha"), ("elu_grad", "alpha"),
    ])
    @pytest.mark.parametrize("value", ["0.1", np.nan, np.inf, True])
    def test_bad_keyword_argument(self, name, argument, value):
        """A slope or alpha that is not a finite real number raises a TypeError naming it."""
        message = f"`{argument}` must be a finite real number. Received: {argument}={value!r}"
        with pytest.raises(TypeError, match=re.escape(message)):
            getattr(mk, name)(tf.constant([1.0]), **{argument: value})

    def test_maxout_num_units_not_dividing(self):
        """maxout with num_units not dividing the axis raises a ValueError naming both."""
        with pytest.raises(ValueError, match=r"`num_units` must divide the size of axis 1 of `x`. "
                                             r"Received: num_units=4, x.shape=\(2, 6\)"):
            mk.maxout(tf.zeros((2, 6)), num_units=4)

    @pytest.mark.parametrize(("kwargs", "error", "message"), [
        ({"num_units": 0}, ValueError, "`num_units` must be a positive integer"),
        ({"num_units": 2, "axis": 2}, ValueError, r"`axis` must be in \[-2, 2\)"),
        ({"num_units": 2, "axis": 1.0}, TypeError, "`axis` must be an integer"),
    ])
    def test_maxout_bad_arguments(self, kwargs, error, message):
        """maxout rejects num_units=0 and a bad axis as the NumPy version does."""
        with pytest.raises(error, match=message):
            mk.maxout(tf.zeros((2, 4)), **kwargs)

    def test_maxout_0d_input(self):
        """A 0-d tensor raises a ValueError: maxout needs an axis."""
        with pytest.raises(ValueError, match=r"`x` must have a known number of dimensions"):
            mk.maxout(tf.constant(1.0), num_units=1)

    def test_maxout_unknown_rank_in_tf_function(self):
        """Traced with an unknown rank, maxout raises a ValueError saying the rank is needed."""
        @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
        def pool(z):
            return mk.maxout(z, num_units=2)

        with pytest.raises(ValueError, match=r"known number of dimensions.*x.shape=<unknown>"):
            pool(tf.zeros((2, 4)))
