"""Tests of mlkit.tensorflow.MLP: against the NumPy MLP, GradientTape and Keras itself."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlkit import numpy as mk_np
from mlkit import tensorflow as mk
from mlkit.testing import rel_error
from tests.numpy.test_mlp import LOSSES, XOR_X, XOR_Y, _data


class TestAgainstNumpy:
    @pytest.mark.parametrize("loss", LOSSES)
    def test_training_matches_numpy_backprop(self, loss):
        """In float64, GradientTape training and NumPy back-propagation learn the same weights."""
        X, y = _data(loss, n=30)
        kwargs = {"num_hiddens": (5, 4), "activation": "tanh", "loss": loss, "lr": 0.1,
                  "momentum": 0.5, "num_epochs": 5, "batch_size": 8, "seed": 3}
        reference = mk_np.MLP(**kwargs).fit(X, y, validation_data=(X[:9], y[:9]))
        model = mk.MLP(**kwargs).fit(X, y, validation_data=(X[:9], y[:9]))
        for (W, b), (W_tf, b_tf) in zip(reference.params_, model.params_, strict=True):
            np.testing.assert_allclose(W_tf.numpy(), W, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(b_tf.numpy(), b, rtol=1e-10, atol=1e-12)
        for key, values in reference.history_.items():
            np.testing.assert_allclose(model.history_[key], values, rtol=1e-10)
        assert model.score(X, y) == pytest.approx(reference.score(X, y))
        np.testing.assert_allclose(model.predict(X).numpy(), reference.predict(X), rtol=1e-10)

    @pytest.mark.parametrize("loss", LOSSES)
    def test_hand_written_backward_matches_gradient_tape(self, loss):
        """MLP.backward, written with the layers' backward passes, equals the tape's gradients."""
        X, y = _data(loss)
        model = mk.MLP((4, 3), activation="sigmoid", loss=loss, num_epochs=1, seed=1).fit(X, y)
        from mlkit._training import targets

        Y = tf.constant(targets(loss, y, len(X))[0])
        variables = [v for pair in model.params_ for v in pair]
        with tf.GradientTape() as tape:
            logits, caches = model.forward(X)
            loss_value = model._loss_kernels[loss][0](Y, logits)
        expected = tape.gradient(loss_value, variables)
        dlogits = {"binary_cross_entropy": mk.binary_cross_entropy_grad,
                   "mean_squared_error": mk.mean_squared_error_grad}.get(
            loss, mk.softmax_cross_entropy_grad)(Y, logits)
        grads = [g for pair in model.backward(dlogits, caches) for g in pair]
        for grad, tape_grad in zip(grads, expected, strict=True):
            assert rel_error(grad, tape_grad) < 1e-10

    def test_float32(self):
        """float32 data train float32 variables; predictions are tensors."""
        X, y = _data("sparse_cross_entropy", n=40)
        model = mk.MLP((6,), num_epochs=3, seed=0).fit(X.astype(np.float32), y)
        assert all(W.dtype == tf.float32 for W, _ in model.params_)
        proba = model.predict_proba(X)
        assert isinstance(proba, tf.Tensor) and proba.dtype == tf.float32
        np.testing.assert_allclose(tf.reduce_sum(proba, axis=1), 1.0, rtol=1e-6)
        assert model.predict(tf.constant(X)).dtype == tf.int64


def _keras_twin(model, loss):
    """A Keras Sequential with the same layers and initial weights as an unfitted mlkit MLP."""
    widths = [W.shape[1] for W, _ in model.params_]
    layers = [keras.layers.Input((model.params_[0][0].shape[0],))]
    layers += [keras.layers.Dense(w, activation=model.activation) for w in widths[:-1]]
    layers += [keras.layers.Dense(widths[-1])]  # logits: the loss applies the output function
    twin = keras.Sequential(layers)
    twin.set_weights([v.numpy() for pair in model.params_ for v in pair])
    keras_loss = {
        "binary_cross_entropy": keras.losses.BinaryCrossentropy(from_logits=True),
        "sparse_cross_entropy": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "cross_entropy": keras.losses.CategoricalCrossentropy(from_logits=True),
        "mean_squared_error": keras.losses.MeanSquaredError(),
    }[loss]
    twin.compile(optimizer=keras.optimizers.SGD(learning_rate=model.lr, momentum=model.momentum),
                 loss=keras_loss)
    return twin


@pytest.mark.slow
class TestAgainstKeras:
    @pytest.mark.parametrize("loss", LOSSES)
    def test_full_batch_training_matches_keras_sgd(self, loss):
        """From the same weights, 20 full-batch epochs give Keras's weights and losses."""
        X, y = _data(loss, n=24)
        X = X.astype(np.float32)
        kwargs = {"num_hiddens": (6,), "activation": "relu", "loss": loss, "lr": 0.05,
                  "momentum": 0.9, "batch_size": None, "seed": 4}
        start = mk.MLP(**kwargs, num_epochs=1)
        start.fit(X, y)
        from mlkit._training import initial_params

        sizes = [X.shape[1]] + [W.shape[1] for W, _ in start.params_]
        for (W_var, b_var), (W, b) in zip(start.params_, initial_params(sizes, 4), strict=True):
            W_var.assign(W.astype(np.float32))
            b_var.assign(b.astype(np.float32))
        twin = _keras_twin(start, loss)
        keras_history = twin.fit(X, np.asarray(y, np.float32), batch_size=len(X), epochs=20,
                                 shuffle=False, verbose=0).history["loss"]
        model = mk.MLP(**kwargs, num_epochs=20).fit(X, y)
        for ours, theirs in zip([v.numpy() for p in model.params_ for v in p],
                                twin.get_weights(), strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(model.history_["loss"], keras_history, rtol=1e-4)


class TestErrors:
    def test_same_messages_as_numpy(self):
        """Bad hyperparameters and labels get the NumPy backend's messages."""
        with pytest.raises(ValueError, match="`loss` must be one of"):
            mk.MLP(loss="mse").fit(XOR_X, XOR_Y)
        with pytest.raises(ValueError, match="only the labels 0 and 1"):
            mk.MLP(loss="binary_cross_entropy").fit(XOR_X, [0, 1, 2, 0])
        with pytest.raises(RuntimeError, match="not fitted"):
            mk.MLP().predict(XOR_X)
        with pytest.raises(ValueError, match=r"must be a pair \(X_val, y_val\)"):
            mk.MLP(num_epochs=1).fit(XOR_X, XOR_Y, validation_data=(XOR_X,))
        model = mk.MLP((2,), num_epochs=1).fit(XOR_X, XOR_Y)
        with pytest.raises(ValueError, match=r"`X` must have shape \(n, 2\)"):
            model.predict(np.zeros((4, 3)))

    def test_divergence_stops_with_the_error_of_numpy(self):
        """A far too large learning rate stops training with the NumPy backend's error."""
        X, y = _data("mean_squared_error")
        messages = []
        for backend in (mk, mk_np):
            model = backend.MLP((4,), loss="mean_squared_error", lr=1e30, num_epochs=50,
                                batch_size=None, seed=0)
            with pytest.raises(FloatingPointError, match="is too large") as info:
                model.fit(X * 100, y)
            assert len(model.history_["loss"]) < 50
            messages.append(str(info.value))
        assert messages[0] == messages[1]
