"""Tests of mlkit.numpy.perceptron against hand-worked updates, scikit-learn and theory.

The oracles are independent of mlkit: updates and whole training runs worked
out by hand on AND and OR, scikit-learn's ``Perceptron`` on linearly separable
data, the perceptron convergence theorem (Novikoff's bound on the number of
updates), and the fact that no line separates XOR.
"""

import inspect
import re

import numpy as np
import pytest
from sklearn.linear_model import Perceptron as SklearnPerceptron

from mlkit import numpy as mk

X_GATES = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
Y_AND = np.array([0, 0, 0, 1])
Y_OR = np.array([0, 1, 1, 1])
Y_XOR = np.array([0, 1, 1, 0])


def separable_data(seed, n=80, margin=0.25, n_features=2):
    """Points in [-3, 3]^d at least ``margin`` away from a random hyperplane, labelled by its side.

    Returns ``(X, y, u, c)``: the data and the separating hyperplane ``x . u + c = 0``
    (``u`` a unit vector), which separates them with a margin of at least ``margin``.
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n_features)
    u /= np.linalg.norm(u)
    c = rng.uniform(-0.5, 0.5)
    X = rng.uniform(-3.0, 3.0, size=(20 * n, n_features))
    distance = X @ u + c
    keep = np.abs(distance) >= margin
    X, distance = X[keep][:n], distance[keep][:n]
    return X, (distance > 0).astype(int), u, c


def inside_points(X, y, seed, n=200):
    """Random convex combinations of points of the same class.

    Any linear classifier that gets every training point right gets these
    right too (a half-plane is convex), so two such classifiers must agree on them.
    """
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for label in (0, 1):
        members = X[y == label]
        weights = rng.dirichlet(np.ones(len(members)), size=n // 2)
        points.append(weights @ members)
        labels.append(np.full(n // 2, label))
    return np.concatenate(points), np.concatenate(labels)


class TestUpdateRule:
    def test_missed_positive_adds_x(self):
        """A positive example predicted 0 adds lr * x to w and lr to b."""
        w, b = mk.perceptron_update(np.array([0.5, -1.0]), 0.25, np.array([1.0, 2.0]), 1, lr=0.5)
        # z = 0.5 - 2 + 0.25 = -1.25, so y_hat = 0 and y - y_hat = 1
        np.testing.assert_array_equal(w, [1.0, 0.0])
        assert b == 0.75

    def test_false_alarm_subtracts_x(self):
        """A negative example predicted 1 subtracts lr * x from w and lr from b."""
        w, b = mk.perceptron_update(np.array([1.0, 1.0]), 0.0, np.array([2.0, -1.0]), 0, lr=2.0)
        # z = 2 - 1 + 0 = 1 > 0, so y_hat = 1 and y - y_hat = -1
        np.testing.assert_array_equal(w, [-3.0, 3.0])
        assert b == -2.0

    @pytest.mark.parametrize(("x", "y"), [([3.0, 1.0], 1), ([-3.0, 1.0], 0)])
    def test_right_prediction_changes_nothing(self, x, y):
        """An example on the right side of the boundary leaves w and b as they were."""
        w, b = mk.perceptron_update(np.array([1.0, -0.5]), 0.1, np.array(x), y, lr=0.7)
        np.testing.assert_array_equal(w, [1.0, -0.5])
        assert b == 0.1

    def test_on_the_boundary_predicts_0(self):
        """w . x + b = 0 predicts 0 (step(0) = 0): a positive example there is a mistake."""
        w, b = mk.perceptron_update(np.array([1.0, -1.0]), 0.0, np.array([1.0, 1.0]), 1)
        np.testing.assert_array_equal(w, [2.0, 0.0])
        assert b == 1.0
        w, b = mk.perceptron_update(np.array([1.0, -1.0]), 0.0, np.array([1.0, 1.0]), 0)
        np.testing.assert_array_equal(w, [1.0, -1.0])
        assert b == 0.0

    def test_is_pure(self):
        """The arrays passed in are not modified; new ones come back."""
        w, x = np.array([0.0, 0.0]), np.array([1.0, 2.0])
        w_new, b_new = mk.perceptron_update(w, 0.0, x, 1)
        np.testing.assert_array_equal(w, [0.0, 0.0])
        np.testing.assert_array_equal(x, [1.0, 2.0])
        assert w_new is not w
        assert isinstance(b_new, float)
        assert w_new.dtype == np.float64

    def test_integer_and_numpy_scalar_arguments(self):
        """Integer arrays, NumPy scalars and a 0-d bias are accepted."""
        w, b = mk.perceptron_update(np.array([0, 0]), np.float32(0.0), np.array([1, 1]),
                                    np.int64(1), lr=np.float64(1.0))
        np.testing.assert_array_equal(w, [1.0, 1.0])
        assert b == 1.0
        w, b = mk.perceptron_update(w, np.array(1.0), np.array([1, 1]), 0.0)
        np.testing.assert_array_equal(w, [0.0, 0.0])
        assert b == 0.0


class TestHandWorkedTraining:
    def test_first_epoch_on_and(self):
        """From zero weights, in data order, epoch 1 has one mistake, (1, 1): w = (1, 1), b = 1."""
        # (0,0), (0,1), (1,0): z = 0, y_hat = 0 = y. (1,1): z = 0, y_hat = 0, y = 1: add (1, 1), 1.
        model = mk.Perceptron(num_epochs=1).fit(X_GATES, Y_AND)
        np.testing.assert_array_equal(model.W_, [1.0, 1.0])
        assert model.b_ == 1.0
        assert model.errors_ == [1]
        assert model.n_epochs_ == 1

    def test_whole_run_on_and(self):
        """AND takes six epochs with 1, 3, 3, 2, 1, 0 mistakes and ends at w = (2, 1), b = -2."""
        # Worked by hand, one example at a time (w1, w2, b after each mistake):
        # epoch 2: (0,0) -> (1,1,0), (0,1) -> (1,0,-1), (1,1) -> (2,1,0)
        # epoch 3: (0,1) -> (2,0,-1), (1,0) -> (1,0,-2), (1,1) -> (2,1,-1)
        # epoch 4: (1,0) -> (1,1,-2), (1,1) -> (2,2,-1); epoch 5: (0,1) -> (2,1,-2); epoch 6: none.
        model = mk.Perceptron().fit(X_GATES, Y_AND)
        np.testing.assert_array_equal(model.W_, [2.0, 1.0])
        assert model.b_ == -2.0
        assert model.errors_ == [1, 3, 3, 2, 1, 0]
        assert model.n_epochs_ == 6
        np.testing.assert_array_equal(model.predict(X_GATES), Y_AND)

    def test_whole_run_on_or(self):
        """OR takes four epochs with 1, 2, 1, 0 mistakes and ends at w = (1, 1), b = 0."""
        # epoch 1: (0,1) -> (0,1,1); epoch 2: (0,0) -> (0,1,0), (1,0) -> (1,1,1);
        # epoch 3: (0,0) -> (1,1,0); epoch 4: none.
        model = mk.Perceptron().fit(X_GATES, Y_OR)
        np.testing.assert_array_equal(model.W_, [1.0, 1.0])
        assert model.b_ == 0.0
        assert model.errors_ == [1, 2, 1, 0]
        np.testing.assert_array_equal(model.predict(X_GATES), Y_OR)

    def test_learning_rate_only_scales_the_weights(self):
        """From zero weights, lr = 0.25 makes the same mistakes and learns weights 0.25 as large."""
        model = mk.Perceptron(lr=0.25).fit(X_GATES, Y_AND)
        np.testing.assert_array_equal(model.W_, [0.5, 0.25])
        assert model.b_ == -0.5
        assert model.errors_ == [1, 3, 3, 2, 1, 0]


class TestAgainstScikitLearn:
    @pytest.mark.parametrize("seed", range(6))
    def test_both_separate_the_data_and_agree_inside_each_class(self, seed):
        """On separable data both classify every training point right and agree on inside points."""
        X, y, _, _ = separable_data(seed, n_features=2 + seed % 2)
        ours = mk.Perceptron(num_epochs=500).fit(X, y)
        theirs = SklearnPerceptron(eta0=1.0, penalty=None, shuffle=False, tol=None,
                                   max_iter=500).fit(X, y)
        np.testing.assert_array_equal(theirs.predict(X), y)
        np.testing.assert_array_equal(ours.predict(X), y)
        assert ours.errors_[-1] == 0
        X_inside, y_inside = inside_points(X, y, seed)
        np.testing.assert_array_equal(ours.predict(X_inside), theirs.predict(X_inside))
        np.testing.assert_array_equal(ours.predict(X_inside), y_inside)

    @pytest.mark.parametrize("seed", range(3))
    def test_agree_far_from_the_true_boundary_with_shuffling(self, seed):
        """With shuffled visits too, held-out points far from the true line get the same label."""
        X, y, u, c = separable_data(seed + 10, n=200, margin=0.2)
        ours = mk.Perceptron(num_epochs=500, seed=seed).fit(X, y)
        theirs = SklearnPerceptron(eta0=1.0, penalty=None, shuffle=True, random_state=seed,
                                   tol=None, max_iter=500).fit(X, y)
        rng = np.random.default_rng(100 + seed)
        X_new = rng.uniform(-2.0, 2.0, size=(2000, 2))
        far = np.abs(X_new @ u + c) > 1.0
        assert far.sum() > 500
        np.testing.assert_array_equal(ours.predict(X_new[far]), theirs.predict(X_new[far]))


class TestConvergence:
    @pytest.mark.parametrize("seed", range(8))
    def test_novikoff_bound_on_the_number_of_updates(self, seed):
        """The total number of updates is at most (R / gamma)^2 (Novikoff, 1962)."""
        X, y, u, c = separable_data(seed, n=60, margin=0.05)
        # Fold the bias into the weights: x~ = (x, 1), u~ = (u, c) / |(u, c)|.
        X_aug = np.hstack([X, np.ones((len(X), 1))])
        u_aug = np.append(u, c) / np.linalg.norm(np.append(u, c))
        gamma = np.min((2 * y - 1) * (X_aug @ u_aug))
        R = np.max(np.linalg.norm(X_aug, axis=1))
        model = mk.Perceptron(num_epochs=100_000, seed=seed).fit(X, y)
        assert model.errors_[-1] == 0
        assert sum(model.errors_) <= (R / gamma) ** 2

    def test_xor_never_converges(self):
        """On XOR every one of 100 epochs has a mistake: no line separates it."""
        model = mk.Perceptron(num_epochs=100).fit(X_GATES, Y_XOR)
        assert model.n_epochs_ == 100
        assert len(model.errors_) == 100
        assert min(model.errors_) > 0
        assert (model.predict(X_GATES) != Y_XOR).any()

    @pytest.mark.parametrize("seed", [None, 0, 1, 2])
    def test_xor_never_converges_in_any_order(self, seed):
        """Shuffling the visits does not help on XOR either."""
        model = mk.Perceptron(num_epochs=100, seed=seed).fit(X_GATES, Y_XOR)
        assert min(model.errors_) > 0

    def test_stops_after_the_first_epoch_without_mistakes(self):
        """Training ends after the first error-free epoch, which is counted in errors_."""
        model = mk.Perceptron(num_epochs=1000).fit(X_GATES, Y_OR)
        assert model.n_epochs_ == len(model.errors_) < 1000
        assert model.errors_[-1] == 0
        assert all(count > 0 for count in model.errors_[:-1])

    def test_stops_at_num_epochs(self):
        """With too few epochs for AND, exactly num_epochs epochs are run, all with mistakes."""
        model = mk.Perceptron(num_epochs=3).fit(X_GATES, Y_AND)
        assert model.errors_ == [1, 3, 3]
        assert model.n_epochs_ == 3

    def test_already_right_data_takes_one_epoch(self):
        """Data that zero weights already classify right (all labels 0) stops after one epoch."""
        model = mk.Perceptron().fit(X_GATES, np.zeros(4))
        assert model.errors_ == [0]
        np.testing.assert_array_equal(model.W_, [0.0, 0.0])
        assert model.b_ == 0.0

    def test_errors_count_the_updates(self):
        """errors_ counts updates: b_ moves by lr per update, and has one sign per label."""
        X, y, _, _ = separable_data(3, n=50, margin=0.1)
        model = mk.Perceptron(lr=1.0, num_epochs=500).fit(X, y)
        updates = sum(model.errors_)
        assert abs(model.b_) <= updates
        assert (updates - model.b_) % 2 == 0  # each update adds or subtracts exactly 1


class TestSeed:
    def test_same_seed_same_result(self):
        """Two fits with the same seed give the same weights and mistakes."""
        X, y, _, _ = separable_data(5, margin=0.05)
        first = mk.Perceptron(seed=7).fit(X, y)
        second = mk.Perceptron(seed=7).fit(X, y)
        np.testing.assert_array_equal(first.W_, second.W_)
        assert first.b_ == second.b_
        assert first.errors_ == second.errors_

    def test_seed_changes_the_order_of_visits(self):
        """Different seeds visit the examples in different orders, so their runs differ."""
        X, y, _, _ = separable_data(5, margin=0.05)
        runs = {tuple(mk.Perceptron(seed=seed).fit(X, y).errors_) for seed in range(5)}
        assert len(runs) > 1

    def test_no_seed_is_data_order(self):
        """seed=None visits the rows in order: reversed AND makes other mistakes."""
        # Reversed, epoch 1 visits (1,1) -> (1,1,1), (1,0) -> (0,1,0), (0,1) -> (0,0,-1), (0,0) ok.
        backward = mk.Perceptron(num_epochs=1).fit(X_GATES[::-1], Y_AND[::-1])
        assert backward.errors_ == [3]
        np.testing.assert_array_equal(backward.W_, [0.0, 0.0])
        assert backward.b_ == -1.0

    def test_seed_does_not_change_the_starting_point(self):
        """Any seed on data of one example makes the same single update from zero weights."""
        for seed in (None, 0, 123):
            model = mk.Perceptron(num_epochs=1, seed=seed).fit(np.array([[2.0, -1.0]]), [1])
            np.testing.assert_array_equal(model.W_, [2.0, -1.0])
            assert model.b_ == 1.0


class TestEstimatorConventions:
    def test_init_only_stores_hyperparameters(self):
        """__init__ stores its arguments unchanged and checks nothing: fit does."""
        model = mk.Perceptron(lr=-1, num_epochs="many", seed=1.5)
        assert (model.lr, model.num_epochs, model.seed) == (-1, "many", 1.5)
        assert not hasattr(model, "W_")

    def test_hyperparameters_are_keyword_only(self):
        """Perceptron(0.1) is a TypeError: hyperparameters are keyword-only."""
        with pytest.raises(TypeError):
            mk.Perceptron(0.1)
        parameters = inspect.signature(mk.Perceptron).parameters
        assert list(parameters) == ["lr", "num_epochs", "seed"]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
        assert [p.default for p in parameters.values()] == [1.0, 100, None]

    def test_fit_returns_self_and_sets_learned_attributes(self):
        """fit returns the estimator, with W_ (n_features,), b_ a float, errors_ and n_epochs_."""
        model = mk.Perceptron()
        assert model.fit(X_GATES, Y_OR) is model
        assert model.W_.shape == (2,) and model.W_.dtype == np.float64
        assert type(model.b_) is float
        assert isinstance(model.errors_, list) and all(type(e) is int for e in model.errors_)
        assert model.n_epochs_ == len(model.errors_)

    def test_repr(self):
        """repr shows the class and its hyperparameters."""
        assert repr(mk.Perceptron()) == "Perceptron(lr=1.0, num_epochs=100, seed=None)"
        assert repr(mk.Perceptron(lr=0.5, num_epochs=10, seed=3)) == (
            "Perceptron(lr=0.5, num_epochs=10, seed=3)")

    def test_refit_starts_again(self):
        """A second fit starts from zero weights, not from the first fit's."""
        model = mk.Perceptron().fit(X_GATES, Y_OR)
        model.fit(X_GATES, Y_AND)
        assert model.errors_ == [1, 3, 3, 2, 1, 0]

    def test_predict_returns_int_labels(self):
        """predict returns an int64 array of 0 and 1, one per row."""
        prediction = mk.Perceptron().fit(X_GATES, Y_AND).predict(np.array([[1.0, 1.0]] * 3))
        assert prediction.dtype == np.int64
        np.testing.assert_array_equal(prediction, [1, 1, 1])

    def test_inputs_are_not_modified(self):
        """fit and predict leave X and y as they were."""
        X, y = X_GATES.astype(float), Y_AND.astype(float)
        model = mk.Perceptron().fit(X, y)
        model.predict(X)
        np.testing.assert_array_equal(X, X_GATES)
        np.testing.assert_array_equal(y, Y_AND)

    @pytest.mark.parametrize("labels", [[0, 0, 0, 1], [0.0, 0.0, 0.0, 1.0],
                                        [False, False, False, True]])
    def test_lists_and_any_label_dtype(self, labels):
        """Lists, and labels given as ints, floats or bools, give the same run."""
        model = mk.Perceptron().fit(X_GATES.tolist(), labels)
        assert model.errors_ == [1, 3, 3, 2, 1, 0]


class TestBadInput:
    @pytest.mark.parametrize(("kwargs", "error", "message"), [
        ({"lr": 0}, ValueError, "`lr` must be positive. Received: lr=0.0"),
        ({"lr": -0.1}, ValueError, "`lr` must be positive. Received: lr=-0.1"),
        ({"lr": "1"}, TypeError, "`lr` must be a finite real number. Received: lr='1'"),
        ({"lr": float("nan")}, TypeError, "`lr` must be a finite real number. Received: lr=nan"),
        ({"num_epochs": 0}, ValueError,
         "`num_epochs` must be a positive integer. Received: num_epochs=0"),
        ({"num_epochs": 2.5}, ValueError,
         "`num_epochs` must be a positive integer. Received: num_epochs=2.5"),
        ({"seed": -1}, ValueError,
         "`seed` must be None or a non-negative integer. Received: seed=-1"),
        ({"seed": "0"}, ValueError,
         "`seed` must be None or a non-negative integer. Received: seed='0'"),
    ])
    def test_bad_hyperparameters_raise_at_fit(self, kwargs, error, message):
        """A bad lr, num_epochs or seed raises at fit, naming the argument and its value."""
        model = mk.Perceptron(**kwargs)
        with pytest.raises(error, match=re.escape(message)):
            model.fit(X_GATES, Y_AND)

    @pytest.mark.parametrize(("X", "y", "message"), [
        (np.array([0.0, 1.0, 2.0]), [0, 1, 1],
         r"`X` must be a 2-D array of shape \(n, n_features\).*Received: X.shape=\(3,\)"),
        (np.zeros((2, 2, 2)), [0, 1], r"`X` must be a 2-D array.*Received: X.shape=\(2, 2, 2\)"),
        (np.zeros((0, 2)), [], r"`X` must hold at least one example.*X.shape=\(0, 2\)"),
        (X_GATES, [0, 0, 1], r"`y` must have shape \(n,\) = \(4,\).*Received: y.shape=\(3,\)"),
        (X_GATES, [[0], [0], [0], [1]], r"`y` must have shape \(n,\) = \(4,\).*y.shape=\(4, 1\)"),
        (X_GATES, [-1, -1, -1, 1], r"`y` must hold only the labels 0 and 1.*\[-1.0\]"),
        (X_GATES, [0, 0, 0, 2], r"`y` must hold only the labels 0 and 1.*\[2.0\]"),
        (np.array([[0.0, np.nan]] * 4), Y_AND, r"`X` must hold finite numbers"),
    ], ids=["X-1d", "X-3d", "X-empty", "y-length", "y-2d", "y-plus-minus-one", "y-two", "X-nan"])
    def test_bad_data_raises_a_clear_value_error(self, X, y, message):
        """Wrong shapes, lengths and labels raise a ValueError naming X or y and the shape."""
        with pytest.raises(ValueError, match=message):
            mk.Perceptron().fit(X, y)

    def test_bad_dtype(self):
        """Strings raise a TypeError naming X."""
        with pytest.raises(TypeError, match=r"`X` must hold real numbers"):
            mk.Perceptron().fit([["a", "b"]], [0])

    def test_predict_before_fit(self):
        """predict on an unfitted estimator raises an error that says to call fit first."""
        with pytest.raises(RuntimeError, match=r"not fitted yet: call `fit\(X, y\)` before"):
            mk.Perceptron().predict(X_GATES)

    def test_predict_with_wrong_number_of_features(self):
        """predict on data with another number of columns names the expected count."""
        model = mk.Perceptron().fit(X_GATES, Y_AND)
        with pytest.raises(ValueError, match=re.escape(
                "`X` must have 2 features (columns), as the data given to `fit`. "
                "Received: X.shape=(4, 3)")):
            model.predict(np.zeros((4, 3)))

    @pytest.mark.parametrize(("args", "error", "message"), [
        ((np.zeros(2), 0.0, np.zeros(3), 1), ValueError,
         r"`w` and `x` must both have shape \(n_features,\).*w.shape=\(2,\), x.shape=\(3,\)"),
        ((np.zeros((1, 2)), 0.0, np.zeros((1, 2)), 1), ValueError, r"`w` and `x` must both"),
        ((np.zeros(2), 0.0, np.zeros(2), 2), ValueError,
         r"`y` must be the label 0 or 1. Received: y=2"),
        ((np.zeros(2), 0.0, np.zeros(2), -1), ValueError, r"`y` must be the label 0 or 1"),
        ((np.zeros(2), 0.0, np.zeros(2), [1]), ValueError, r"`y` must be the label 0 or 1"),
        ((np.zeros(2), None, np.zeros(2), 1), TypeError, r"`b` must be a finite real number"),
        ((np.zeros(2), 0.0, np.zeros(2), 1, 0.0), ValueError, r"`lr` must be positive"),
    ], ids=["x-length", "2d", "y-2", "y-minus-1", "y-list", "b-None", "lr-0"])
    def test_update_rejects_bad_arguments(self, args, error, message):
        """perceptron_update names the bad argument: shapes of w and x, the label, b, lr."""
        with pytest.raises(error, match=message):
            mk.perceptron_update(*args)
