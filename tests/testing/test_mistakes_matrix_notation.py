"""Tests of mlkit.testing.mistakes (matrix notation): every mistake is a real wrong answer.

The right answers come from mlkit.numpy.linear, which has its own tests against
hand-computed values, finite differences and scikit-learn.
"""

import importlib

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import assert_close
from tests.testing.mistake_checks import assert_exported

mistakes = importlib.import_module("mlkit.testing.mistakes.matrix_notation")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=(6, 2))
W = RNG.normal(size=(3, 2))
B = RNG.normal(size=2)
LR, NUM_EPOCHS = 0.1, 5


def flat(W, b):
    return np.concatenate([np.ravel(W), np.ravel(b)])


def right_training(X, y, lr, num_epochs):
    return mk.LinearRegression(lr=lr, num_epochs=num_epochs).fit(X, y)


# name -> (the right answer, the mistakes), on inputs where every mistake differs from it.
CASES = {
    "linear_predict": (mk.linear_predict(X, W, B), mistakes.linear_predict(X, W, B)),
    "mse": (np.mean((X @ W + B - Y) ** 2), mistakes.mse(Y, X @ W + B)),
    "linear_mse_grads": (flat(*mk.linear_mse_grads(X, Y, W, B)),
                         mistakes.linear_mse_grads(X, Y, W, B)),
    "linear_gradient_step": (flat(*mk.linear_gradient_step(X, Y, W, B, LR)),
                             mistakes.linear_gradient_step(X, Y, W, B, LR)),
    "train_linear_regression": (
        flat(right_training(X, Y, LR, NUM_EPOCHS).W_, right_training(X, Y, LR, NUM_EPOCHS).b_),
        mistakes.train_linear_regression(X, Y, LR, NUM_EPOCHS)),
    "train_linear_regression_losses": (
        np.array(right_training(X, Y, LR, NUM_EPOCHS).loss_history_),
        mistakes.train_linear_regression_losses(X, Y, LR, NUM_EPOCHS)),
    "tf_gradient_step": (flat(W - LR * 2 * W, B - LR * np.cos(B)),
                         mistakes.tf_gradient_step(W, B, 2 * W, np.cos(B), LR)),
}


class TestMatrixNotationMistakes:
    def test_every_function_is_covered(self):
        """The cases cover every function of the module except the check `diverged`."""
        assert set(CASES) | {"diverged"} == set(mistakes.__all__)

    def test_exported_by_the_package(self):
        """Every function is exported by mlkit.testing.mistakes itself."""
        assert_exported(mistakes)

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_every_mistake_differs_from_the_right_answer(self, name):
        """No mistake is vacuous: with two outputs each value differs from the right answer."""
        right, wrong = CASES[name]
        for description, value in wrong.items():
            value = np.asarray(value)
            if value.shape == np.shape(right):
                assert not np.allclose(value, right), description

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_mistakes_are_distinct_and_named(self, name):
        """Each wrong value is named by assert_close when a student returns it."""
        right, wrong = CASES[name]
        for description, value in wrong.items():
            if np.shape(value) != np.shape(right):
                continue  # a shape mistake is reported as a wrong shape
            with pytest.raises(AssertionError) as info:
                assert_close(value, right, mistakes=wrong)
            assert "Likely mistake:" in str(info.value), description

    def test_transposed_prediction_has_the_transposed_shape(self):
        """The lecture-layout mistake has shape (n_outputs, n), and assert_close says so."""
        value = mistakes.linear_predict(X, W, B)[mistakes.TRANSPOSED]
        assert value.shape == (2, 6)
        with pytest.raises(AssertionError, match="That is the shape of the transpose"):
            assert_close(value, mk.linear_predict(X, W, B))


class TestDiverged:
    def test_decreasing_losses_are_fine(self):
        """Losses that go down are not divergence."""
        assert mistakes.diverged([100.0, 10.0, 1.0, 1.5]) is None
        assert mistakes.diverged([]) is None

    def test_infinite_loss(self):
        """An inf or NaN loss is reported with its epoch and the advice to lower lr."""
        message = mistakes.diverged([10.0, 1e200, float("inf"), float("nan")], lr=0.5)
        assert message.startswith("training diverged: the loss became inf at epoch 3")
        assert "(lr = 0.5) is too large" in message and "standardize" in message

    def test_growing_loss(self):
        """A finite loss that ends above where it started is reported with both values."""
        message = mistakes.diverged([10.0, 5.0, 40.0])
        assert message.startswith("training diverged: the loss grew from 10 to 40 over 3 epochs")

    def test_a_real_run_above_the_stable_limit(self):
        """Just above 2 / lambda_max on standardized data, 200 epochs grow the loss: reported."""
        X_scaled = mk.standardize(np.array([[73.0, 80.0, 75.0], [93.0, 88.0, 93.0],
                                            [89.0, 91.0, 90.0], [96.0, 98.0, 100.0],
                                            [73.0, 66.0, 70.0]]))[0]
        y = np.array([[152.0], [185.0], [180.0], [196.0], [142.0]])
        run = mk.LinearRegression(lr=0.36, num_epochs=200).fit(X_scaled, y)
        assert mistakes.diverged(run.loss_history_, lr=0.36) is not None
        stable = mk.LinearRegression(lr=0.3, num_epochs=200).fit(X_scaled, y)
        assert mistakes.diverged(stable.loss_history_, lr=0.3) is None
