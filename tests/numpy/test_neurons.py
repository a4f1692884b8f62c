"""Tests of mlkit.numpy.neurons against hand-computed truth tables and plain Python loops.

The oracles are independent of mlkit: truth tables written out by hand, and
weighted sums computed one number at a time in Python. Random inputs and
weights are multiples of 1/4, so every weighted sum is exact in float64 and no
example sits on the threshold by rounding.
"""

import re

import numpy as np
import pytest

from mlkit import numpy as mk

# The four corners of the unit square, in the order of a truth table.
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def quarters(rng, shape, low=-8, high=8):
    """Random multiples of 1/4 in [low/4, high/4): sums of a few of them are exact."""
    return rng.integers(low, high, size=shape) / 4.0


def python_tlu(x, w, b):
    """One unit on one example, one number at a time."""
    return 1.0 if sum(xi * wi for xi, wi in zip(x, w, strict=True)) + b > 0 else 0.0


class TestTLU:
    @pytest.mark.parametrize(("w", "b", "table"), [
        ([1.0, 1.0], -1.5, [0.0, 0.0, 0.0, 1.0]),    # AND
        ([1.0, 1.0], -0.5, [0.0, 1.0, 1.0, 1.0]),    # OR
        ([-1.0, -1.0], 1.5, [1.0, 1.0, 1.0, 0.0]),   # NAND
        ([-1.0, -1.0], 0.5, [1.0, 0.0, 0.0, 0.0]),   # NOR
        ([2.0, 2.0], -3.0, [0.0, 0.0, 0.0, 1.0]),    # AND, scaled
        ([1.0, 0.0], -0.5, [0.0, 0.0, 1.0, 1.0]),    # the first input only
    ], ids=["AND", "OR", "NAND", "NOR", "AND-scaled", "first-input"])
    def test_truth_tables_of_two_inputs(self, w, b, table):
        """Hand-chosen weights give the hand-written truth table on the four corners."""
        np.testing.assert_array_equal(mk.tlu(CORNERS, np.array(w), b), table)

    def test_not(self):
        """A single input with weight -1 and bias 0.5 is NOT: 0 -> 1, 1 -> 0."""
        np.testing.assert_array_equal(mk.tlu(np.array([[0.0], [1.0]]), np.array([-1.0]), 0.5),
                                      [1.0, 0.0])

    def test_does_not_fire_at_exactly_zero(self):
        """With w·x + b = 0 the unit stays silent: it fires only when the sum is positive."""
        w, b = np.array([1.0, 1.0]), -1.0   # z = 0 for (0, 1) and (1, 0)
        np.testing.assert_array_equal(mk.tlu(CORNERS, w, b), [0.0, 0.0, 0.0, 1.0])
        assert mk.tlu(np.array([0.5, 0.5]), w, b) == 0.0
        assert mk.tlu(np.array([0.5, 0.75]), w, b) == 1.0

    def test_one_example_gives_a_scalar(self):
        """An input of shape (n_inputs,) gives a result of shape ()."""
        result = mk.tlu(np.array([1.0, -2.0, 0.5]), np.array([0.5, 0.25, 2.0]), 0.25)
        assert np.shape(result) == ()
        assert result == 1.0   # 0.5 - 0.5 + 1.0 + 0.25 = 1.25 > 0

    def test_batch_of_three_inputs_by_hand(self):
        """A batch of shape (3, 3) gives shape (3,), each row's sum worked out by hand."""
        X = np.array([[1.0, 2.0, 3.0],      # 1 - 4 + 3 + 0.5 = 0.5   -> 1
                      [0.0, 1.0, 1.0],      # 0 - 2 + 1 + 0.5 = -0.5  -> 0
                      [2.0, 0.0, -1.0]])    # 2 + 0 - 1 + 0.5 = 1.5   -> 1
        result = mk.tlu(X, np.array([1.0, -2.0, 1.0]), 0.5)
        np.testing.assert_array_equal(result, [1.0, 0.0, 1.0])

    @pytest.mark.parametrize("seed", range(5))
    def test_random_batches_against_a_python_loop(self, seed):
        """On random batches every output equals the weighted sum computed number by number."""
        rng = np.random.default_rng(seed)
        n_inputs = int(rng.integers(1, 6))
        X, w = quarters(rng, (7, n_inputs)), quarters(rng, n_inputs)
        b = float(quarters(rng, ()))
        expected = [python_tlu(x, w, b) for x in X]
        np.testing.assert_array_equal(mk.tlu(X, w, b), expected)

    @pytest.mark.parametrize("b", [-1.5, np.float32(-1.5), np.float64(-1.5), np.array(-1.5), -1])
    def test_bias_as_any_kind_of_number(self, b):
        """The bias can be a Python number, a NumPy scalar or a 0-d array."""
        np.testing.assert_array_equal(mk.tlu(CORNERS, np.array([1.0, 1.0]), b), [0, 0, 0, 1])

    def test_lists_are_accepted(self):
        """Nested lists work like arrays."""
        np.testing.assert_array_equal(mk.tlu([[0, 1], [1, 1]], [1, 1], -1.5), [0.0, 1.0])

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_float_dtype_of_x_is_kept(self, dtype):
        """The result has the float dtype of x, whatever the dtype of w."""
        result = mk.tlu(CORNERS.astype(dtype), np.array([1.0, 1.0]), -1.5)
        assert result.dtype == dtype
        assert mk.tlu(CORNERS[0].astype(dtype), np.array([1.0, 1.0]), 0.5).dtype == dtype

    @pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_])
    def test_integer_and_bool_inputs_give_float64(self, dtype):
        """Integer and boolean inputs give float64 outputs 0.0 and 1.0."""
        result = mk.tlu(CORNERS.astype(dtype), np.array([1.0, 1.0]), -1.5)
        assert result.dtype == np.float64
        np.testing.assert_array_equal(result, [0.0, 0.0, 0.0, 1.0])

    def test_empty_batch(self):
        """A batch of no examples, shape (0, n_inputs), gives shape (0,)."""
        assert mk.tlu(np.zeros((0, 3)), np.ones(3), 0.0).shape == (0,)

    def test_inputs_are_not_modified(self):
        """x, w and b are left unchanged."""
        X, w, b = CORNERS.copy(), np.array([1.0, 1.0]), np.array(-1.5)
        mk.tlu(X, w, b)
        np.testing.assert_array_equal(X, CORNERS)
        np.testing.assert_array_equal(w, [1.0, 1.0])
        assert b == -1.5


class TestTLULayer:
    W_GATES = np.array([[1.0, 1.0, -1.0],
                        [1.0, 1.0, -1.0]])   # columns: AND, OR, NAND
    B_GATES = np.array([-1.5, -0.5, 1.5])

    def test_and_or_nand_at_once(self):
        """One product computes the AND, OR and NAND columns of the truth table."""
        expected = [[0.0, 0.0, 1.0],
                    [0.0, 1.0, 1.0],
                    [0.0, 1.0, 1.0],
                    [1.0, 1.0, 0.0]]
        np.testing.assert_array_equal(mk.tlu_layer(CORNERS, self.W_GATES, self.B_GATES), expected)

    @pytest.mark.parametrize("seed", range(5))
    def test_equals_a_loop_over_units_of_tlu(self, seed):
        """Column j of the layer's output is tlu with column j of W and b[j]."""
        rng = np.random.default_rng(10 + seed)
        n, n_inputs, n_units = 6, int(rng.integers(1, 5)), int(rng.integers(1, 5))
        X, W = quarters(rng, (n, n_inputs)), quarters(rng, (n_inputs, n_units))
        b = quarters(rng, n_units)
        H = mk.tlu_layer(X, W, b)
        assert H.shape == (n, n_units)
        for j in range(n_units):
            np.testing.assert_array_equal(H[:, j], mk.tlu(X, W[:, j], b[j]))

    @pytest.mark.parametrize("seed", range(3))
    def test_random_layers_against_a_python_loop(self, seed):
        """Every entry equals the weighted sum of its row and column, computed number by number."""
        rng = np.random.default_rng(20 + seed)
        X, W, b = quarters(rng, (5, 4)), quarters(rng, (4, 3)), quarters(rng, 3)
        expected = [[python_tlu(x, W[:, j], b[j]) for j in range(3)] for x in X]
        np.testing.assert_array_equal(mk.tlu_layer(X, W, b), expected)

    def test_bias_belongs_to_the_units_not_the_examples(self):
        """With as many examples as units, b is still added per column (per unit)."""
        X = np.zeros((2, 2))                     # every weighted sum is 0: the bias decides
        b = np.array([1.0, -1.0])                 # unit 0 fires, unit 1 does not
        np.testing.assert_array_equal(mk.tlu_layer(X, np.eye(2), b), [[1.0, 0.0], [1.0, 0.0]])

    def test_one_example_gives_one_row(self):
        """An input of shape (n_inputs,) gives shape (n_units,): the row of that example."""
        for i, x in enumerate(CORNERS):
            result = mk.tlu_layer(x, self.W_GATES, self.B_GATES)
            assert result.shape == (3,)
            np.testing.assert_array_equal(
                result, mk.tlu_layer(CORNERS, self.W_GATES, self.B_GATES)[i])

    def test_one_unit_is_tlu(self):
        """A layer of one unit gives tlu's outputs as a column."""
        H = mk.tlu_layer(CORNERS, np.array([[1.0], [1.0]]), np.array([-1.5]))
        np.testing.assert_array_equal(H, mk.tlu(CORNERS, np.array([1.0, 1.0]), -1.5)[:, None])

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
    def test_float_dtype_of_the_inputs_is_kept(self, dtype):
        """The result has the float dtype of X."""
        assert mk.tlu_layer(CORNERS.astype(dtype), self.W_GATES, self.B_GATES).dtype == dtype

    def test_integer_inputs_give_float64(self):
        """Integer inputs and weights give float64 outputs."""
        H = mk.tlu_layer(CORNERS.astype(int), [[1, 1], [1, 1]], [-1, 0])
        assert H.dtype == np.float64
        np.testing.assert_array_equal(H, [[0, 0], [0, 1], [0, 1], [1, 1]])

    def test_empty_batch(self):
        """A batch of no examples, shape (0, n_inputs), gives shape (0, n_units)."""
        assert mk.tlu_layer(np.zeros((0, 2)), self.W_GATES, self.B_GATES).shape == (0, 3)


def message(text):
    """A regular expression matching ``text`` literally."""
    return re.escape(text)


class TestBadShapes:
    @pytest.mark.parametrize(("x", "w", "b", "text"), [
        (np.zeros((4, 3)), np.zeros(2), 0.0,
         "`w` must have shape (n_inputs,) with n_inputs = 3 from `x`. Received: w.shape=(2,)"),
        (np.zeros(3), np.zeros(2), 0.0,
         "`w` must have shape (n_inputs,) with n_inputs = 3 from `x`. Received: w.shape=(2,)"),
        (np.zeros((4, 2)), np.zeros((2, 1)), 0.0,
         "`w` must have shape (n_inputs,) with n_inputs = 2 from `x`. Received: w.shape=(2, 1)"),
        (np.zeros((4, 2)), np.zeros(2), np.zeros(1),
         "`b` must have shape () (a single number). Received: b.shape=(1,)"),
        (np.zeros((4, 2)), np.zeros(2), np.zeros(4),
         "`b` must have shape () (a single number). Received: b.shape=(4,)"),
        (np.zeros((2, 4, 2)), np.zeros(2), 0.0,
         "`x` must have shape (n_inputs,) or (n, n_inputs). Received: x.shape=(2, 4, 2)"),
        (1.0, np.zeros(1), 0.0,
         "`x` must have shape (n_inputs,) or (n, n_inputs). Received: x.shape=()"),
    ], ids=["w-too-short", "w-too-short-one-example", "w-column", "b-of-shape-1", "b-per-example",
            "x-3d", "x-scalar"])
    def test_tlu_bad_shapes(self, x, w, b, text):
        """tlu raises a ValueError naming the argument, the shape it needs and the one it got."""
        with pytest.raises(ValueError, match=message(text)):
            mk.tlu(x, w, b)

    @pytest.mark.parametrize(("X", "W", "b", "text"), [
        (np.zeros((5, 3)), np.zeros((2, 4)), np.zeros(4),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 3 from `X`. "
         "Received: W.shape=(2, 4)"),
        (np.zeros((5, 2)), np.zeros((3, 2)), np.zeros(3),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 2 from `X`. "
         "Received: W.shape=(3, 2)"),
        (np.zeros((5, 2)), np.zeros(2), np.zeros(1),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 2 from `X`. "
         "Received: W.shape=(2,)"),
        (np.zeros(3), np.zeros((2, 4)), np.zeros(4),
         "`W` must have shape (n_inputs, n_units) with n_inputs = 3 from `X`. "
         "Received: W.shape=(2, 4)"),
        (np.zeros((5, 2)), np.zeros((2, 4)), np.zeros(5),
         "`b` must have shape (n_units,) with n_units = 4 from `W`. Received: b.shape=(5,)"),
        (np.zeros((5, 2)), np.zeros((2, 4)), 0.0,
         "`b` must have shape (n_units,) with n_units = 4 from `W`. Received: b.shape=()"),
        (np.zeros((5, 2)), np.zeros((2, 4)), np.zeros((1, 4)),
         "`b` must have shape (n_units,) with n_units = 4 from `W`. Received: b.shape=(1, 4)"),
        (np.zeros((1, 5, 2)), np.zeros((2, 4)), np.zeros(4),
         "`X` must have shape (n, n_inputs) or (n_inputs,). Received: X.shape=(1, 5, 2)"),
    ], ids=["W-rows", "W-transposed", "W-vector", "W-rows-one-example", "b-per-example",
            "b-scalar", "b-row", "X-3d"])
    def test_tlu_layer_bad_shapes(self, X, W, b, text):
        """tlu_layer raises a ValueError naming the argument, the shape it needs and got."""
        with pytest.raises(ValueError, match=message(text)):
            mk.tlu_layer(X, W, b)

    @pytest.mark.parametrize(("name", "args", "error", "text"), [
        ("tlu", (None, np.zeros(2), 0.0), TypeError, "`x` must be a number or an array"),
        ("tlu", (np.zeros(2), "ab", 0.0), TypeError, "`w` must hold real numbers"),
        ("tlu", (np.zeros(2), np.zeros(2), None), TypeError, "`b` must be a number or an array"),
        ("tlu_layer", ([[1.0, 2.0], [3.0]], np.zeros((2, 1)), np.zeros(1)), ValueError,
         "`X` must be a rectangular array"),
        ("tlu_layer", (np.zeros((1, 2)), np.zeros((2, 1)), ["a"]), TypeError,
         "`b` must hold real numbers"),
    ])
    def test_bad_values_name_the_argument(self, name, args, error, text):
        """None, strings and ragged lists raise an error naming the argument they were given as."""
        with pytest.raises(error, match=message(text)):
            getattr(mk, name)(*args)
