"""Tests of mlkit.testing.probes: each probe names its property, and only that.

For each probe: a hand-written wrong function that has the property (the
probe reports it), the right function itself and a function wrong in another
way (the probe is silent). The right answers come from plain NumPy written
here, the oracle the probes compare with.
"""

import numpy as np
import pytest

from mlkit.testing import assert_close
from mlkit.testing.diagnosis import PROPERTIES, found_properties
from mlkit.testing.probes import (
    Evidence,
    batch_of_one,
    hard_coded_size,
    ignored_parameter,
    mixes_examples,
)


def _evidence(function, reference, args, kwargs=None, parameters=()):
    kwargs = kwargs or {}
    return Evidence(function(*args, **kwargs), reference(*args, **kwargs), function,
                    (list(args), kwargs), tuple(parameters), reference)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def one_hot(y, n_classes):
    return np.eye(n_classes)[y]


def dense(X, W, b):
    return X @ W + b


X = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0], [-0.5, 0.75, 2.0], [1.5, -1.0, 0.0]])


class TestIgnoredParameter:
    def test_a_fixed_slope_is_named(self):
        """A leaky ReLU with its slope written in ignores negative_slope: the probe says so."""
        def fixed(x, negative_slope=0.01):
            return np.where(x > 0, x, 0.01 * x)

        evidence = _evidence(fixed, leaky_relu, [X, 0.1], parameters=("x", "negative_slope"))
        assert ignored_parameter(evidence) == {"parameter": "negative_slope"}

    def test_an_ignored_axis_is_named(self):
        """A softmax that always normalises the last axis ignores `axis`."""
        def last_axis(x, axis=-1):
            return softmax(x)

        evidence = _evidence(last_axis, softmax, [X], {"axis": 0}, ("x", "axis"))
        assert ignored_parameter(evidence) == {"parameter": "axis"}

    def test_an_ignored_learning_rate_is_named(self):
        """A gradient step that leaves lr out ignores it."""
        def step(W, dW, lr):
            return W - dW

        def right(W, dW, lr):
            return W - lr * dW

        evidence = _evidence(step, right, [X, X[::-1].copy(), 0.1], parameters=("W", "dW", "lr"))
        assert ignored_parameter(evidence) == {"parameter": "lr"}

    def test_silent_for_the_right_function_and_another_mistake(self):
        """The slope applied to the positive side is used, wrongly: not "ignored"."""
        def other_side(x, negative_slope=0.01):
            return np.where(x > 0, negative_slope * x, x)

        for function in (leaky_relu, other_side):
            evidence = _evidence(function, leaky_relu, [X, 0.1],
                                 parameters=("x", "negative_slope"))
            assert ignored_parameter(evidence) is None

    def test_silent_where_the_right_answer_does_not_depend_on_it(self):
        """On positive inputs only, the slope changes nothing: no evidence either way."""
        def doubled(x, negative_slope=0.01):
            return 2.0 * x

        evidence = _evidence(doubled, leaky_relu, [np.abs(X) + 0.1, 0.1],
                             parameters=("x", "negative_slope"))
        assert ignored_parameter(evidence) is None


class TestMixesExamples:
    def test_the_whole_batch_and_the_wrong_axis_are_named(self):
        """Softmax normalised over every entry, or down the columns, mixes the examples."""
        def whole_batch(x, axis=-1):
            e = np.exp(x - x.max())
            return e / e.sum()

        def columns(x, axis=-1):
            return softmax(x, axis=0)

        for function in (whole_batch, columns):
            assert mixes_examples(_evidence(function, softmax, [X])) == {}

    def test_silent_for_the_right_function_and_another_mistake(self):
        """A softmax at temperature 2 is wrong row by row: it mixes nothing."""
        def temperature(x, axis=-1):
            return softmax(x / 2.0, axis)

        for function in (softmax, temperature):
            assert mixes_examples(_evidence(function, softmax, [X])) is None

    def test_silent_without_the_right_function(self):
        """Whether examples are independent only the right function can say."""
        def whole_batch(x):
            return x / x.sum()

        evidence = _evidence(whole_batch, softmax, [X])
        evidence.reference = None
        assert mixes_examples(evidence) is None

    def test_not_taken_for_a_batch_of_one(self):
        """A wrong axis is said once, as the reduction it is, not also as a batch-of-one problem."""
        def columns(x, axis=-1):
            return softmax(x, axis=0)

        keys = [f.key for f in found_properties(columns(X), softmax(X), columns, ([X], {}),
                                                reference=softmax)]
        assert keys == ["mixes-examples"]


class TestBatchOfOne:
    def test_a_flattened_batch_of_one_is_named(self):
        """np.squeeze turns a batch of one, shape (1, 3), into shape (3,)."""
        def squeezes(X, W, b):
            return np.squeeze(X @ W + b) + 1.0  # wrong anyway, so that properties are looked for

        W, b = np.eye(3), np.zeros(3)
        assert batch_of_one(_evidence(squeezes, dense, [X, W, b])) == {}

    def test_silent_for_a_row_by_row_mistake(self):
        """A bias subtracted is wrong on every row alike: a batch of one is no different."""
        def subtracts(X, W, b):
            return X @ W - b

        W, b = np.eye(3), np.ones(3)
        assert batch_of_one(_evidence(subtracts, dense, [X, W, b])) is None
        assert batch_of_one(_evidence(dense, dense, [X, W, b])) is None


class TestHardCodedSize:
    def test_ten_classes_written_in(self):
        """one_hot with 10 classes written in keeps 10 columns where 4 are asked for."""
        def ten(y, n_classes):
            return np.eye(10)[y]

        y = np.array([0, 3, 1, 2, 3])
        assert hard_coded_size(_evidence(ten, one_hot, [y, 4], parameters=("y", "n_classes"))) \
            == {}

    def test_two_units_written_in(self):
        """A layer that computes two units whatever W holds is right for two units only."""
        def two_units(X, W, b):
            return X @ W[:, :2] + b[:2]

        W, b = np.arange(15.0).reshape(3, 5) / 7.0, np.linspace(-1.0, 1.0, 5)
        assert hard_coded_size(_evidence(two_units, dense, [X, W, b])) == {}

    def test_silent_for_a_slice_over_the_wrong_axis(self):
        """A slice bounded by another axis (W[:, :W.shape[0]]) is right for fewer units than
        inputs and keeps the inputs' count for more: it follows a size, it hard-codes none."""
        def wrong_axis(X, W, b):
            return X @ W[:, :W.shape[0]] + b[:W.shape[0]]

        for n_inputs in (2, 3):
            X_n = X[:, :n_inputs]
            W = np.arange(n_inputs * 5.0).reshape(n_inputs, 5) / 7.0
            b = np.linspace(-1.0, 1.0, 5)
            assert hard_coded_size(_evidence(wrong_axis, dense, [X_n, W, b])) is None

    def test_silent_for_the_right_function_and_another_mistake(self):
        """A layer that forgets its bias is wrong at every size: no size is hard-coded."""
        def no_bias(X, W, b):
            return X @ W

        W, b = np.arange(15.0).reshape(3, 5) / 7.0, np.linspace(-1.0, 1.0, 5)
        for function in (dense, no_bias):
            assert hard_coded_size(_evidence(function, dense, [X, W, b])) is None
        y = np.array([0, 3, 1, 2, 3])
        assert hard_coded_size(_evidence(one_hot, one_hot, [y, 4],
                                         parameters=("y", "n_classes"))) is None


class TestInAssertClose:
    def test_the_message_names_the_ignored_parameter(self):
        """assert_close with a reference tells the student which parameter is ignored."""
        def fixed(x, negative_slope=0.01):
            return np.where(x > 0, x, 0.01 * x)

        from mlkit.testing.book import explained_in

        @explained_in("activations", "activations-leaky-elu")
        def no_mistakes(x, negative_slope=0.01):
            return {}

        with pytest.raises(AssertionError) as info:
            assert_close(fixed(X, 0.1), leaky_relu(X, 0.1), mistakes=no_mistakes(X, 0.1),
                         probe=fixed, reference=leaky_relu)
        assert "Likely mistake: the parameter negative_slope is ignored" in str(info.value)
        assert "book/activations.html#activations-leaky-elu" in str(info.value)

    def test_a_probe_that_raises_names_nothing(self):
        """A student's function that fails when called again gives no evidence."""
        calls = []

        def fragile(x, axis=-1):
            calls.append(1)
            if len(calls) > 1:
                raise ValueError("only once")
            return softmax(x, axis=0)

        assert found_properties(fragile(X), softmax(X), fragile, ([X], {}),
                                reference=softmax) == []

    def test_every_property_has_a_sentence_and_a_probe(self):
        """The table is data: a key, a translatable sentence, a probe and maybe a section."""
        for key, prop in PROPERTIES.items():
            assert prop.key == key and prop.sentence.msgid and callable(prop.look)
            assert prop.section is None or len(prop.section) == 2
