"""Tests of mlkit.testing.mistakes (activations): every mistake is a real, distinct wrong answer.

The right answers come from mlkit.numpy, which has its own tests against
hand-computed values.
"""

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import assert_close
from mlkit.testing.mistakes import activations as mistakes
from tests.testing.mistake_checks import (
    assert_distinct,
    assert_each_is_named,
    assert_exported,
    assert_not_vacuous,
)

GENERIC = np.array([-2.0, -0.5, 0.5, 3.0])

# name -> (keyword arguments, an input on which every mistake differs from the right answer).
CASES = {
    # x >= 0 and x > 0 differ only at 0.
    "step": ({}, np.array([-2.0, -0.5, 0.0, 0.5, 3.0])),
    # exp(x) / (1 + exp(x)) is the sigmoid wherever it does not overflow.
    "sigmoid": ({}, np.array([-2.0, -0.5, 0.5, 3.0, 1000.0])),
    "sigmoid_grad": ({}, GENERIC),
    "tanh": ({}, GENERIC),
    "tanh_grad": ({}, GENERIC),
    "relu": ({}, GENERIC),
    "relu_grad": ({}, np.array([-2.0, -0.5, 0.0, 0.5, 3.0])),
    # A fixed slope of 0.01 (or 0.2) is right when negative_slope is 0.01 (or 0.2).
    "leaky_relu": ({"negative_slope": 0.1}, GENERIC),
    "leaky_relu_grad": ({"negative_slope": 0.1}, GENERIC),
    # Ignoring alpha is right when alpha is 1.
    "elu": ({"alpha": 0.5}, GENERIC),
    "elu_grad": ({"alpha": 0.5}, GENERIC),
}
SHAPES = [(), (4,), (2, 3)]

# relu's np.max(x, 0) mistake reduces axis 0, so its value has the reduced shape, as the
# student's wrong code would; assert_close still names it, matching shapes first.
REDUCING = mistakes.RELU_NP_MAX


def right_answer(name, x, kwargs):
    return getattr(mk, name)(x, **kwargs)


def wrong_answers(name, x, kwargs):
    return getattr(mistakes, name)(x, **kwargs)


class TestMistakes:
    def test_every_function_is_covered(self):
        """The cases here cover every activation function of mlkit.testing.mistakes."""
        assert set(CASES) == set(mistakes.__all__)

    def test_exported_by_the_package(self):
        """Every activation mistakes function is exported by mlkit.testing.mistakes itself."""
        assert_exported(mistakes)

    def test_every_function_has_a_counterpart_in_mlkit_numpy(self):
        """Each mistakes function is named after a function of mlkit.numpy."""
        assert set(mistakes.__all__) <= set(mk.__all__)

    @pytest.mark.parametrize("name", sorted(CASES))
    @pytest.mark.parametrize("shape", SHAPES, ids=str)
    def test_values_have_the_shape_of_the_input(self, name, shape):
        """Every mistake's value has the shape of the input (relu's np.max one reduces axis 0)."""
        kwargs, _ = CASES[name]
        x = np.linspace(-2.5, 2.5, num=int(np.prod(shape))).reshape(shape)
        for description, value in wrong_answers(name, x, kwargs).items():
            if description == REDUCING and x.ndim:
                assert np.shape(value) == x.shape[1:], description
            else:
                assert np.shape(value) == x.shape, description

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_values_are_float64_arrays(self, name):
        """Every value is a float64 array, whatever the input dtype."""
        kwargs, x = CASES[name]
        for description, value in wrong_answers(name, x.astype(np.float32), kwargs).items():
            assert np.asarray(value).dtype == np.float64, description

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_every_mistake_differs_from_the_right_answer(self, name):
        """No mistake is vacuous: each value differs from the right answer on the chosen input."""
        kwargs, x = CASES[name]
        assert_not_vacuous(name, right_answer(name, x, kwargs), wrong_answers(name, x, kwargs))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_mistakes_are_distinct(self, name):
        """On the chosen input no two mistakes give the same value."""
        kwargs, x = CASES[name]
        assert_distinct(wrong_answers(name, x, kwargs))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_assert_close_names_each_mistake(self, name):
        """Each mistake's value, checked with assert_close, is named as the likely mistake."""
        kwargs, x = CASES[name]
        assert_each_is_named(right_answer(name, x, kwargs), wrong_answers(name, x, kwargs))

    def test_right_answer_is_not_named_as_a_mistake(self):
        """A right answer passes assert_close even with mistakes given."""
        for name, (kwargs, x) in CASES.items():
            assert_close(right_answer(name, x, kwargs), right_answer(name, x, kwargs),
                         mistakes=wrong_answers(name, x, kwargs))

    def test_overflowing_mistakes_raise_no_warning(self):
        """The mistakes that overflow are computed without a warning."""
        x = np.array([-1000.0, 1000.0])
        for name, (kwargs, _) in CASES.items():
            wrong_answers(name, x, kwargs)  # warnings are errors in this test suite

    def test_sigmoid_mistakes_hand_computed(self):
        """The missing minus sign gives 1 / (1 + e^x): 0.5 at 0 and 1 / (1 + e^2) at 2."""
        wrong = mistakes.sigmoid(np.array([0.0, 2.0]))
        value = wrong[mistakes.MISSING_MINUS]
        np.testing.assert_allclose(value, [0.5, 1.0 / (1.0 + np.e ** 2)], rtol=1e-15)
