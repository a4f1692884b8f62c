"""Tests of mlkit.testing.mistakes.xor_mlp: every mistake is a real, distinct wrong answer.

The right answers come from mlkit.numpy's layers and its MLP, which have their own tests
against finite differences and TensorFlow.
"""

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit.testing import assert_close
from mlkit.testing.mistakes import xor_mlp as mistakes
from tests.testing.mistake_checks import (
    assert_distinct,
    assert_each_is_named,
    assert_exported,
    assert_not_vacuous,
)

RNG = np.random.default_rng(0)
# Two hidden units and two outputs, so that the mistakes whose shapes only fit a square
# layer can be computed too.
X = RNG.normal(size=(4, 2))
W1, b1, W2, b2 = RNG.normal(size=(2, 2)), RNG.normal(size=2), RNG.normal(size=(2, 2)), \
    RNG.normal(size=2)
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def reference_forward(X, W1, b1, W2, b2):
    """(Y_hat, H) with mlkit's layers."""
    Z1, _ = mk.dense_forward(X, W1, b1)
    H, _ = mk.activation_forward(Z1, "sigmoid")
    Z2, _ = mk.dense_forward(H, W2, b2)
    return mk.activation_forward(Z2, "sigmoid")[0], H


def initial_params(num_hiddens, seed):
    """The initial (W1, b1, W2, b2) of mk.MLP, as the assignment's init_params draws them."""
    rng = np.random.default_rng(seed)
    limit1, limit2 = np.sqrt(6 / (2 + num_hiddens)), np.sqrt(6 / (num_hiddens + 1))
    W1 = rng.uniform(-limit1, limit1, size=(2, num_hiddens))
    W2 = rng.uniform(-limit2, limit2, size=(num_hiddens, 1))
    return W1, np.zeros(num_hiddens), W2, np.zeros(1)


def mlp_losses(num_hiddens, lr, num_epochs, seed):
    model = mk.MLP((num_hiddens,), activation="sigmoid", loss="binary_cross_entropy", lr=lr,
                   num_epochs=num_epochs, batch_size=None, seed=seed).fit(XOR_X, XOR_Y[:, 0])
    return np.array(model.history_["loss"])


def _hidden():
    return reference_forward(X, W1, b1, W2, b2)[1], mistakes.forward_hidden(X, W1, b1, W2, b2)


def _output():
    return reference_forward(X, W1, b1, W2, b2)[0], mistakes.forward_output(X, W1, b1, W2, b2)


def _predict():
    # A batch with one output of exactly 0.5 (W2 column 1 and b2[1] are 0 there).
    W2_half, b2_half = W2.copy(), b2.copy()
    W2_half[:, 1], b2_half[1] = 0.0, 0.0
    right = (reference_forward(X, W1, b1, W2_half, b2_half)[0] > 0.5).astype(float)
    return right, mistakes.predict_labels(X, W1, b1, W2_half, b2_half)


def _xnor():
    return np.array([[1.0], [0.0], [0.0], [1.0]]), mistakes.xnor_predictions()


def _training():
    return mlp_losses(3, 0.5, 6, 4), mistakes.train_xor_losses(
        XOR_X, XOR_Y, initial_params(3, 4), lr=0.5, num_epochs=6)


CASES = {
    "forward_hidden": _hidden,
    "forward_output": _output,
    "predict_labels": _predict,
    "xnor_predictions": _xnor,
    "train_xor_losses": _training,
}


class TestXorMlpMistakes:
    def test_every_function_is_covered(self):
        """The cases here cover every function of mlkit.testing.mistakes.xor_mlp."""
        assert set(CASES) == set(mistakes.__all__)

    def test_exported_by_the_package(self):
        """Every xor_mlp mistakes function is exported by mlkit.testing.mistakes itself."""
        assert_exported(mistakes)

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_every_mistake_differs_from_the_right_answer(self, name):
        """No mistake is vacuous: each value differs from the right answer."""
        assert_not_vacuous(name, *CASES[name]())

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_mistakes_are_distinct(self, name):
        """No two mistakes give the same value."""
        assert_distinct(CASES[name]()[1])

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_assert_close_names_each_mistake_of_the_right_shape(self, name):
        """Each mistake of the right answer's shape is named by assert_close."""
        assert_each_is_named(*CASES[name](), same_shape_only=True)

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_right_answer_is_not_named_as_a_mistake(self, name):
        """A right answer passes assert_close even with the mistakes given."""
        right, listed = CASES[name]()
        assert_close(right, right, mistakes=listed)

    def test_examples_in_columns_give_the_transpose_shape(self):
        """The W x mistake puts the examples in the columns: shape (n_hidden, n)."""
        wrong = mistakes.forward_hidden(X[:3], W1, b1, W2, b2)
        assert wrong[mistakes.EXAMPLES_IN_COLUMNS].shape == (2, 3)

    def test_products_that_do_not_fit_are_left_out(self):
        """With 3 inputs and 2 hidden units, W1 @ X.T and X @ W1.T cannot be computed."""
        X3, W13 = RNG.normal(size=(4, 3)), RNG.normal(size=(3, 2))
        listed = mistakes.forward_hidden(X3, W13, b1, W2, b2)
        assert not {mistakes.HIDDEN_W1_X, mistakes.HIDDEN_W1_TRANSPOSED} & set(listed)
        assert len(listed) < len(mistakes.forward_hidden(X, W1, b1, W2, b2))

    def test_hand_wired_mistakes_hand_computed(self):
        """On the lecture's network: no bias gives sigmoid(0) = 0.5 at (0, 0)."""
        W1_h, b1_h = np.array([[20.0, -20.0], [20.0, -20.0]]), np.array([-10.0, 30.0])
        W2_h, b2_h = np.array([[20.0], [20.0]]), np.array([-30.0])
        wrong = mistakes.forward_hidden(XOR_X, W1_h, b1_h, W2_h, b2_h)
        np.testing.assert_allclose(wrong[mistakes.HIDDEN_NO_B1][0],
                                   [0.5, 0.5])
        logits = mistakes.forward_output(XOR_X, W1_h, b1_h, W2_h, b2_h)[
            mistakes.OUTPUT_LOGITS]
        np.testing.assert_allclose(logits[[0, 1]], [[-10.0], [10.0]], atol=2e-3)

    def test_threshold_at_zero_predicts_ones(self):
        """Sigmoid outputs are all above 0: thresholding at 0 predicts 1 everywhere."""
        wrong = mistakes.predict_labels(X, W1, b1, W2, b2)
        np.testing.assert_array_equal(wrong[mistakes.PREDICT_AT_ZERO], np.ones((4, 2)))

    def test_training_without_lr_is_the_run_with_lr_one(self):
        """The module's training loop takes mk.MLP's steps: forgetting lr = 1 changes nothing."""
        listed = mistakes.train_xor_losses(XOR_X, XOR_Y, initial_params(2, 1), 1.0, 10)
        np.testing.assert_allclose(listed[mistakes.TRAIN_LR_IGNORED],
                                   mlp_losses(2, 1.0, 10, 1), rtol=1e-9)

    def test_uphill_steps_raise_the_loss(self):
        """Gradient ascent makes the loss grow at every step."""
        _, listed = _training()
        uphill = listed[mistakes.TRAIN_UPHILL]
        assert np.all(np.diff(uphill) > 0)

    def test_loss_after_the_step_is_the_right_run_shifted(self):
        """Recording after the step gives the right losses from the second one on."""
        right, listed = _training()
        after = listed[mistakes.TRAIN_RECORDED_AFTER]
        np.testing.assert_allclose(after[:-1], right[1:], rtol=1e-9)
