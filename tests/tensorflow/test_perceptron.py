"""Tests of mlkit.tensorflow.perceptron: the same run as mlkit.numpy, step for step.

The NumPy backend is checked against hand-worked runs and scikit-learn in
tests/numpy/test_perceptron.py; agreeing with it exactly (weights, bias and
the mistakes of every epoch, for the same seed) is the parity check. The
hand-worked AND run and scikit-learn are used here too, directly.
"""

import inspect
import re

import numpy as np
import pytest
import tensorflow as tf
from sklearn.linear_model import Perceptron as SklearnPerceptron

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk
from tests.numpy.test_perceptron import X_GATES, Y_AND, Y_OR, Y_XOR, separable_data


def assert_same_run(ours, reference):
    """Two fitted perceptrons learned the same weights and made the same mistakes."""
    np.testing.assert_array_equal(ours.W_, reference.W_)
    assert ours.b_ == reference.b_
    assert ours.errors_ == reference.errors_
    assert ours.n_epochs_ == reference.n_epochs_


class TestParityWithNumPy:
    @pytest.mark.parametrize(("y", "lr"), [(Y_AND, 1.0), (Y_OR, 0.5), (Y_AND, 0.1)],
                             ids=["and", "or-lr-0.5", "and-lr-0.1"])
    def test_gates(self, y, lr):
        """On AND and OR the TensorFlow run is the NumPy run, for any lr."""
        assert_same_run(mk.Perceptron(lr=lr).fit(X_GATES, y),
                        mk_np.Perceptron(lr=lr).fit(X_GATES, y))

    def test_hand_worked_and(self):
        """The TensorFlow run on AND is the one worked out by hand."""
        model = mk.Perceptron().fit(X_GATES, Y_AND)
        np.testing.assert_array_equal(model.W_, [2.0, 1.0])
        assert model.b_ == -2.0
        assert model.errors_ == [1, 3, 3, 2, 1, 0]

    @pytest.mark.parametrize("seed", [None, 0, 3])
    @pytest.mark.parametrize("data_seed", [1, 2])
    def test_separable_data_with_and_without_seed(self, data_seed, seed):
        """On separable data the same seed gives identical W_, b_ and errors_ in both backends."""
        X, y, _, _ = separable_data(data_seed, n=40, margin=0.1, n_features=2 + data_seed % 2)
        ours = mk.Perceptron(seed=seed, lr=0.3).fit(X, y)
        reference = mk_np.Perceptron(seed=seed, lr=0.3).fit(X, y)
        assert ours.errors_ == reference.errors_
        np.testing.assert_allclose(ours.W_, reference.W_, rtol=1e-12, atol=1e-12)
        assert ours.b_ == pytest.approx(reference.b_, rel=1e-12, abs=1e-12)
        np.testing.assert_array_equal(ours.predict(X), y)

    def test_xor_fails_the_same_way(self):
        """On XOR both backends make the same mistakes in every one of 100 epochs."""
        ours = mk.Perceptron(num_epochs=100).fit(X_GATES, Y_XOR)
        assert_same_run(ours, mk_np.Perceptron(num_epochs=100).fit(X_GATES, Y_XOR))
        assert min(ours.errors_) > 0

    def test_tensors_and_arrays_give_the_same_run(self):
        """X and y given as tensors (float32, int32) give the run of NumPy arrays."""
        from_tensors = mk.Perceptron().fit(tf.constant(X_GATES, tf.float32),
                                           tf.constant(Y_AND, tf.int32))
        assert_same_run(from_tensors, mk.Perceptron().fit(X_GATES, Y_AND))
        np.testing.assert_array_equal(from_tensors.predict(tf.constant(X_GATES)), Y_AND)

    def test_predictions_match_numpy_and_types(self):
        """predict returns NumPy's labels as an int64 tensor, for arrays and tensors alike."""
        X, y, _, _ = separable_data(4, n=30)
        ours, reference = mk.Perceptron().fit(X, y), mk_np.Perceptron().fit(X, y)
        X_new = np.random.default_rng(0).uniform(-3.0, 3.0, size=(50, 2))
        for data in (X_new, tf.constant(X_new)):
            prediction = ours.predict(data)
            assert isinstance(prediction, tf.Tensor) and prediction.dtype == tf.int64
            np.testing.assert_array_equal(prediction, reference.predict(X_new))
        assert isinstance(ours.W_, np.ndarray) and ours.W_.dtype == np.float64
        assert type(ours.b_) is float

    def test_separates_like_scikit_learn(self):
        """On separable data it gets every training point right, as scikit-learn does."""
        X, y, _, _ = separable_data(6, n=40)
        sklearn_model = SklearnPerceptron(eta0=1.0, penalty=None, shuffle=False, tol=None,
                                          max_iter=200).fit(X, y)
        np.testing.assert_array_equal(sklearn_model.predict(X), y)
        np.testing.assert_array_equal(mk.Perceptron().fit(X, y).predict(X), y)


class TestUpdateRule:
    @pytest.mark.parametrize(("w", "b", "x", "y", "lr"), [
        ([0.5, -1.0], 0.25, [1.0, 2.0], 1, 0.5),
        ([1.0, 1.0], 0.0, [2.0, -1.0], 0, 2.0),
        ([1.0, -1.0], 0.0, [1.0, 1.0], 1, 1.0),
        ([1.0, -0.5], 0.1, [3.0, 1.0], 1, 0.7),
    ], ids=["missed-positive", "false-alarm", "on-the-boundary", "right"])
    def test_matches_numpy(self, w, b, x, y, lr):
        """perceptron_update gives NumPy's new w and b, in float64."""
        w_new, b_new = mk.perceptron_update(tf.constant(w, tf.float64), b,
                                            tf.constant(x, tf.float64), y, lr)
        w_ref, b_ref = mk_np.perceptron_update(np.array(w), b, np.array(x), y, lr)
        assert w_new.dtype == tf.float64 and b_new.dtype == tf.float64
        np.testing.assert_array_equal(w_new.numpy(), w_ref)
        assert b_new.numpy() == b_ref

    def test_in_tf_function(self):
        """Inside tf.function, with a label that is a tensor, the update is the same."""
        update = tf.function(mk.perceptron_update)
        w_new, b_new = update(tf.constant([0.5, -1.0]), tf.constant(0.25),
                              tf.constant([1.0, 2.0]), tf.constant(1.0), 0.5)
        np.testing.assert_array_equal(w_new.numpy(), [1.0, 0.0])
        assert b_new.numpy() == 0.75

    def test_keeps_float32_and_does_not_assign_to_a_variable(self):
        """A float32 variable gives float32 results and is left unchanged (the update is pure)."""
        w = tf.Variable([0.0, 0.0])
        w_new, b_new = mk.perceptron_update(w, 0.0, np.array([1.0, 1.0]), 1)
        assert w_new.dtype == tf.float32 and b_new.dtype == tf.float32
        np.testing.assert_array_equal(w.numpy(), [0.0, 0.0])
        np.testing.assert_array_equal(w_new.numpy(), [1.0, 1.0])


class TestSameApi:
    def test_same_public_names(self):
        """Both modules define perceptron_update and Perceptron, the names of their contract."""
        from mlkit.contracts import perceptron as contract
        from mlkit.numpy import perceptron as numpy_module
        from mlkit.tensorflow import perceptron as tf_module
        assert contract.__all__ == ["perceptron_update", "Perceptron"]
        for name in contract.__all__:
            assert callable(getattr(numpy_module, name)) and callable(getattr(tf_module, name))

    @pytest.mark.parametrize("name", ["perceptron_update", "Perceptron", "Perceptron.fit",
                                      "Perceptron.predict"])
    def test_same_signatures(self, name):
        """The update, the constructor, fit and predict have the same signatures in both."""
        def resolve(module):
            value = module
            for part in name.split("."):
                value = getattr(value, part)
            return value
        assert inspect.signature(resolve(mk)) == inspect.signature(resolve(mk_np))

    def test_same_repr(self):
        """repr is the same as NumPy's."""
        assert repr(mk.Perceptron(lr=0.5, seed=2)) == repr(mk_np.Perceptron(lr=0.5, seed=2))


class TestBadInput:
    @pytest.mark.parametrize(("X", "y", "message"), [
        (np.array([0.0, 1.0]), [0, 1], r"`X` must be a 2-D array.*Received: X.shape=\(2,\)"),
        (tf.zeros((0, 2)), tf.zeros((0,)), r"`X` must hold at least one example"),
        (X_GATES, [0, 0, 1], r"`y` must have shape \(n,\) = \(4,\).*Received: y.shape=\(3,\)"),
        (X_GATES, tf.constant([-1, -1, -1, 1]), r"only the labels 0 and 1.*\[-1.0\]"),
        (tf.constant([[np.inf, 0.0]] * 4), Y_AND, r"`X` must hold finite numbers"),
    ], ids=["X-1d", "X-empty", "y-length", "y-plus-minus-one", "X-inf"])
    def test_bad_data_raises_as_in_numpy(self, X, y, message):
        """Wrong shapes and labels raise the NumPy backend's ValueError."""
        with pytest.raises(ValueError, match=message):
            mk.Perceptron().fit(X, y)
        with pytest.raises(ValueError, match=message):
            mk_np.Perceptron().fit(np.asarray(X), np.asarray(y))

    @pytest.mark.parametrize(("kwargs", "error", "message"), [
        ({"lr": 0.0}, ValueError, "`lr` must be positive. Received: lr=0.0"),
        ({"num_epochs": 0}, ValueError, "`num_epochs` must be a positive integer"),
        ({"seed": -3}, ValueError, "`seed` must be None or a non-negative integer"),
    ])
    def test_bad_hyperparameters(self, kwargs, error, message):
        """A bad lr, num_epochs or seed raises at fit."""
        with pytest.raises(error, match=re.escape(message)):
            mk.Perceptron(**kwargs).fit(X_GATES, Y_AND)

    def test_predict_before_fit_and_wrong_features(self):
        """predict before fit says to call fit; a wrong number of features names the count."""
        with pytest.raises(RuntimeError, match=r"call `fit\(X, y\)` before `predict\(X\)`"):
            mk.Perceptron().predict(X_GATES)
        model = mk.Perceptron(num_epochs=1).fit(X_GATES, Y_AND)
        with pytest.raises(ValueError, match=r"`X` must have 2 features.*X.shape=\(1, 5\)"):
            model.predict(tf.zeros((1, 5)))

    def test_update_rejects_bad_label_and_shapes(self):
        """perceptron_update rejects a label of 2 and w, x of different lengths."""
        with pytest.raises(ValueError, match=r"`y` must be the label 0 or 1. Received: y=2$"):
            mk.perceptron_update(tf.zeros(2), 0.0, tf.zeros(2), 2)
        with pytest.raises(ValueError, match=r"`w` and `x` must both have shape"):
            mk.perceptron_update(tf.zeros(2), 0.0, tf.zeros(3), 1)
