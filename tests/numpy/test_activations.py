"""Tests of mlkit.numpy.activations against hand-computed values and finite differences.

The oracles are independent of mlkit: values written as formulas with
:mod:`math`, loops over a small array for maxout, and a centred-difference
helper written here rather than :mod:`mlkit.testing`'s.
"""

import math
import re
import warnings
from typing import ClassVar

import numpy as np
import pytest

from mlkit import numpy as mk

FUNCTIONS = [
    "step", "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "elu", "elu_grad", "maxout",
]
ELEMENTWISE = [name for name in FUNCTIONS if name != "maxout"]
GRADIENTS = [name for name in FUNCTIONS if name.endswith("_grad")]

# Points at least 0.2 away from the kinks at 0 of step, relu, leaky_relu and elu.
SMOOTH_POINTS = np.array([-4.0, -1.3, -0.2, 0.4, 1.7, 5.0])


def call(name, x):
    """Call the function ``name`` on ``x``; maxout gets one unit per two pieces of the last axis."""
    if name == "maxout":
        return mk.maxout(x, num_units=np.shape(x)[-1] // 2)
    return getattr(mk, name)(x)


def centred_difference(f, x, h=1e-6):
    """Derivative of an elementwise ``f`` at every element of ``x``, by centred differences."""
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2.0 * h)


def sigmoid_formula(x):
    """1 / (1 + e^-x) for one Python float."""
    return 1.0 / (1.0 + math.exp(-x))


class TestValues:
    def test_sigmoid_hand_computed(self):
        """sigmoid is 1/2 at 0 and 1 / (1 + e^-x) elsewhere."""
        x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
        expected = [sigmoid_formula(v) for v in x]
        assert mk.sigmoid(0.0) == 0.5
        np.testing.assert_allclose(mk.sigmoid(x), expected, rtol=1e-15)
        np.testing.assert_allclose(mk.sigmoid(1.0), 1.0 / (1.0 + math.exp(-1.0)), rtol=1e-15)

    def test_sigmoid_is_symmetric(self):
        """sigmoid(-x) = 1 - sigmoid(x)."""
        x = np.linspace(-6.0, 6.0, 13)
        np.testing.assert_allclose(mk.sigmoid(-x), 1.0 - mk.sigmoid(x), atol=1e-15)

    def test_sigmoid_grad_hand_computed(self):
        """sigmoid_grad is 1/4 at 0 and s(1 - s) with s = sigmoid(x)."""
        assert mk.sigmoid_grad(0.0) == 0.25
        s = sigmoid_formula(1.5)
        np.testing.assert_allclose(mk.sigmoid_grad(1.5), s * (1.0 - s), rtol=1e-14)

    def test_tanh_hand_computed(self):
        """tanh is 0 at 0 and (e^x - e^-x) / (e^x + e^-x) elsewhere."""
        x = [-2.0, -0.5, 0.0, 1.0, 3.0]
        expected = [(math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v)) for v in x]
        np.testing.assert_allclose(mk.tanh(np.array(x)), expected, rtol=1e-14, atol=1e-16)

    def test_tanh_grad_hand_computed(self):
        """tanh_grad is 1 at 0 and 1 - tanh(x)^2 elsewhere."""
        assert mk.tanh_grad(0.0) == 1.0
        np.testing.assert_allclose(mk.tanh_grad(0.7), 1.0 - math.tanh(0.7) ** 2, rtol=1e-14)

    def test_relu(self):
        """relu keeps positive values and turns the others to 0."""
        np.testing.assert_array_equal(mk.relu(np.array([-3.0, -0.5, 0.0, 0.5, 3.0])),
                                      [0.0, 0.0, 0.0, 0.5, 3.0])

    def test_relu_grad(self):
        """relu_grad is 1 for x > 0 and 0 for x <= 0, 0 at the kink itself."""
        np.testing.assert_array_equal(mk.relu_grad(np.array([-3.0, 0.0, 1e-300, 3.0])),
                                      [0.0, 0.0, 1.0, 1.0])

    def test_step(self):
        """step is 1 for x > 0 and 0 elsewhere, including at 0 and -0."""
        np.testing.assert_array_equal(mk.step(np.array([-2.0, -0.0, 0.0, 1e-300, 7.0])),
                                      [0.0, 0.0, 0.0, 1.0, 1.0])
        assert mk.step(0.0) == 0.0

    def test_step_grad_is_zero(self):
        """step_grad is 0 everywhere."""
        np.testing.assert_array_equal(mk.step_grad(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 0.0])

    @pytest.mark.parametrize("slope", [0.01, 0.1, 0.3, -0.5, 2.0])
    def test_leaky_relu_with_given_slope(self, slope):
        """leaky_relu is x for x > 0 and slope * x for x <= 0."""
        x = np.array([-4.0, -1.0, 0.0, 0.5, 3.0])
        expected = [slope * -4.0, slope * -1.0, 0.0, 0.5, 3.0]
        np.testing.assert_allclose(mk.leaky_relu(x, negative_slope=slope), expected, rtol=1e-15)

    def test_leaky_relu_default_slope_is_001(self):
        """The default negative_slope is 0.01 (Maas et al.), not Keras's 0.2."""
        assert mk.leaky_relu(-2.0) == pytest.approx(-0.02, rel=1e-15)
        assert mk.leaky_relu_grad(-2.0) == pytest.approx(0.01, rel=1e-15)

    @pytest.mark.parametrize("slope", [0.01, 0.3, -0.5])
    def test_leaky_relu_grad_with_given_slope(self, slope):
        """leaky_relu_grad is 1 for x > 0 and slope for x <= 0, including at 0."""
        x = np.array([-4.0, 0.0, 0.5])
        np.testing.assert_allclose(mk.leaky_relu_grad(x, negative_slope=slope), [slope, slope, 1.0])

    @pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
    def test_elu_with_given_alpha(self, alpha):
        """elu is x for x > 0 and alpha (e^x - 1) for x <= 0."""
        x = [-3.0, -1.0, -1e-3, 0.0, 0.5, 2.0]
        expected = [v if v > 0 else alpha * (math.exp(v) - 1.0) for v in x]
        np.testing.assert_allclose(mk.elu(np.array(x), alpha=alpha), expected, rtol=1e-13)

    @pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
    def test_elu_grad_with_given_alpha(self, alpha):
        """elu_grad is 1 for x > 0 and alpha e^x for x <= 0 (alpha at 0)."""
        x = [-3.0, -1.0, 0.0, 0.5, 2.0]
        expected = [1.0 if v > 0 else alpha * math.exp(v) for v in x]
        np.testing.assert_allclose(mk.elu_grad(np.array(x), alpha=alpha), expected, rtol=1e-14)

    def test_elu_is_accurate_near_zero(self):
        """elu(-1e-10) is -1e-10 to full precision (expm1, not exp - 1)."""
        assert mk.elu(-1e-10) == pytest.approx(math.expm1(-1e-10), rel=1e-15)


class TestMaxout:
    def test_two_units_on_the_last_axis(self):
        """Pieces (1, 5) and (-2, -3) give units 5 and -2, row by row."""
        x = np.array([[1.0, 5.0, -2.0, -3.0],
                      [0.0, -1.0, 4.0, 2.0]])
        np.testing.assert_array_equal(mk.maxout(x, num_units=2), [[5.0, -2.0], [0.0, 4.0]])

    def test_axis_0(self):
        """With axis=0 the pieces are consecutive rows."""
        x = np.array([[1.0, 0.0],
                      [5.0, -1.0],
                      [-2.0, 4.0],
                      [-3.0, 2.0]])
        np.testing.assert_array_equal(mk.maxout(x, num_units=2, axis=0), [[5.0, 0.0], [-2.0, 4.0]])

    def test_one_unit_is_the_maximum_and_one_piece_is_identity(self):
        """num_units=1 takes the maximum of the axis; one piece per unit changes nothing."""
        x = np.array([[3.0, -1.0, 7.0, 2.0, 0.0, 6.0]])
        np.testing.assert_array_equal(mk.maxout(x, num_units=1), [[7.0]])
        np.testing.assert_array_equal(mk.maxout(x, num_units=6), x)

    def test_groups_are_consecutive_not_strided(self):
        """Units take consecutive pieces: (a, b, c) and (d, e, f), not (a, c, e) and (b, d, f)."""
        x = np.array([9.0, 0.0, 0.0, 0.0, 0.0, 8.0])
        np.testing.assert_array_equal(mk.maxout(x, num_units=2), [9.0, 8.0])

    @pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
    def test_3d_input_against_loops(self, axis):
        """On a (4, 6, 2) input every output unit is the max of its group, on any axis."""
        rng = np.random.default_rng(0)
        x = rng.normal(size=(4, 6, 2))
        size = x.shape[axis]
        num_units = 2
        k = size // num_units
        out = mk.maxout(x, num_units=num_units, axis=axis)
        expected_shape = list(x.shape)
        expected_shape[axis] = num_units
        assert out.shape == tuple(expected_shape)
        moved_x = np.moveaxis(x, axis, 0)
        moved_out = np.moveaxis(out, axis, 0)
        for unit in range(num_units):
            for index in np.ndindex(moved_x.shape[1:]):
                pieces = [moved_x[(unit * k + j, *index)] for j in range(k)]
                assert moved_out[(unit, *index)] == max(pieces)

    def test_3d_hand_worked(self):
        """A (1, 4, 2) input pooled in pairs along axis 1."""
        x = np.array([[[1.0, -1.0],
                       [2.0, -3.0],
                       [0.0, 5.0],
                       [-4.0, 4.0]]])
        np.testing.assert_array_equal(mk.maxout(x, num_units=2, axis=1),
                                      [[[2.0, -1.0], [0.0, 5.0]]])

    def test_maxout_with_zero_piece_is_relu(self):
        """A unit with pieces (x, 0) is a ReLU."""
        z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
        pieces = np.stack([z, np.zeros_like(z)], axis=-1)
        np.testing.assert_array_equal(mk.maxout(pieces, num_units=1)[..., 0], mk.relu(z))

    def test_num_units_not_dividing_the_axis(self):
        """num_units that does not divide the axis raises a ValueError naming both."""
        with pytest.raises(ValueError, match=r"`num_units` must divide the size of axis 1 of `x`. "
                                             r"Received: num_units=4, x.shape=\(2, 6\)"):
            mk.maxout(np.zeros((2, 6)), num_units=4)

    @pytest.mark.parametrize("num_units", [0, -2, 2.0, True, "2", None])
    def test_num_units_not_a_positive_integer(self, num_units):
        """num_units of 0, negative, float, bool or str raises a ValueError naming it."""
        message = f"`num_units` must be a positive integer. Received: num_units={num_units!r}"
        with pytest.raises(ValueError, match=re.escape(message)):
            mk.maxout(np.zeros((2, 4)), num_units=num_units)

    def test_0d_input(self):
        """A 0-d input raises a ValueError: maxout needs an axis."""
        with pytest.raises(ValueError, match=r"`x` must have a known number of dimensions, "
                                             r"at least one.*x.shape=\(\)"):
            mk.maxout(3.0, num_units=1)

    @pytest.mark.parametrize("axis", [2, -3, 10])
    def test_axis_out_of_range(self, axis):
        """An axis outside [-ndim, ndim) raises a ValueError giving the range."""
        message = f"`axis` must be in [-2, 2) for an input with 2 dimensions. Received: axis={axis}"
        with pytest.raises(ValueError, match=re.escape(message)):
            mk.maxout(np.zeros((2, 4)), num_units=2, axis=axis)

    @pytest.mark.parametrize("axis", [1.0, "1", None, True])
    def test_axis_not_an_integer(self, axis):
        """A non-integer axis raises a TypeError naming it."""
        with pytest.raises(TypeError, match=re.escape(
                f"`axis` must be an integer. Received: axis={axis!r}")):
            mk.maxout(np.zeros((2, 4)), num_units=2, axis=axis)


class TestGradients:
    @pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "step"])
    def test_grad_matches_finite_differences(self, name):
        """f_grad(x) equals the centred difference of f at points away from 0."""
        f, f_grad = getattr(mk, name), getattr(mk, f"{name}_grad")
        np.testing.assert_allclose(f_grad(SMOOTH_POINTS), centred_difference(f, SMOOTH_POINTS),
                                   rtol=1e-7, atol=1e-10)

    @pytest.mark.parametrize("slope", [0.01, 0.2, -0.5, 1.5])
    def test_leaky_relu_grad_matches_finite_differences(self, slope):
        """leaky_relu_grad equals the centred difference of leaky_relu, for the same slope."""
        def f(x):
            return mk.leaky_relu(x, negative_slope=slope)
        np.testing.assert_allclose(mk.leaky_relu_grad(SMOOTH_POINTS, negative_slope=slope),
                                   centred_difference(f, SMOOTH_POINTS), rtol=1e-7, atol=1e-10)

    @pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
    def test_elu_grad_matches_finite_differences(self, alpha):
        """elu_grad equals the centred difference of elu, for the same alpha."""
        def f(x):
            return mk.elu(x, alpha=alpha)
        np.testing.assert_allclose(mk.elu_grad(SMOOTH_POINTS, alpha=alpha),
                                   centred_difference(f, SMOOTH_POINTS), rtol=1e-7, atol=1e-10)

    def test_grads_on_a_2d_array(self):
        """Gradients work elementwise on a matrix, not only on vectors."""
        x = SMOOTH_POINTS.reshape(2, 3)
        np.testing.assert_allclose(mk.sigmoid_grad(x), centred_difference(mk.sigmoid, x),
                                   rtol=1e-7)


class TestNumericalStability:
    # Underflow (e^-1000 rounding to 0) is the right answer, not an instability, and
    # NumPy ignores it by default; every other floating-point problem raises here.
    STRICT: ClassVar = {"all": "raise", "under": "ignore"}

    @pytest.mark.parametrize(("name", "x", "limit"), [
        ("sigmoid", -1000.0, 0.0),
        ("sigmoid", 1000.0, 1.0),
        ("sigmoid_grad", -1000.0, 0.0),
        ("sigmoid_grad", 1000.0, 0.0),
        ("elu", 1000.0, 1000.0),
        ("elu", -1000.0, -1.0),
        ("elu_grad", 1000.0, 1.0),
        ("elu_grad", -1000.0, 0.0),
        ("tanh", -1000.0, -1.0),
        ("tanh_grad", 1000.0, 0.0),
        ("leaky_relu", -1e308, -1e306),
    ])
    def test_extreme_inputs_give_the_limit_without_warning(self, name, x, limit):
        """Large inputs give the right limit with no overflow, division or invalid warning."""
        with warnings.catch_warnings(), np.errstate(**self.STRICT):
            warnings.simplefilter("error")
            scalar = getattr(mk, name)(x)
            result = getattr(mk, name)(np.array([x, -x, 0.5 * x]))
        assert np.all(np.isfinite(result))
        assert scalar == pytest.approx(limit, rel=1e-12, abs=1e-300)
        assert result[0] == scalar

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_sigmoid_extremes_in_every_float_dtype(self, dtype):
        """sigmoid(±1000) is exactly 0 and 1 in half, single and double precision."""
        x = np.array([-1000.0, 1000.0], dtype=dtype)
        with warnings.catch_warnings(), np.errstate(**self.STRICT):
            warnings.simplefilter("error")
            np.testing.assert_array_equal(mk.sigmoid(x), [0.0, 1.0])
            np.testing.assert_array_equal(mk.elu(x), [-1.0, 1000.0])

    def test_no_warning_with_default_error_state(self):
        """With NumPy's default error state, no function warns for ±1000."""
        x = np.array([-1000.0, 1000.0])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for name in ELEMENTWISE:
                assert np.all(np.isfinite(getattr(mk, name)(x))), name


class TestDtypesAndShapes:
    @pytest.mark.parametrize("name", FUNCTIONS)
    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_float_dtype_is_kept(self, name, dtype):
        """A float16, float32 or float64 input gives a result of the same dtype."""
        x = np.array([[-2.0, -0.5, 0.5, 3.0]], dtype=dtype)
        assert call(name, x).dtype == dtype

    @pytest.mark.parametrize("name", FUNCTIONS)
    @pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.bool_])
    def test_integer_and_bool_become_float64(self, name, dtype):
        """Integer and boolean inputs give float64 results."""
        x = np.array([[0, 1, 1, 0]], dtype=dtype)
        assert call(name, x).dtype == np.float64

    def test_integer_input_gives_the_float_values(self):
        """An integer array gives the same values as the same floats."""
        np.testing.assert_array_equal(mk.sigmoid(np.array([-1, 0, 2])),
                                      mk.sigmoid(np.array([-1.0, 0.0, 2.0])))

    @pytest.mark.parametrize("name", ELEMENTWISE)
    @pytest.mark.parametrize("x", [0, 0.5, -2, True, np.float64(1.5), np.array(0.5)])
    def test_scalars_give_0d_results(self, name, x):
        """A Python number or a 0-d array gives a 0-d (scalar) float result."""
        result = getattr(mk, name)(x)
        assert np.ndim(result) == 0
        assert np.asarray(result).dtype == np.float64

    def test_float32_scalar_keeps_its_dtype(self):
        """A NumPy float32 scalar gives a float32 scalar."""
        result = mk.sigmoid(np.float32(0.0))
        assert np.ndim(result) == 0
        assert result.dtype == np.float32
        assert result == 0.5

    @pytest.mark.parametrize("name", ELEMENTWISE)
    @pytest.mark.parametrize("shape", [(0,), (3,), (2, 3, 4)])
    def test_shape_is_kept(self, name, shape):
        """Elementwise functions return the shape of their input, empty arrays included."""
        x = np.linspace(-3.0, 3.0, num=math.prod(shape)).reshape(shape)
        assert getattr(mk, name)(x).shape == shape

    @pytest.mark.parametrize("name", ELEMENTWISE)
    def test_nested_lists_are_accepted(self, name):
        """A nested list of numbers is accepted like the equivalent array."""
        x = [[-1.5, 0.5], [2.0, -0.25]]
        np.testing.assert_array_equal(getattr(mk, name)(x), getattr(mk, name)(np.array(x)))

    @pytest.mark.parametrize("name", ELEMENTWISE)
    def test_input_is_not_modified(self, name):
        """The input array is left unchanged."""
        x = np.array([-2.0, 0.0, 3.0])
        getattr(mk, name)(x)
        np.testing.assert_array_equal(x, [-2.0, 0.0, 3.0])


class TestNaN:
    @pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "step", "step_grad", "relu_grad",
                                      "sigmoid_grad", "tanh_grad", "leaky_relu", "elu"])
    def test_nan_propagates(self, name):
        """A NaN input gives NaN at the same position and leaves the others finite."""
        result = getattr(mk, name)(np.array([-1.0, np.nan, 2.0]))
        np.testing.assert_array_equal(np.isnan(result), [False, True, False])


BAD_INPUTS = [
    pytest.param(None, TypeError, r"`x` must be a number or an array.*Received: x=None", id="None"),
    pytest.param("abc", TypeError, r"`x` must hold real numbers.*Received: x\.dtype=<U3", id="str"),
    pytest.param(["1", "2"], TypeError, r"`x` must hold real numbers.*x\.dtype=<U1", id="strs"),
    pytest.param(1 + 2j, TypeError, r"`x` must hold real numbers.*x\.dtype=complex128",
                 id="complex"),
    pytest.param(np.array([1.0, None], dtype=object), TypeError,
                 r"`x` must hold real numbers.*x\.dtype=object", id="object"),
    pytest.param([[1.0, 2.0], [3.0]], ValueError,
                 r"`x` must be a rectangular array.*Received a ragged list", id="ragged"),
]


class TestBadInput:
    @pytest.mark.parametrize("name", FUNCTIONS)
    @pytest.mark.parametrize(("x", "error", "message"), BAD_INPUTS)
    def test_bad_x_raises_a_clear_error(self, name, x, error, message):
        """None, strings, complex, object arrays and ragged lists raise an error naming `x`."""
        with pytest.raises(error, match=message):
            if name == "maxout":
                mk.maxout(x, num_units=1)
            else:
                getattr(mk, name)(x)

    @pytest.mark.parametrize("name", ["leaky_relu", "leaky_relu_grad"])
    @pytest.mark.parametrize("slope", ["0.1", math.nan, math.inf, -math.inf, True, None,
                                       np.array([0.1]), 1 + 0j])
    def test_negative_slope_not_a_finite_real(self, name, slope):
        """A negative_slope that is not a finite real number raises a TypeError naming it."""
        message = ("`negative_slope` must be a finite real number. "
                   f"Received: negative_slope={slope!r}")
        with pytest.raises(TypeError, match=re.escape(message)):
            getattr(mk, name)(np.array([-1.0, 1.0]), negative_slope=slope)

    @pytest.mark.parametrize("name", ["elu", "elu_grad"])
    @pytest.mark.parametrize("alpha", ["1.0", math.nan, math.inf, False, None])
    def test_alpha_not_a_finite_real(self, name, alpha):
        """An alpha that is not a finite real number raises a TypeError naming it."""
        message = f"`alpha` must be a finite real number. Received: alpha={alpha!r}"
        with pytest.raises(TypeError, match=re.escape(message)):
            getattr(mk, name)(np.array([-1.0, 1.0]), alpha=alpha)

    @pytest.mark.parametrize("slope", [1, np.float32(0.25), np.int64(2)])
    def test_numpy_and_integer_slopes_are_accepted(self, slope):
        """Integers and NumPy scalars are real numbers and are accepted as negative_slope."""
        assert mk.leaky_relu(-2.0, negative_slope=slope) == pytest.approx(-2.0 * float(slope))
