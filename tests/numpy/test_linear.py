"""Tests of mlkit.numpy.linear against hand-computed values, finite differences and scikit-learn.

The oracles are independent of mlkit: predictions computed one example at a
time with Python sums, the gradient of the loss by centred differences, the
closed-form solution of scikit-learn's ``LinearRegression`` and
``np.linalg.lstsq``, scikit-learn's ``StandardScaler``, and the eigenvalues of
the loss's Hessian, which say which learning rates converge.
"""

import inspect
import re

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression as SklearnLinearRegression
from sklearn.preprocessing import StandardScaler

from mlkit import numpy as mk
from mlkit.datasets import load_test_scores
from mlkit.testing import numerical_gradient, rel_error

X_SCORES, Y_SCORES = load_test_scores()


def random_problem(seed, n=20, n_features=3, n_outputs=2):
    """Random inputs, weights, biases and noisy linear targets."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    W = rng.normal(size=(n_features, n_outputs))
    b = rng.normal(size=n_outputs)
    y = X @ rng.normal(size=(n_features, n_outputs)) + 0.1 * rng.normal(size=(n, n_outputs))
    return X, y, W, b


def mse(X, y, W, b):
    """The mean squared error written out with Python sums, one example and output at a time."""
    n, k = y.shape
    total = 0.0
    for i in range(n):
        for j in range(k):
            prediction = sum(X[i, f] * W[f, j] for f in range(X.shape[1])) + b[j]
            total += (prediction - y[i, j]) ** 2
    return total / (n * k)


def hessian_eigenvalues(X):
    """Eigenvalues of the Hessian of the MSE in (W, b) for one output: 2/n [X 1]^T [X 1]."""
    X_ones = np.hstack([X, np.ones((len(X), 1))])
    return np.linalg.eigvalsh(2.0 / len(X) * X_ones.T @ X_ones)


class TestPredict:
    def test_hand_computed_on_the_test_scores(self):
        """With W = (1, 0.5, 0.5) and b = 1.5 the first two students get exactly 152 and 185."""
        # 73 + 40 + 37.5 + 1.5 = 152 and 93 + 44 + 46.5 + 1.5 = 185
        Y_hat = mk.linear_predict(X_SCORES, np.array([[1.0], [0.5], [0.5]]), np.array([1.5]))
        assert Y_hat.shape == (5, 1)
        np.testing.assert_array_equal(Y_hat[:2], [[152.0], [185.0]])

    @pytest.mark.parametrize(("n", "n_outputs"), [(5, 1), (7, 2), (1, 4)])
    def test_shapes(self, n, n_outputs):
        """[n, 3] . [3, k] + [k] = [n, k]: one row per example, one column per output."""
        X, _, _, _ = random_problem(0, n=n)
        W, b = np.ones((3, n_outputs)), np.zeros(n_outputs)
        assert mk.linear_predict(X, W, b).shape == (n, n_outputs)

    def test_equals_one_example_at_a_time(self):
        """Row i is x_i . W[:, j] + b[j], computed with Python sums."""
        X, _, W, b = random_problem(1, n=6)
        Y_hat = mk.linear_predict(X, W, b)
        for i in range(6):
            for j in range(2):
                expected = sum(X[i, f] * W[f, j] for f in range(3)) + b[j]
                assert Y_hat[i, j] == pytest.approx(expected, rel=1e-12)

    def test_lecture_notation_is_the_transpose(self):
        """The lecture's column form W^T x + b, for each example, is the transpose of a row."""
        X, _, W, b = random_problem(2, n=4)
        columns = np.column_stack([W.T @ x + b for x in X])  # shape (k, n)
        np.testing.assert_allclose(mk.linear_predict(X, W, b), columns.T, rtol=1e-12)

    def test_keeps_float32(self):
        """float32 inputs give a float32 result."""
        Y_hat = mk.linear_predict(np.ones((2, 3), np.float32), np.ones((3, 1), np.float32),
                                  np.zeros(1, np.float32))
        assert Y_hat.dtype == np.float32


class TestGradients:
    @pytest.mark.parametrize("seed", range(4))
    def test_match_finite_differences(self, seed):
        """dW and db agree with centred differences of the loss written with Python sums."""
        X, y, W, b = random_problem(seed, n=6, n_outputs=1 + seed % 3)
        dW, db = mk.linear_mse_grads(X, y, W, b)
        assert dW.shape == W.shape and db.shape == b.shape
        assert rel_error(dW, numerical_gradient(lambda W_: mse(X, y, W_, b), W)) < 1e-7
        assert rel_error(db, numerical_gradient(lambda b_: mse(X, y, W, b_), b)) < 1e-7

    def test_from_zero_weights(self):
        """At W = 0, b = 0 the prediction is 0: dW = -2/n X^T y and db = -2 mean(y)."""
        dW, db = mk.linear_mse_grads(X_SCORES, Y_SCORES, np.zeros((3, 1)), np.zeros(1))
        np.testing.assert_allclose(dW, -2.0 / 5 * X_SCORES.T @ Y_SCORES, rtol=1e-12)
        # mean(y) = (152 + 185 + 180 + 196 + 142) / 5 = 171
        np.testing.assert_allclose(db, [-342.0], rtol=1e-12)

    def test_zero_at_the_least_squares_solution(self):
        """The gradient vanishes at scikit-learn's least-squares solution (the normal equations)."""
        X, y, _, _ = random_problem(5)
        sklearn_model = SklearnLinearRegression().fit(X, y)
        dW, db = mk.linear_mse_grads(X, y, sklearn_model.coef_.T, sklearn_model.intercept_)
        np.testing.assert_allclose(dW, 0.0, atol=1e-12)
        np.testing.assert_allclose(db, 0.0, atol=1e-12)


class TestGradientStep:
    def test_hand_computed_first_step(self):
        """From zeros with lr = 0.1: W = 0.2/n X^T y and b = 0.2 mean(y) = 34.2."""
        W, b = mk.linear_gradient_step(X_SCORES, Y_SCORES, np.zeros((3, 1)), np.zeros(1), 0.1)
        np.testing.assert_allclose(W, 0.2 / 5 * X_SCORES.T @ Y_SCORES, rtol=1e-12)
        np.testing.assert_allclose(b, [34.2], rtol=1e-12)

    def test_a_small_step_lowers_the_loss(self):
        """A step with a learning rate below 2 / (largest Hessian eigenvalue) lowers the loss."""
        X, y, W, b = random_problem(3, n_outputs=1)
        y = y[:, :1]
        lr = 1.0 / hessian_eigenvalues(X)[-1]
        W_new, b_new = mk.linear_gradient_step(X, y, W, b, lr)
        assert mse(X, y, W_new, b_new) < mse(X, y, W, b)

    def test_is_pure(self):
        """The arrays given are not modified."""
        X, y, W, b = random_problem(4)
        W_copy, b_copy = W.copy(), b.copy()
        W_new, _ = mk.linear_gradient_step(X, y, W, b, 0.1)
        np.testing.assert_array_equal(W, W_copy)
        np.testing.assert_array_equal(b, b_copy)
        assert W_new is not W


class TestLeastSquares:
    def test_test_scores_match_scikit_learn(self):
        """On the test scores W and b are scikit-learn's coef_.T and intercept_."""
        W, b = mk.least_squares(X_SCORES, Y_SCORES)
        sklearn_model = SklearnLinearRegression().fit(X_SCORES, Y_SCORES)
        np.testing.assert_allclose(W, sklearn_model.coef_.T, rtol=1e-7)
        np.testing.assert_allclose(b, sklearn_model.intercept_, rtol=1e-7)
        assert W.shape == (3, 1) and b.shape == (1,)

    @pytest.mark.parametrize("seed", range(3))
    def test_random_data_with_two_outputs(self, seed):
        """With two outputs, each column is scikit-learn's fit of that output."""
        X, y, _, _ = random_problem(seed, n=30, n_features=4)
        W, b = mk.least_squares(X, y)
        sklearn_model = SklearnLinearRegression().fit(X, y)
        np.testing.assert_allclose(W, sklearn_model.coef_.T, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b, sklearn_model.intercept_, rtol=1e-9, atol=1e-12)

    def test_exact_line(self):
        """Points on y = 3 x1 - 2 x2 + 5 give back exactly those weights."""
        X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 3.0]])
        W, b = mk.least_squares(X, X @ np.array([[3.0], [-2.0]]) + 5.0)
        np.testing.assert_allclose(W, [[3.0], [-2.0]], atol=1e-12)
        np.testing.assert_allclose(b, [5.0], atol=1e-12)

    def test_no_other_weights_fit_better(self):
        """Moving the solution in any direction raises the loss (it is the minimum)."""
        W, b = mk.least_squares(X_SCORES, Y_SCORES)
        best = mse(X_SCORES, Y_SCORES, W, b)
        rng = np.random.default_rng(0)
        for _ in range(20):
            assert mse(X_SCORES, Y_SCORES, W + 1e-3 * rng.normal(size=W.shape),
                       b + 1e-3 * rng.normal(size=1)) > best


class TestStandardize:
    def test_matches_scikit_learn(self):
        """The result, mean and std are those of scikit-learn's StandardScaler."""
        X_scaled, mean, std = mk.standardize(X_SCORES)
        scaler = StandardScaler().fit(X_SCORES)
        np.testing.assert_allclose(X_scaled, scaler.transform(X_SCORES), rtol=1e-12)
        np.testing.assert_allclose(mean, scaler.mean_, rtol=1e-12)
        np.testing.assert_allclose(std, scaler.scale_, rtol=1e-12)

    def test_weights_convert_back_to_the_original_features(self):
        """Least squares on standardized features, converted back, is least squares on X."""
        X_scaled, mean, std = mk.standardize(X_SCORES)
        W_scaled, b_scaled = mk.least_squares(X_scaled, Y_SCORES)
        W, b = mk.least_squares(X_SCORES, Y_SCORES)
        np.testing.assert_allclose(W_scaled / std[:, None], W, rtol=1e-8)
        np.testing.assert_allclose(b_scaled - (mean / std) @ W_scaled, b, rtol=1e-8)

    def test_improves_the_condition_number(self):
        """Standardizing divides the condition number of the scores' Hessian by over 1000."""
        before = hessian_eigenvalues(X_SCORES)
        after = hessian_eigenvalues(mk.standardize(X_SCORES)[0])
        assert (before[-1] / before[0]) / (after[-1] / after[0]) > 1000

    def test_constant_column(self):
        """A constant column cannot be standardized: the error names it."""
        with pytest.raises(ValueError, match=re.escape("Received constant columns: [1]")):
            mk.standardize(np.array([[1.0, 2.0], [3.0, 2.0]]))


class TestLinearRegression:
    def test_reaches_least_squares_on_standardized_scores(self):
        """On standardized test scores, 12000 steps of lr = 0.3 give the least-squares solution."""
        X_scaled, _, _ = mk.standardize(X_SCORES)
        model = mk.LinearRegression(lr=0.3, num_epochs=12_000).fit(X_scaled, Y_SCORES)
        W, b = mk.least_squares(X_scaled, Y_SCORES)
        np.testing.assert_allclose(model.W_, W, rtol=1e-6)
        np.testing.assert_allclose(model.b_, b, rtol=1e-6)
        np.testing.assert_allclose(model.predict(X_scaled),
                                   SklearnLinearRegression().fit(X_scaled, Y_SCORES).predict(
                                       X_scaled), rtol=1e-6)

    def test_loss_history(self):
        """From zeros the first loss is mean(y^2); with a stable lr the loss never rises."""
        X_scaled, _, _ = mk.standardize(X_SCORES)
        model = mk.LinearRegression(lr=0.1, num_epochs=300).fit(X_scaled, Y_SCORES)
        assert len(model.loss_history_) == 300
        assert all(type(loss) is float for loss in model.loss_history_)
        assert model.loss_history_[0] == pytest.approx(np.mean(Y_SCORES ** 2))
        assert np.all(np.diff(model.loss_history_) <= 0)
        assert model.loss_history_[-1] >= mse(X_scaled, Y_SCORES, model.W_, model.b_)

    def test_stability_limit_is_two_over_the_largest_eigenvalue(self):
        """Unscaled scores: lr = 0.9 * 2/lambda_max converges, lr = 1.1 * 2/lambda_max diverges."""
        limit = 2.0 / hessian_eigenvalues(X_SCORES)[-1]  # about 4.5e-5
        stable = mk.LinearRegression(lr=0.9 * limit, num_epochs=2000).fit(X_SCORES, Y_SCORES)
        assert stable.loss_history_[-1] < 1.0
        with pytest.raises(FloatingPointError, match=r"Training diverged at epoch \d+: the loss "
                           r"became (inf|nan).*lr=.* is too large.*standardize"):
            mk.LinearRegression(lr=1.1 * limit, num_epochs=100_000).fit(X_SCORES, Y_SCORES)

    def test_lectures_tiny_learning_rate_is_slow(self):
        """Unscaled, lr = 1e-6 lowers the loss at every step but is far from least squares."""
        model = mk.LinearRegression(lr=1e-6, num_epochs=2000).fit(X_SCORES, Y_SCORES)
        assert np.all(np.diff(model.loss_history_) < 0)
        best = mse(X_SCORES, Y_SCORES, *mk.least_squares(X_SCORES, Y_SCORES))
        assert model.loss_history_[-1] > 10 * best

    def test_several_outputs_match_scikit_learn(self):
        """Two outputs at once reach scikit-learn's solution on random standardized data."""
        X, y, _, _ = random_problem(7, n=40)
        model = mk.LinearRegression(lr=0.2, num_epochs=3000).fit(X, y)
        sklearn_model = SklearnLinearRegression().fit(X, y)
        np.testing.assert_allclose(model.W_, sklearn_model.coef_.T, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(model.b_, sklearn_model.intercept_, rtol=1e-6, atol=1e-9)

    def test_seed(self):
        """seed=None starts from zeros; a seed starts from reproducible normal draws."""
        start = mk.LinearRegression(num_epochs=1, lr=1e-9)
        assert start.fit(X_SCORES, Y_SCORES).loss_history_[0] == pytest.approx(
            np.mean(Y_SCORES ** 2))
        first = mk.LinearRegression(num_epochs=5, lr=1e-6, seed=3).fit(X_SCORES, Y_SCORES)
        second = mk.LinearRegression(num_epochs=5, lr=1e-6, seed=3).fit(X_SCORES, Y_SCORES)
        other = mk.LinearRegression(num_epochs=5, lr=1e-6, seed=4).fit(X_SCORES, Y_SCORES)
        assert first.loss_history_ == second.loss_history_ != other.loss_history_
        rng = np.random.default_rng(3)
        W0, b0 = rng.standard_normal((3, 1)), rng.standard_normal(1)
        assert first.loss_history_[0] == pytest.approx(mse(X_SCORES, Y_SCORES, W0, b0))


class TestEstimatorConventions:
    def test_keyword_only_with_defaults(self):
        """LinearRegression(0.1) is a TypeError; the defaults are lr=0.01, 1000 epochs, no seed."""
        with pytest.raises(TypeError):
            mk.LinearRegression(0.1)
        parameters = inspect.signature(mk.LinearRegression).parameters
        assert list(parameters) == ["lr", "num_epochs", "seed"]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
        assert [p.default for p in parameters.values()] == [0.01, 1000, None]

    def test_init_only_stores(self):
        """__init__ stores its arguments unchanged; fit checks them."""
        model = mk.LinearRegression(lr=-1, num_epochs="many", seed=1.5)
        assert (model.lr, model.num_epochs, model.seed) == (-1, "many", 1.5)

    def test_fit_returns_self_and_attributes(self):
        """fit returns the estimator with W_ (d, k), b_ (k,) and loss_history_; repr shows it."""
        model = mk.LinearRegression(num_epochs=3, lr=1e-6)
        assert model.fit(X_SCORES, Y_SCORES) is model
        assert model.W_.shape == (3, 1) and model.b_.shape == (1,)
        assert model.W_.dtype == np.float64
        assert repr(model) == "LinearRegression(lr=1e-06, num_epochs=3, seed=None)"

    def test_refit_starts_again(self):
        """A second fit starts from zeros again."""
        model = mk.LinearRegression(num_epochs=3, lr=1e-6)
        first = list(model.fit(X_SCORES, Y_SCORES).loss_history_)
        assert model.fit(X_SCORES, Y_SCORES).loss_history_ == first


class TestBadInput:
    @pytest.mark.parametrize(("args", "message"), [
        ((X_SCORES, np.ones((1, 3)), np.zeros(1)),
         "`W` must have shape (n_features, n_outputs) with n_features = 3 from `X`. "
         "Received: W.shape=(1, 3)"),
        ((X_SCORES, np.ones(3), np.zeros(1)),
         "`W` must have shape (n_features, n_outputs) with n_features = 3 from `X`. "
         "Received: W.shape=(3,)"),
        ((X_SCORES, np.ones((3, 2)), np.zeros(1)),
         "`b` must have shape (n_outputs,) with n_outputs = 2 from `W`. Received: b.shape=(1,)"),
        ((X_SCORES[0], np.ones((3, 1)), np.zeros(1)),
         "`X` must have shape (n, n_features), one row per example. Received: X.shape=(3,)"),
    ], ids=["W-transposed", "W-vector", "b-length", "X-one-example"])
    def test_shapes_are_named(self, args, message):
        """Wrong shapes raise a ValueError naming the argument, the expected and received shape."""
        with pytest.raises(ValueError, match=re.escape(message)):
            mk.linear_predict(*args)

    def test_targets_as_a_vector(self):
        """y of shape (n,) is refused with the advice to reshape it."""
        with pytest.raises(ValueError, match=re.escape(
                "`y` must have shape (n, n_outputs) = (5, n_outputs): one row per row of `X`. "
                "For one output, use y.reshape(-1, 1). Received: y.shape=(5,)")):
            mk.LinearRegression().fit(X_SCORES, Y_SCORES.ravel())
        with pytest.raises(ValueError, match=r"y.shape=\(4, 1\)"):
            mk.linear_mse_grads(X_SCORES, Y_SCORES[:4], np.zeros((3, 1)), np.zeros(1))

    @pytest.mark.parametrize(("kwargs", "error", "message"), [
        ({"lr": 0}, ValueError, "`lr` must be positive. Received: lr=0.0"),
        ({"lr": "big"}, TypeError, "`lr` must be a finite real number. Received: lr='big'"),
        ({"num_epochs": 0}, ValueError,
         "`num_epochs` must be a positive integer. Received: num_epochs=0"),
        ({"seed": -1}, ValueError,
         "`seed` must be None or a non-negative integer. Received: seed=-1"),
    ])
    def test_bad_hyperparameters(self, kwargs, error, message):
        """A bad lr, num_epochs or seed raises at fit, naming it."""
        with pytest.raises(error, match=re.escape(message)):
            mk.LinearRegression(**kwargs).fit(X_SCORES, Y_SCORES)

    def test_step_checks_lr(self):
        """linear_gradient_step refuses a negative learning rate (it would climb the loss)."""
        with pytest.raises(ValueError, match=re.escape("`lr` must be positive. Received: lr=-0.1")):
            mk.linear_gradient_step(X_SCORES, Y_SCORES, np.zeros((3, 1)), np.zeros(1), -0.1)

    def test_predict_before_fit_and_wrong_features(self):
        """predict says to fit first, and names the expected number of features."""
        with pytest.raises(RuntimeError, match=r"not fitted yet: call `fit\(X, y\)`"):
            mk.LinearRegression().predict(X_SCORES)
        model = mk.LinearRegression(num_epochs=1, lr=1e-6).fit(X_SCORES, Y_SCORES)
        with pytest.raises(ValueError, match=re.escape(
                "`X` must have 3 features (columns), as the data given to `fit`. "
                "Received: X.shape=(5, 2)")):
            model.predict(X_SCORES[:, :2])

    def test_strings_are_refused(self):
        """Non-numbers raise a TypeError naming X."""
        with pytest.raises(TypeError, match=r"`X` must hold real numbers"):
            mk.least_squares([["a", "b"]], [[1.0]])
