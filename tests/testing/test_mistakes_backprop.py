"""Tests of mlkit.testing.mistakes.backprop: every mistake is a real, distinct wrong answer.

The right answers come from mlkit.numpy's layers and mlkit.testing.numerical_gradient,
which have their own tests against finite differences and TensorFlow.
"""

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import assert_close, numerical_gradient
from mlkit.testing.mistakes import backprop as mistakes
from tests.testing.mistake_checks import (
    assert_distinct,
    assert_each_is_named,
    assert_exported,
    assert_not_vacuous,
)

RNG = np.random.default_rng(0)
# Square shapes (n = n_in = n_out) allow every dense mistake, even the ones that
# multiply matrices in the wrong order.
X_SQUARE, W_SQUARE, DZ_SQUARE = (RNG.normal(size=(3, 3)) for _ in range(3))
X_TALL, W_TALL, DZ_TALL = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(5, 2))
# Pre-activations with 0 (where relu's >= and > differ) and an upstream gradient that is not ones.
Z = np.array([[-2.0, 0.0, 1.5], [0.7, -0.3, 2.5]])
DH = np.array([[0.5, -1.0, 2.0], [1.5, 3.0, -0.5]])


def cubic(x):
    return np.sum(x ** 3) + np.sum(x) ** 2


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
START = [(RNG.normal(size=(2, 4)), RNG.normal(size=4)), (RNG.normal(size=(4, 1)), np.zeros(1))]


def reference_losses(activation, lr, num_epochs):
    """Full-batch gradient descent with mlkit's layers and losses."""
    (W1, b1), (W2, b2) = START
    found = []
    for _ in range(num_epochs):
        Z1, dense1 = mk.dense_forward(XOR_X, W1, b1)
        H, act = mk.activation_forward(Z1, activation)
        logits, dense2 = mk.dense_forward(H, W2, b2)
        found.append(np.mean(mk.binary_cross_entropy(XOR_Y, logits, from_logits=True)))
        dH, dW2, db2 = mk.dense_backward(mk.binary_cross_entropy_grad(XOR_Y, logits), dense2)
        _, dW1, db1 = mk.dense_backward(mk.activation_backward(dH, act), dense1)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return np.array(found)


def _dense(which):
    def cases(X, W, dZ):
        right = mk.dense_backward(dZ, (X, W))[which]
        name = ["dense_backward_dX", "dense_backward_dW", "dense_backward_db"][which]
        return right, getattr(mistakes, name)(dZ, (X, W))
    return cases


def _activation(name):
    def cases(X, W, dZ):
        right = mk.activation_backward(DH, (Z, name))
        return right, getattr(mistakes, f"{name}_backward")(DH, Z)
    return cases


def _numerical(X, W, dZ):
    x = np.array([1.0, -2.0, 0.5])
    return numerical_gradient(cubic, x, eps=1e-4), mistakes.numerical_gradient(cubic, x, 1e-4)


def _training(X, W, dZ):
    return reference_losses("tanh", 0.5, 6), mistakes.train_mlp_losses(
        XOR_X, XOR_Y, START, activation="tanh", lr=0.5, num_epochs=6)


# name -> a function of (X, W, dZ) returning (the right answer, the mistakes).
CASES = {
    "dense_backward_dX": _dense(0),
    "dense_backward_dW": _dense(1),
    "dense_backward_db": _dense(2),
    "sigmoid_backward": _activation("sigmoid"),
    "tanh_backward": _activation("tanh"),
    "relu_backward": _activation("relu"),
    "numerical_gradient": _numerical,
    "train_mlp_losses": _training,
}


def cases(name):
    return CASES[name](X_SQUARE, W_SQUARE, DZ_SQUARE)


class TestBackpropMistakes:
    def test_every_function_is_covered(self):
        """The cases here cover every function of mlkit.testing.mistakes.backprop."""
        assert set(CASES) == set(mistakes.__all__)

    def test_exported_by_the_package(self):
        """Every backprop mistakes function is exported by mlkit.testing.mistakes itself."""
        assert_exported(mistakes)

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_every_mistake_differs_from_the_right_answer(self, name):
        """No mistake is vacuous: each value differs from the right answer."""
        assert_not_vacuous(name, *cases(name))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_mistakes_are_distinct(self, name):
        """No two mistakes give the same value."""
        assert_distinct(cases(name)[1])

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_assert_close_names_each_mistake(self, name):
        """Each mistake's value, checked with assert_close, is named as the likely mistake."""
        assert_each_is_named(*cases(name))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_right_answer_is_not_named_as_a_mistake(self, name):
        """A right answer passes assert_close even with the mistakes given."""
        right, listed = cases(name)
        assert_close(right, right, mistakes=listed)

    @pytest.mark.parametrize("name", ["dense_backward_dX", "dense_backward_dW"])
    def test_products_that_do_not_fit_are_left_out(self, name):
        """With a non-square layer, a mistake whose product has no valid shape is not listed."""
        square = set(CASES[name](X_SQUARE, W_SQUARE, DZ_SQUARE)[1])
        tall = set(CASES[name](X_TALL, W_TALL, DZ_TALL)[1])
        assert tall < square

    def test_dense_mistakes_hand_computed(self):
        """On the assignment's 2x2 example: X @ dZ for dW, dZ @ W for dX, dZ itself for db."""
        X = np.array([[1.0, 2.0], [3.0, -1.0]])
        W = np.array([[0.5, -1.0], [2.0, 0.0]])
        dZ = np.array([[1.0, -2.0], [0.5, 3.0]])
        dW = mistakes.dense_backward_dW(dZ, (X, W))
        np.testing.assert_allclose(
            dW[mistakes.DW_UNTRANSPOSED],
            [[2.0, 4.0], [2.5, -9.0]])
        dX = mistakes.dense_backward_dX(dZ, (X, W))
        np.testing.assert_allclose(
            dX[mistakes.DX_UNTRANSPOSED],
            [[-3.5, -1.0], [6.25, -0.5]])
        db = mistakes.dense_backward_db(dZ, (X, W))
        np.testing.assert_allclose(db[mistakes.DB_NOT_SUMMED], dZ)

    def test_activation_mistakes_hand_computed(self):
        """sigmoid from Z gives dH * Z * (1 - Z); relu with >= gives dH at Z = 0."""
        wrong = mistakes.sigmoid_backward(np.array([2.0]), np.array([3.0]))
        np.testing.assert_allclose(wrong[mistakes.SIGMOID_FROM_Z], [2.0 * 3.0 * (1.0 - 3.0)])
        wrong = mistakes.relu_backward(np.array([5.0]), np.array([0.0]))
        np.testing.assert_allclose(
            wrong[mistakes.RELU_AT_ZERO], [5.0])

    def test_numerical_gradient_mistakes_hand_computed(self):
        """For f(x) = x**2 at 1 with eps 0.1: forward difference 2.1, division by eps 4."""
        wrong = mistakes.numerical_gradient(lambda x: np.sum(x ** 2), np.array([1.0]), 0.1)
        np.testing.assert_allclose(wrong[mistakes.FORWARD_DIFFERENCE], [2.1])
        np.testing.assert_allclose(wrong[mistakes.HALF_STEP], [4.0])

    def test_training_mistakes_keep_the_first_loss(self):
        """Every training mistake starts from the same loss: only the steps are wrong."""
        right, listed = cases("train_mlp_losses")
        for description, losses in listed.items():
            assert losses.shape == (6,), description
            np.testing.assert_allclose(losses[0], right[0], rtol=1e-12, err_msg=description)

    def test_uphill_steps_raise_the_loss(self):
        """Gradient ascent makes the loss grow at every step."""
        _, listed = cases("train_mlp_losses")
        uphill = listed[mistakes.UPHILL]
        assert np.all(np.diff(uphill) > 0)

    def test_mistakes_do_not_change_their_inputs(self):
        """Computing the mistakes leaves the arrays they were given unchanged."""
        x = np.array([1.0, -2.0, 0.5])
        saved = x.copy()
        mistakes.numerical_gradient(cubic, x, 1e-4)
        np.testing.assert_array_equal(x, saved)
