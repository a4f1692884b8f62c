"""Tests of mlkit.testing.assertions: what passes, and what each failure message says."""

import re

import numpy as np
import pytest

from mlkit.testing import assert_close, assert_gradient_close


class HasNumpy:
    """A stand-in for a tensor: anything with a ``.numpy()`` method."""

    def __init__(self, value):
        self.value = value

    def numpy(self):
        return np.asarray(self.value)


class TestAssertClosePasses:
    def test_equal(self):
        """Equal arrays pass, and the assertion returns None."""
        assert assert_close(np.array([0.5, 1.0]), [0.5, 1.0]) is None

    def test_within_tolerance(self):
        """A difference within atol + rtol * |expected| passes."""
        assert_close(np.array([1.0 + 5e-7, 2e-9]), np.array([1.0, 0.0]))
        assert_close(np.array([1.1]), np.array([1.0]), rtol=0.2)

    def test_nan_matches_nan(self):
        """A NaN where NaN is expected passes."""
        assert_close(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))

    def test_numbers_and_lists(self):
        """Python numbers and lists are accepted on both sides."""
        assert_close(0.25, 0.25)
        assert_close([[1, 2]], np.array([[1.0, 2.0]]))

    def test_object_with_numpy_method(self):
        """Anything with a .numpy() method, such as a tensor, is converted first."""
        assert_close(HasNumpy([1.0, 2.0]), [1.0, 2.0])

    def test_tensorflow_tensor(self):
        """A TensorFlow tensor is accepted as the actual value."""
        tf = pytest.importorskip("tensorflow")
        assert_close(tf.constant([0.5, 1.0]), [0.5, 1.0])
        with pytest.raises(AssertionError, match=r"first at index \(1,\)"):
            assert_close(tf.constant([0.5, 2.0]), [0.5, 1.0])

    def test_dtype_is_ignored_by_default(self):
        """float32 against float64 passes unless check_dtype is set."""
        assert_close(np.array([0.5], dtype=np.float32), np.array([0.5]))


class TestAssertCloseMessages:
    def test_none_returned(self):
        """None gets its own message: the function returned None, a return is missing."""
        with pytest.raises(AssertionError, match=r"^sigmoid\(x\) returned None\. "
                                                 r"Is a `return` statement missing"):
            assert_close(None, [1.0], name="sigmoid(x)")

    def test_not_numbers(self):
        """A string is reported as not an array of real numbers."""
        with pytest.raises(AssertionError, match=r"f\(x\) should be an array of real numbers\. "
                                                 r"Received a str"):
            assert_close("abc", [1.0], name="f(x)")

    def test_wrong_shape_names_both_shapes(self):
        """A wrong shape names the expected and the received shape."""
        with pytest.raises(AssertionError, match=re.escape(
                "f(x) is not right: wrong shape: expected shape (2, 3), received shape (6,).")):
            assert_close(np.zeros(6), np.zeros((2, 3)), name="f(x)")

    def test_transposed_hint(self):
        """A transposed result is pointed out as such."""
        with pytest.raises(AssertionError, match="That is the shape of the transpose"):
            assert_close(np.zeros((3, 2)), np.zeros((2, 3)))

    def test_no_transposed_hint_for_other_shapes(self):
        """Another wrong 2-D shape gets no transpose hint."""
        with pytest.raises(AssertionError) as info:
            assert_close(np.zeros((3, 4)), np.zeros((2, 3)))
        assert "transpose" not in str(info.value)

    def test_single_number_hint(self):
        """A single number where an array was expected is pointed out."""
        with pytest.raises(AssertionError, match="A single number came back"):
            assert_close(np.float64(1.0), np.ones(3))

    def test_wrong_dtype_with_check_dtype(self):
        """With check_dtype, a float32 result against float64 names both dtypes."""
        with pytest.raises(AssertionError, match=re.escape(
                "wrong dtype: expected float64, received float32.")):
            assert_close(np.array([0.5], dtype=np.float32), np.array([0.5]), check_dtype=True)

    @pytest.mark.parametrize(("bad", "kind"), [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "inf")])
    def test_nan_or_inf(self, bad, kind):
        """NaN or inf where a finite value is expected names the count, index and kind."""
        with pytest.raises(AssertionError, match=(
                rf"the result holds NaN or inf at 1 of 3 positions; first at index \(2,\): "
                rf"expected np\.float64\(3\.0\), received {kind}\. Overflow")):
            assert_close(np.array([1.0, 2.0, bad]), np.array([1.0, 2.0, 3.0]))

    def test_first_differing_index_and_both_values(self):
        """The message counts the differences and gives the first index with both values."""
        actual = np.array([[1.0, 2.0, 3.0], [4.0, 5.5, 6.5]])
        expected = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        with pytest.raises(AssertionError) as info:
            assert_close(actual, expected, name="h")
        message = str(info.value)
        assert message.startswith("h is not right: 2 of 6 values differ (tolerance rtol=1e-06, "
                                  "atol=1e-08); first at index (1, 1): expected 5.0, received 5.5.")
        assert "\n  expected: [[1., 2., 3.]," in message
        assert "\n  received: [[1. , 2. , 3. ]," in message

    def test_tolerance_is_reported(self):
        """The tolerances used appear in the message."""
        with pytest.raises(AssertionError, match=r"tolerance rtol=0\.01, atol=0\.5"):
            assert_close(np.array([2.0]), np.array([1.0]), rtol=0.01, atol=0.5)

    def test_likely_mistake_named(self):
        """When the result equals a listed mistake, a 'Likely mistake:' line names it."""
        x = np.array([-1.0, 0.0, 2.0])
        mistakes = {"used np.abs": np.abs(x), "forgot the square": x}
        with pytest.raises(AssertionError, match=r"\nLikely mistake: forgot the square$"):
            assert_close(x, x ** 2, mistakes=mistakes)

    def test_no_mistake_line_without_a_match(self):
        """No 'Likely mistake:' line when no listed mistake equals the result."""
        x = np.array([-1.0, 0.0, 2.0])
        with pytest.raises(AssertionError) as info:
            assert_close(x + 10.0, x ** 2, mistakes={"np.abs": np.abs(x), "too short": x[:2]})
        assert "Likely mistake" not in str(info.value)

    def test_mistake_with_a_wrong_shape(self):
        """A mistake whose value has the wrong shape is still named when the shapes match it."""
        x = np.array([-1.0, 2.0, 3.0])
        with pytest.raises(AssertionError, match=r"wrong shape(.|\n)*Likely mistake: reduced"):
            assert_close(np.max(x, axis=0), np.maximum(x, 0.0), mistakes={"reduced": np.max(x)})

    def test_mistake_with_nan(self):
        """A mistake that makes NaN is recognised (NaN matches NaN)."""
        with pytest.raises(AssertionError, match="Likely mistake: overflow"):
            assert_close(np.array([np.nan, 1.0]), np.array([1.0, 1.0]),
                         mistakes={"overflow": np.array([np.nan, 1.0])})


class TestAssertGradientClose:
    def test_right_gradient_passes(self):
        """The analytic gradient of x**2, 2x, passes."""
        x = np.array([0.5, -1.5, 2.0])
        assert assert_gradient_close(2 * x, lambda x: x ** 2, x) is None

    def test_right_gradient_with_upstream_passes(self):
        """X.T @ U passes as the gradient of X @ W with upstream U."""
        rng = np.random.default_rng(0)
        X, W, U = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=(3, 4))
        assert_gradient_close(X.T @ U, lambda W: X @ W, W, upstream=U)

    def test_wrong_gradient_names_the_relative_error(self):
        """A gradient off by a factor gives the relative error and the first difference."""
        x = np.array([0.5, -1.5, 2.0])
        with pytest.raises(AssertionError) as info:
            assert_gradient_close(x, lambda x: x ** 2, x, name="d/dx x**2")
        message = str(info.value)
        # x against 2x: |x - 2x| / (|x| + |2x|) = 1/3 everywhere
        assert message.startswith("d/dx x**2 does not match the numerical gradient: "
                                  "relative error 0.333, should be below 1e-06.")
        first = re.search(r"first at index \(0,\): expected ([-0-9.e]+), received 0\.5\.", message)
        assert first is not None
        assert float(first.group(1)) == pytest.approx(1.0, rel=1e-8)

    def test_slightly_wrong_gradient(self):
        """A gradient within 1e-4 but above tol still fails, naming the relative error."""
        x = np.array([0.5, -1.5])
        with pytest.raises(AssertionError, match=r"^the gradient does not match the numerical "
                                                 r"gradient: relative error 5e-06"):
            assert_gradient_close(2 * x * (1 + 1e-5), lambda x: x ** 2, x)

    def test_tol_is_used(self):
        """A looser tol accepts the same slightly wrong gradient."""
        x = np.array([0.5, -1.5])
        assert_gradient_close(2 * x * (1 + 1e-5), lambda x: x ** 2, x, tol=1e-4)

    def test_wrong_shape(self):
        """A gradient of the wrong shape says so."""
        with pytest.raises(AssertionError, match=r"does not match the numerical gradient\.\n"
                                                 r".*wrong shape: expected shape \(3,\)"):
            assert_gradient_close(np.zeros(2), lambda x: x ** 2, np.ones(3))

    def test_none(self):
        """A gradient function that returned None says so."""
        with pytest.raises(AssertionError, match="the gradient returned None"):
            assert_gradient_close(None, lambda x: x ** 2, np.ones(3))

    def test_names_the_likely_mistake(self):
        """The mistakes mapping is used for gradients too."""
        x = np.array([0.5, -1.5, 2.0])
        with pytest.raises(AssertionError, match="Likely mistake: forgot the factor 2"):
            assert_gradient_close(x, lambda x: x ** 2, x, mistakes={"forgot the factor 2": x})
