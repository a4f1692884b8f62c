"""Tests of mlkit.tensorflow.linear: tf.GradientTape gives the NumPy backend's analytic results.

The NumPy backend is checked against hand-computed values, finite differences
and scikit-learn in tests/numpy/test_linear.py; here the TensorFlow versions
are compared with it (the tape's gradients against the gradient written by
hand), with scikit-learn and finite differences directly, eagerly and inside
``tf.function``.
"""

import inspect
import re

import numpy as np
import pytest
import tensorflow as tf
from sklearn.linear_model import LinearRegression as SklearnLinearRegression

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk
from mlkit.testing import numerical_gradient, rel_error
from tests.numpy.test_linear import X_SCORES, Y_SCORES, hessian_eigenvalues, mse, random_problem

NAMES = ["linear_predict", "linear_mse_grads", "linear_gradient_step", "least_squares",
         "standardize", "LinearRegression"]


class TestFunctionsMatchNumPy:
    def test_predict(self):
        """linear_predict gives NumPy's X @ W + b, float64 in, float64 out."""
        X, _, W, b = random_problem(0)
        Y_hat = mk.linear_predict(tf.constant(X), tf.constant(W), tf.constant(b))
        assert Y_hat.dtype == tf.float64 and Y_hat.shape == (20, 2)
        np.testing.assert_allclose(Y_hat.numpy(), mk_np.linear_predict(X, W, b), rtol=1e-12)

    @pytest.mark.parametrize("seed", range(3))
    def test_tape_gradients_equal_the_analytic_ones(self, seed):
        """The gradients from tf.GradientTape are NumPy's hand-derived X^T 2(Y_hat - Y)/(nk)."""
        X, y, W, b = random_problem(seed, n=8, n_outputs=1 + seed)
        dW, db = mk.linear_mse_grads(tf.constant(X), tf.constant(y), tf.Variable(W),
                                     tf.Variable(b))
        dW_ref, db_ref = mk_np.linear_mse_grads(X, y, W, b)
        np.testing.assert_allclose(dW.numpy(), dW_ref, rtol=1e-10)
        np.testing.assert_allclose(db.numpy(), db_ref, rtol=1e-10)

    def test_tape_gradients_match_finite_differences(self):
        """The tape's dW agrees with centred differences of the loss written with Python sums."""
        X, y, W, b = random_problem(9, n=5)
        dW, _ = mk.linear_mse_grads(X, y, W, b)
        assert rel_error(dW, numerical_gradient(lambda W_: mse(X, y, W_, b), W)) < 1e-7

    def test_gradient_step_is_pure_and_matches(self):
        """A step from variables returns NumPy's new values and leaves the variables alone."""
        W = tf.Variable(np.zeros((3, 1)))
        b = tf.Variable(np.zeros(1))
        W_new, b_new = mk.linear_gradient_step(X_SCORES, Y_SCORES, W, b, 0.1)
        W_ref, b_ref = mk_np.linear_gradient_step(X_SCORES, Y_SCORES, np.zeros((3, 1)),
                                                  np.zeros(1), 0.1)
        np.testing.assert_allclose(W_new.numpy(), W_ref, rtol=1e-12)
        np.testing.assert_allclose(b_new.numpy(), b_ref, rtol=1e-12)
        np.testing.assert_array_equal(W.numpy(), 0.0)

    def test_least_squares_matches_scikit_learn(self):
        """least_squares is scikit-learn's solution, as float64 tensors."""
        X, y, _, _ = random_problem(4, n=30)
        W, b = mk.least_squares(tf.constant(X, tf.float32), y)
        sklearn_model = SklearnLinearRegression().fit(X.astype(np.float32).astype(np.float64), y)
        assert W.dtype == tf.float64 and b.dtype == tf.float64
        np.testing.assert_allclose(W.numpy(), sklearn_model.coef_.T, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(b.numpy(), sklearn_model.intercept_, rtol=1e-7, atol=1e-10)
        W, b = mk.least_squares(X_SCORES, Y_SCORES)
        np.testing.assert_allclose(W.numpy(), mk_np.least_squares(X_SCORES, Y_SCORES)[0],
                                   rtol=1e-9)

    def test_standardize(self):
        """standardize gives NumPy's values, mean and std."""
        for ours, reference in zip(mk.standardize(X_SCORES), mk_np.standardize(X_SCORES),
                                   strict=True):
            np.testing.assert_allclose(ours.numpy(), reference, rtol=1e-12, atol=1e-12)

    def test_keep_float32(self):
        """float32 inputs (and Python lists for b) give float32 results."""
        X = tf.constant(X_SCORES, tf.float32)
        Y_hat = mk.linear_predict(X, tf.ones((3, 1)), [0.0])
        dW, db = mk.linear_mse_grads(X, tf.constant(Y_SCORES, tf.float32), tf.ones((3, 1)),
                                     tf.zeros(1))
        assert Y_hat.dtype == dW.dtype == db.dtype == tf.float32
        assert mk.standardize(X)[0].dtype == tf.float32


class TestInsideTfFunction:
    def test_functions_trace_and_agree(self):
        """Inside tf.function the prediction, the tape's gradients and a step are the same."""
        X, y, W, b = (tf.constant(a) for a in random_problem(2, n=6))

        @tf.function
        def compute():
            W_new, b_new = mk.linear_gradient_step(X, y, W, b, 0.05)
            return mk.linear_predict(X, W, b), mk.linear_mse_grads(X, y, W, b), W_new, b_new

        Y_hat, (dW, _), W_new, _ = compute()
        np.testing.assert_allclose(Y_hat.numpy(), mk_np.linear_predict(X, W, b), rtol=1e-12)
        np.testing.assert_allclose(dW.numpy(), mk_np.linear_mse_grads(X, y, W, b)[0],
                                   rtol=1e-10)
        np.testing.assert_allclose(W_new.numpy(), W.numpy() - 0.05 * dW.numpy(), rtol=1e-12)

    def test_standardize_and_least_squares_trace(self):
        """standardize and least_squares run inside tf.function too."""
        solve = tf.function(lambda X, y: mk.least_squares(mk.standardize(X)[0], y))
        W, _ = solve(tf.constant(X_SCORES), tf.constant(Y_SCORES))
        reference = mk_np.least_squares(mk_np.standardize(X_SCORES)[0], Y_SCORES)[0]
        np.testing.assert_allclose(W.numpy(), reference, rtol=1e-8)


class TestEstimatorMatchesNumPy:
    @pytest.mark.parametrize("seed", [None, 0, 5])
    def test_same_run(self, seed):
        """Same seed, same run: W_, b_ and every loss of loss_history_ as in NumPy."""
        X_scaled = mk_np.standardize(X_SCORES)[0]
        ours = mk.LinearRegression(lr=0.1, num_epochs=200, seed=seed).fit(X_scaled, Y_SCORES)
        reference = mk_np.LinearRegression(lr=0.1, num_epochs=200, seed=seed).fit(X_scaled,
                                                                                 Y_SCORES)
        np.testing.assert_allclose(ours.loss_history_, reference.loss_history_, rtol=1e-10)
        np.testing.assert_allclose(ours.W_, reference.W_, rtol=1e-10)
        np.testing.assert_allclose(ours.b_, reference.b_, rtol=1e-10)
        assert isinstance(ours.W_, np.ndarray) and ours.W_.dtype == np.float64
        assert all(type(loss) is float for loss in ours.loss_history_)

    def test_reaches_least_squares_from_tensors(self):
        """Given float32 tensors, it reaches scikit-learn's solution of the same data."""
        X_scaled = mk_np.standardize(X_SCORES)[0].astype(np.float32)
        model = mk.LinearRegression(lr=0.3, num_epochs=12_000).fit(
            tf.constant(X_scaled), tf.constant(Y_SCORES, tf.float32))
        sklearn_model = SklearnLinearRegression().fit(X_scaled.astype(np.float64), Y_SCORES)
        np.testing.assert_allclose(model.W_, sklearn_model.coef_.T, rtol=1e-5)
        prediction = model.predict(tf.constant(X_scaled))
        assert isinstance(prediction, tf.Tensor) and prediction.shape == (5, 1)  # the backend's
        np.testing.assert_allclose(prediction, sklearn_model.predict(X_scaled), rtol=1e-6)

    def test_diverges_at_the_same_epoch(self):
        """Above 2 / lambda_max both backends stop with the same error at the same epoch."""
        lr = 1.1 * 2.0 / hessian_eigenvalues(X_SCORES)[-1]
        messages = []
        for backend in (mk, mk_np):
            with pytest.raises(FloatingPointError, match=r"Training diverged at epoch") as info:
                backend.LinearRegression(lr=lr, num_epochs=100_000).fit(X_SCORES, Y_SCORES)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


class TestSameApi:
    def test_same_names(self):
        """Both modules define the names of their contract."""
        from mlkit.contracts import linear as contract
        from mlkit.numpy import linear as numpy_module
        from mlkit.tensorflow import linear as tf_module
        assert contract.__all__ == NAMES
        for name in NAMES:
            assert callable(getattr(numpy_module, name)) and callable(getattr(tf_module, name))

    @pytest.mark.parametrize("name", [*NAMES, "LinearRegression.fit", "LinearRegression.predict"])
    def test_same_signatures(self, name):
        """Every function and method has the same signature in both backends."""
        def resolve(module):
            value = module
            for part in name.split("."):
                value = getattr(value, part)
            return value
        assert inspect.signature(resolve(mk)) == inspect.signature(resolve(mk_np))

    def test_same_repr(self):
        """repr is NumPy's."""
        assert repr(mk.LinearRegression(lr=0.5)) == repr(mk_np.LinearRegression(lr=0.5))


class TestBadInput:
    def test_transposed_weights(self):
        """W of shape (1, 3) (the lecture's W for Wx) is refused, naming the expected shape."""
        message = ("`W` must have shape (n_features, n_outputs) with n_features = 3 from `X`. "
                   "Received: W.shape=(1, 3)")
        with pytest.raises(ValueError, match=re.escape(message)):
            mk.linear_predict(X_SCORES, np.ones((1, 3)), np.zeros(1))
        with pytest.raises(ValueError, match=re.escape(message)):
            mk_np.linear_predict(X_SCORES, np.ones((1, 3)), np.zeros(1))

    def test_mixed_dtypes(self):
        """A float32 W with float64 X is a TypeError naming both dtypes."""
        with pytest.raises(TypeError, match=re.escape(
                "`W` must have the dtype of `X`, float64. Received: W.dtype=float32")):
            mk.linear_predict(X_SCORES, tf.ones((3, 1)), [0.0])

    def test_targets_as_a_vector(self):
        """y of shape (n,) is refused with the advice to reshape it, as in NumPy."""
        with pytest.raises(ValueError, match=re.escape("use y.reshape(-1, 1). Received: "
                                                       "y.shape=(5,)")):
            mk.LinearRegression().fit(X_SCORES, Y_SCORES.ravel())

    def test_constant_column_and_unfitted(self):
        """A constant column cannot be standardized; predict before fit says to fit."""
        with pytest.raises(ValueError, match=re.escape("Received constant columns: [0]")):
            mk.standardize(tf.constant([[1.0, 2.0], [1.0, 3.0]]))
        with pytest.raises(RuntimeError, match=r"call `fit\(X, y\)` before `predict\(X\)`"):
            mk.LinearRegression().predict(X_SCORES)

    def test_bad_learning_rate(self):
        """lr = 0 is refused by the step and by fit."""
        with pytest.raises(ValueError, match=re.escape("`lr` must be positive. Received: lr=0.0")):
            mk.linear_gradient_step(X_SCORES, Y_SCORES, np.zeros((3, 1)), np.zeros(1), 0)
        with pytest.raises(ValueError, match=re.escape("`lr` must be positive")):
            mk.LinearRegression(lr=0.0).fit(X_SCORES, Y_SCORES)
