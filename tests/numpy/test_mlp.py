"""Tests of mlkit.numpy.MLP: back-propagation against finite differences, training, errors."""

import numpy as np
import pytest

from mlkit import numpy as mk
from mlkit._training import initial_params
from mlkit.testing import numerical_gradient, rel_error

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _data(loss, n=12, seed=0):
    """Small random inputs and labels or targets of the kind ``loss`` expects."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    classes = rng.integers(0, 3, size=n)
    return X, {
        "binary_cross_entropy": rng.integers(0, 2, size=(n, 2)),
        "sparse_cross_entropy": classes,
        "cross_entropy": np.eye(3)[classes],
        "mean_squared_error": rng.normal(size=(n, 2)),
    }[loss]


def _mean_loss(model, X, y):
    """The model's mean loss on (X, y), computed from the public losses (an oracle)."""
    logits, _ = model.forward(X)
    if model.loss == "binary_cross_entropy":
        return mk.binary_cross_entropy(y, logits, from_logits=True).mean()
    if model.loss == "mean_squared_error":
        return mk.mean_squared_error(y, logits).mean()
    if model.loss == "sparse_cross_entropy":
        return mk.sparse_cross_entropy(y, logits, from_logits=True).mean()
    return mk.cross_entropy(y, logits, from_logits=True).mean()


LOSSES = ["binary_cross_entropy", "sparse_cross_entropy", "cross_entropy", "mean_squared_error"]


class TestBackward:
    @pytest.mark.parametrize("loss", LOSSES)
    @pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "elu", "leaky_relu"])
    def test_gradients_match_finite_differences(self, loss, activation):
        """backward's gradients of every W and b equal centred finite differences of the loss."""
        X, y = _data(loss)
        model = mk.MLP((4, 3), activation=activation, loss=loss, num_epochs=1, seed=1).fit(X, y)
        logits, caches = model.forward(X)
        _, loss_grad = model._loss_kernels[loss]
        dlogits = loss_grad(_targets(model, y), logits)
        grads = model.backward(dlogits, caches)
        for (W, b), (dW, db) in zip(model.params_, grads, strict=True):
            for param, grad in [(W, dW), (b, db)]:
                def loss_of(value, param=param):
                    saved = param.copy()
                    param[...] = value
                    try:
                        return _mean_loss(model, X, y)
                    finally:
                        param[...] = saved
                numeric = numerical_gradient(loss_of, param.copy())
                assert grad.shape == param.shape
                assert rel_error(grad, numeric) < 1e-6

    def test_forward_is_the_composition_of_the_layers(self):
        """forward computes sigmoid(X W1 + b1) W2 + b2 for one hidden layer."""
        model = mk.MLP((3,), activation="sigmoid", num_epochs=1, seed=0).fit(*_data(
            "sparse_cross_entropy"))
        X = np.random.default_rng(5).normal(size=(6, 3))
        (W1, b1), (W2, b2) = model.params_
        logits, caches = model.forward(X)
        np.testing.assert_allclose(logits, 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2, rtol=1e-12)
        assert len(caches) == 2 and caches[-1][1] is None


def _targets(model, y):
    from mlkit._training import targets

    Y, _ = targets(model.loss, y, len(y))
    return Y


class TestFit:
    def test_learns_xor(self):
        """A 2-4-1 tanh network learns XOR, full batch, and its loss falls."""
        model = mk.MLP((4,), activation="tanh", loss="binary_cross_entropy", lr=0.5,
                       num_epochs=2000, batch_size=None, seed=0).fit(XOR_X, XOR_Y)
        np.testing.assert_array_equal(model.predict(XOR_X), XOR_Y)
        assert model.score(XOR_X, XOR_Y) == 1.0
        loss = model.history_["loss"]
        assert len(loss) == 2000 and loss[-1] < 0.05 < loss[0]
        assert model.history_["accuracy"][-1] == 1.0

    def test_no_hidden_layer_cannot_learn_xor(self):
        """With no hidden layer the model is logistic regression: XOR stays out of reach."""
        model = mk.MLP((), loss="binary_cross_entropy", lr=0.5, num_epochs=2000,
                       batch_size=None, seed=0).fit(XOR_X, XOR_Y)
        assert [W.shape for W, _ in model.params_] == [(2, 1)]
        assert model.score(XOR_X, XOR_Y) <= 0.75

    def test_same_seed_same_model_other_seed_other_model(self):
        """Training is reproducible from the seed, and the seed matters."""
        X, y = _data("sparse_cross_entropy", n=40)
        kwargs = {"num_hiddens": (5,), "num_epochs": 3, "batch_size": 8}
        a, b = (mk.MLP(**kwargs, seed=7).fit(X, y) for _ in range(2))
        c = mk.MLP(**kwargs, seed=8).fit(X, y)
        np.testing.assert_array_equal(a.params_[0][0], b.params_[0][0])
        assert not np.allclose(a.params_[0][0], c.params_[0][0])

    def test_initial_weights_are_glorot_uniform_and_biases_zero(self):
        """One epoch with lr tiny leaves W within Keras's Glorot limit and b near zero."""
        X, y = _data("sparse_cross_entropy", n=200)
        model = mk.MLP((50,), lr=1e-12, num_epochs=1, seed=0).fit(X, y)
        W, b = model.params_[0]
        limit = np.sqrt(6 / (3 + 50))
        assert np.abs(W).max() <= limit and np.abs(W).max() > 0.9 * limit
        assert np.abs(W.mean()) < 0.1 * limit
        np.testing.assert_allclose(b, 0, atol=1e-9)

    def test_one_step_is_sgd_with_momentum(self):
        """Two full-batch epochs apply v = mu v - lr g, theta += v, with g from backward."""
        X, y = _data("mean_squared_error")
        first = mk.MLP((4,), activation="tanh", loss="mean_squared_error", lr=0.1,
                       momentum=0.9, num_epochs=1, batch_size=None, seed=2).fit(X, y)
        W0 = [W.copy() for W, _ in first.params_]
        logits, caches = first.forward(X)
        grads1 = first.backward(mk.mean_squared_error_grad(y, logits), caches)
        second = mk.MLP((4,), activation="tanh", loss="mean_squared_error", lr=0.1,
                        momentum=0.9, num_epochs=2, batch_size=None, seed=2).fit(X, y)
        start = mk.MLP((4,), activation="tanh", loss="mean_squared_error", lr=1e-300,
                       num_epochs=1, batch_size=None, seed=2).fit(X, y)
        for W_start, W_1, W_2, (dW, _) in zip([W for W, _ in start.params_], W0,
                                              [W for W, _ in second.params_], grads1, strict=True):
            v1 = W_1 - W_start
            np.testing.assert_allclose(W_2, W_1 + 0.9 * v1 - 0.1 * dW, rtol=1e-10, atol=1e-12)

    def test_mini_batches_cover_each_example_once_per_epoch(self):
        """With batch_size=5 and 12 examples, an epoch makes 3 steps over all 12."""
        from mlkit._training import batches

        parts = batches(12, 5, np.random.default_rng(0))
        assert [len(p) for p in parts] == [5, 5, 2]
        assert sorted(np.concatenate(parts).tolist()) == list(range(12))

    def test_validation_history(self):
        """validation_data adds val_loss and val_accuracy, one value per epoch."""
        X, y = _data("sparse_cross_entropy", n=30)
        model = mk.MLP((4,), num_epochs=3, seed=0).fit(X, y, validation_data=(X[:10], y[:10]))
        assert set(model.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(len(v) == 3 for v in model.history_.values())
        logits, _ = model.forward(X[:10])
        expected = mk.sparse_cross_entropy(y[:10], logits, from_logits=True).mean()
        assert model.history_["val_loss"][-1] == pytest.approx(expected, rel=1e-12)

    def test_float32_stays_float32(self):
        """float32 inputs train float32 parameters and give float32 outputs."""
        X, y = _data("mean_squared_error")
        model = mk.MLP((4,), loss="mean_squared_error", num_epochs=2, seed=0)
        model.fit(X.astype(np.float32), y)
        assert all(W.dtype == np.float32 and b.dtype == np.float32 for W, b in model.params_)
        assert model.predict(X).dtype == np.float32

    def test_regression_beats_the_mean(self):
        """On y = x0 - 2 x1 + noise, the fitted regressor's R^2 is high."""
        rng = np.random.default_rng(0)
        X = rng.normal(size=(200, 2))
        y = X[:, 0] - 2 * X[:, 1] + 0.05 * rng.normal(size=200)
        model = mk.MLP((8,), activation="tanh", loss="mean_squared_error", lr=0.05,
                       num_epochs=100, batch_size=20, seed=0).fit(X, y)
        assert model.predict(X).shape == (200,)
        assert model.score(X, y) > 0.98

    def test_predict_proba(self):
        """Softmax probabilities sum to 1 per row; binary ones have the shape of y."""
        X, y = _data("sparse_cross_entropy")
        proba = mk.MLP((4,), num_epochs=2, seed=0).fit(X, y).predict_proba(X)
        assert proba.shape == (12, 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        binary = mk.MLP((4,), loss="binary_cross_entropy", num_epochs=2, seed=0).fit(XOR_X, XOR_Y)
        p = binary.predict_proba(XOR_X)
        assert p.shape == (4,) and np.all((p > 0) & (p < 1))
        np.testing.assert_array_equal(binary.predict(XOR_X), (p > 0.5).astype(int))

    def test_multilabel_binary(self):
        """Binary cross-entropy with y of shape (n, 2) gives (n, 2) predictions."""
        X, y = _data("binary_cross_entropy")
        model = mk.MLP((4,), loss="binary_cross_entropy", num_epochs=2, seed=0).fit(X, y)
        assert model.predict(X).shape == (12, 2) and model.n_outputs_ == 2

    def test_divergence_stops_with_an_error(self):
        """A far too large learning rate stops training with an error that names lr."""
        X, y = _data("mean_squared_error")
        model = mk.MLP((4,), loss="mean_squared_error", lr=1e30, num_epochs=50,
                       batch_size=None, seed=0)
        with pytest.raises(FloatingPointError, match=r"Training diverged at epoch \d+: .*"
                                                     r"lr=1e\+30 is too large"):
            model.fit(X * 100, y)
        assert len(model.history_["loss"]) < 50

    def test_progress_bar(self, capsys):
        """progress=True draws a tqdm bar with the epoch count."""
        mk.MLP((2,), loss="binary_cross_entropy", num_epochs=3, batch_size=None, seed=0,
               progress=True).fit(XOR_X, XOR_Y)
        assert "3/3" in capsys.readouterr().err

    def test_repr(self):
        """The repr shows the hyperparameters."""
        assert repr(mk.MLP((3,), seed=1)).startswith("MLP((3,), activation='relu'")


class TestErrors:
    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"num_hiddens": (3, 0)}, "`num_hiddens` must be a sequence of positive integers"),
        ({"num_hiddens": "8"}, "`num_hiddens` must be a sequence"),
        ({"activation": "softmax"}, "`activation` must be one of"),
        ({"loss": "mse"}, "`loss` must be one of"),
        ({"lr": 0}, "`lr` must be positive"),
        ({"momentum": 1.0}, r"`momentum` must be in \[0, 1\)"),
        ({"num_epochs": 0}, "`num_epochs` must be a positive integer"),
        ({"batch_size": 0}, "`batch_size` must be a positive integer"),
        ({"seed": -1}, "`seed` must be None or a non-negative integer"),
    ])
    def test_bad_hyperparameters(self, kwargs, message):
        """fit names the bad hyperparameter and what it should be."""
        with pytest.raises(ValueError, match=message):
            mk.MLP(**kwargs).fit(XOR_X, XOR_Y)

    @pytest.mark.parametrize(("loss", "y", "message"), [
        ("sparse_cross_entropy", np.eye(2)[XOR_Y], "integer class labels .* loss='cross_entropy'"),
        ("sparse_cross_entropy", [0, 1, 1.5, 0], "integer class labels"),
        ("cross_entropy", XOR_Y, "one-hot of shape"),
        ("binary_cross_entropy", [0, 1, 2, 0], r"only the labels 0 and 1.*\[2.0\]"),
        ("binary_cross_entropy", [0, 1, 1], r"y.shape=\(3,\)"),
        ("mean_squared_error", [0, 1, np.nan, 0], "finite"),
    ])
    def test_bad_labels(self, loss, y, message):
        """Labels that do not fit the loss get a message that says what was expected."""
        with pytest.raises(ValueError, match=message):
            mk.MLP((2,), loss=loss).fit(XOR_X, np.asarray(y))

    def test_bad_inputs(self):
        """X must be 2-D and finite; predictions need the fitted number of features."""
        with pytest.raises(ValueError, match=r"`X` must have shape \(n, n_features\)"):
            mk.MLP().fit(XOR_X[0], XOR_Y[:1])
        with pytest.raises(ValueError, match="finite"):
            mk.MLP().fit(np.full((4, 2), np.inf), XOR_Y)
        model = mk.MLP((2,), num_epochs=1).fit(XOR_X, XOR_Y)
        with pytest.raises(ValueError, match=r"`X` must have shape \(n, 2\).*\(4, 3\)"):
            model.predict(np.zeros((4, 3)))

    @pytest.mark.parametrize(("validation_data", "received"), [
        ((XOR_X,), "a tuple of 1 items"), ([XOR_X, XOR_Y, XOR_Y], "a list of 3 items"),
        (XOR_X, "ndarray")])
    def test_bad_validation_data(self, validation_data, received):
        """validation_data that is no (X_val, y_val) pair is refused before any training."""
        model = mk.MLP((2,), num_epochs=1)
        message = rf"must be a pair \(X_val, y_val\)\. Received: {received}"
        with pytest.raises(ValueError, match=message):
            model.fit(XOR_X, XOR_Y, validation_data=validation_data)
        assert not hasattr(model, "params_")

    def test_not_fitted(self):
        """Predicting before fitting says to call fit."""
        with pytest.raises(RuntimeError, match=r"call `fit\(X, y\)` first"):
            mk.MLP().predict(XOR_X)

    def test_predict_proba_of_a_regressor(self):
        """A regressor has no probabilities, and says so."""
        model = mk.MLP((2,), loss="mean_squared_error", num_epochs=1).fit(XOR_X, XOR_Y)
        with pytest.raises(AttributeError, match="use predict"):
            model.predict_proba(XOR_X)


def test_plain_sgd_is_the_update_without_velocity():
    """momentum=0: one step moves every parameter by -lr * its gradient, by hand."""
    X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]])
    y = np.array([0, 1, 1])
    model = mk.MLP((3,), loss="binary_cross_entropy", lr=0.5, momentum=0.0, num_epochs=1,
                batch_size=None, seed=0)
    start = mk.MLP((3,), loss="binary_cross_entropy", lr=0.5, num_epochs=1, seed=0)
    start.fit(X, y)
    start.params_ = initial_params([2, 3, 1], 0)  # the weights fit starts from, for seed 0
    logits, caches = start.forward(X)
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    grads = start.backward((probabilities - y[:, None]) / len(X), caches)
    model.fit(X, y)
    for (W, b), (W0, b0), (dW, db) in zip(model.params_, start.params_, grads, strict=True):
        np.testing.assert_allclose(W, W0 - 0.5 * dW, rtol=1e-12)
        np.testing.assert_allclose(b, b0 - 0.5 * db, rtol=1e-12)
