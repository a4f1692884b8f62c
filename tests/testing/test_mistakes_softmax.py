"""Tests of mlkit.testing.mistakes (softmax): every mistake is a real, distinct wrong answer.

The right answers come from mlkit.numpy, which has its own tests against Keras,
hand-computed values and finite differences.
"""

import importlib

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import assert_close
from tests.testing.mistake_checks import (
    assert_distinct,
    assert_each_is_named,
    assert_exported,
    assert_not_vacuous,
)

# The package re-exports the function softmax under the module's own name, so the
# module itself is reached through importlib.
mistakes = importlib.import_module("mlkit.testing.mistakes.softmax")

SCORES = np.array([[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -1.0, 0.0], [1.0, 1.0, 3.0, -2.0]])
ONE_HOT = np.eye(4)[[0, 1, 3]]
PROBS = np.array([[0.6, 0.2, 0.2], [0.1, 0.0, 0.9], [0.3, 0.3, 0.4]])


def batch_cross_entropy(y_true, logits):
    """The right answer of the assignment's batch loss: the mean cross-entropy from logits."""
    return mk.cross_entropy(y_true, logits, from_logits=True).mean()


# name -> (right answer, inputs on which every mistake differs from it).
CASES = {
    # Scores of 800 make the unshifted softmax overflow.
    "softmax": (mk.softmax, (np.vstack([SCORES, [800.0, 0.0, -1.0, 1.0]]),)),
    # A 0 on a wrong class makes the unclipped log give 0 * -inf = nan.
    "cross_entropy": (mk.cross_entropy, (np.eye(3)[[0, 2, 1]], PROBS)),
    # Three examples and three classes, so that labels * log p broadcasts; p = 0 on a right class.
    "sparse_cross_entropy": (mk.sparse_cross_entropy, (np.array([0, 1, 2]), PROBS)),
    # A right class 1000 below the others: softmax underflows to 0, whose log is -inf, and the
    # clip caps the loss at 16.1. A score of 710: exp overflows without the max shift.
    "batch_cross_entropy": (batch_cross_entropy,
                            (np.vstack([ONE_HOT, [0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]),
                             np.vstack([SCORES, [0.0, -1000.0, 0.0, 0.0],
                                        [710.0, 0.0, 0.0, 0.0]]))),
    "softmax_cross_entropy_grad": (mk.softmax_cross_entropy_grad, (ONE_HOT, SCORES)),
}


class TestSoftmaxMistakes:
    def test_every_function_is_covered(self):
        """The cases here cover every function of the softmax mistakes module."""
        assert set(CASES) == set(mistakes.__all__)

    def test_exported_by_the_package(self):
        """Every softmax mistakes function is exported by mlkit.testing.mistakes itself."""
        assert_exported(mistakes)

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_every_mistake_differs_from_the_right_answer(self, name):
        """No mistake is vacuous: each value differs from the right answer on the chosen input."""
        right_answer, args = CASES[name]
        assert_not_vacuous(name, right_answer(*args), getattr(mistakes, name)(*args))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_mistakes_are_distinct(self, name):
        """On the chosen input no two mistakes give the same value."""
        _, args = CASES[name]
        assert_distinct(getattr(mistakes, name)(*args))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_assert_close_names_each_mistake(self, name):
        """Each mistake's value, checked with assert_close, is named as the likely mistake."""
        right_answer, args = CASES[name]
        assert_each_is_named(right_answer(*args), getattr(mistakes, name)(*args))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_right_answer_is_not_named_as_a_mistake(self, name):
        """A right answer passes assert_close even with the mistakes given."""
        right_answer, args = CASES[name]
        assert_close(right_answer(*args), right_answer(*args),
                     mistakes=getattr(mistakes, name)(*args))

    def test_values_are_float64(self):
        """Every value is float64, whatever the input dtype, and computed without a warning."""
        for name, (_, args) in CASES.items():
            args32 = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in args]
            for description, value in getattr(mistakes, name)(*args32).items():
                assert np.asarray(value).dtype == np.float64, description

    def test_wrong_axis_is_the_other_axis(self):
        """With axis=0, the wrong-axis mistake is the softmax of each row."""
        wrong = mistakes.softmax(SCORES, axis=0)
        np.testing.assert_allclose(wrong[mistakes.WRONG_AXIS.said(axis=0, other=1)],
                                   mk.softmax(SCORES, axis=1), rtol=1e-15)

    def test_log_of_the_sum_is_listed_for_soft_labels_only(self):
        """-log(sum(y * p)) is a mistake for soft labels (-log 0.55 here), the loss for one-hot."""
        y, p = np.array([0.25, 0.75]), np.array([0.4, 0.6])
        soft = mistakes.cross_entropy(y, p)
        np.testing.assert_allclose(soft[mistakes.CE_LOG_OF_SUM], -np.log(0.55), rtol=1e-12)
        with pytest.raises(AssertionError, match="Likely mistake: -log\\(sum\\(y \\* p\\)\\)"):
            assert_close(-np.log(0.55), mk.cross_entropy(y, p), mistakes=soft)
        assert mistakes.CE_LOG_OF_SUM not in mistakes.cross_entropy(*CASES["cross_entropy"][1])

    def test_gradient_mistakes_hand_computed(self):
        """For one example with equal scores, p = 1/2 and the flipped gradient is y - p."""
        wrong = mistakes.softmax_cross_entropy_grad(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
        np.testing.assert_array_equal(
            wrong[mistakes.GRAD_SIGN_FLIPPED],
            [[0.5, -0.5]])
        assert len(wrong) == 4  # no wrong-axis mistake for a single example
