"""Tests of mlkit.keras_models: the builders give the tables' models, and those models learn.

The oracles: the layers, activations and losses the tables of typical
architectures prescribe; a forward pass recomputed with NumPy from the model's
own weights; the loss recomputed with scikit-learn; and, after a short
training run on synthetic data, a trivial baseline that a model must beat.
"""

import subprocess
import sys

import keras
import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error

from mlkit.keras_models import classification_mlp, regression_mlp
from tests.helpers import ROOT


def layer_summary(model):
    """(class, units, activation) of each layer of a model, the Input excluded."""
    return [(type(layer).__name__, getattr(layer, "units", None),
             getattr(getattr(layer, "activation", None), "__name__", None))
            for layer in model.layers]


def numpy_forward(model, X):
    """The model's output recomputed with NumPy from its weights (ReLU hidden layers)."""
    h = X.reshape(len(X), -1)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer in dense[:-1]:
        W, b = layer.get_weights()
        h = np.maximum(h @ W + b, 0.0)
    W, b = dense[-1].get_weights()
    return h @ W + b


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class TestRegressionStructure:
    def test_defaults_follow_the_table(self):
        """Default: one hidden layer of 30 ReLU units, one linear output, MSE, compiled."""
        model = regression_mlp(8)
        assert layer_summary(model) == [("Dense", 30, "relu"), ("Dense", 1, "linear")]
        assert model.loss == "mse"
        assert model.compiled
        assert model.input_shape == (None, 8) and model.output_shape == (None, 1)

    @pytest.mark.parametrize("output_activation", ["relu", "softplus", "sigmoid", "tanh"])
    def test_output_activation_for_positive_or_bounded_targets(self, output_activation):
        """ReLU or softplus for positive targets, logistic or tanh for bounded ones."""
        model = regression_mlp(3, output_activation=output_activation)
        assert model.layers[-1].activation.__name__ == output_activation

    @pytest.mark.parametrize("loss", ["mae", "huber"])
    def test_robust_losses(self, loss):
        """MAE or Huber loss when the data have outliers."""
        assert regression_mlp(3, loss=loss).loss == loss

    def test_several_hidden_layers_and_outputs(self):
        """num_hiddens gives the hidden layers; n_outputs one unit per predicted value."""
        model = regression_mlp(5, 3, num_hiddens=(50, 20, 10), activation="elu")
        assert layer_summary(model) == [("Dense", 50, "elu"), ("Dense", 20, "elu"),
                                        ("Dense", 10, "elu"), ("Dense", 3, "linear")]

    def test_no_hidden_layer_is_linear_regression(self):
        """num_hiddens=() leaves only the output layer: linear regression."""
        assert layer_summary(regression_mlp(4, num_hiddens=())) == [("Dense", 1, "linear")]

    def test_uncompiled_on_request(self):
        """compile=False returns a model without loss or optimizer."""
        model = regression_mlp(4, compile=False)
        assert not model.compiled and model.loss is None

    def test_image_input_is_flattened(self):
        """A 2-D example shape puts a Flatten layer first."""
        model = regression_mlp((4, 5))
        assert type(model.layers[0]).__name__ == "Flatten"
        assert model.layers[1].get_weights()[0].shape == (20, 30)

    def test_forward_pass_is_that_of_the_weights(self):
        """The output is ReLU hidden layers then an affine output, recomputed with NumPy."""
        keras.utils.set_random_seed(0)
        model = regression_mlp(4, 2, num_hiddens=(6, 5))
        X = np.random.default_rng(0).normal(size=(7, 4)).astype("float32")
        np.testing.assert_allclose(model.predict(X, verbose=0), numpy_forward(model, X),
                                   rtol=1e-5, atol=1e-6)

    def test_loss_is_the_mean_squared_error(self):
        """evaluate() gives scikit-learn's mean squared error of the predictions."""
        keras.utils.set_random_seed(1)
        model = regression_mlp(3, 2)
        rng = np.random.default_rng(1)
        X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
        y_hat = model.predict(X, verbose=0)
        assert model.evaluate(X, y, verbose=0) == pytest.approx(
            mean_squared_error(y, y_hat), rel=1e-5)


class TestClassificationStructure:
    @pytest.mark.parametrize(("task", "n_outputs", "activation", "loss"), [
        ("binary", 1, "sigmoid", "binary_crossentropy"),
        ("multilabel", 3, "sigmoid", "binary_crossentropy"),
        ("multilabel", 1, "sigmoid", "binary_crossentropy"),
        ("multiclass", 10, "softmax", "sparse_categorical_crossentropy"),
        ("multiclass", 2, "softmax", "sparse_categorical_crossentropy"),
    ])
    def test_output_and_loss_follow_the_table(self, task, n_outputs, activation, loss):
        """Binary: 1 logistic unit; multilabel: 1 logistic per label; multiclass: softmax."""
        model = classification_mlp(12, n_outputs, task=task)
        assert layer_summary(model) == [("Dense", 100, "relu"),
                                        ("Dense", n_outputs, activation)]
        assert model.loss == loss
        assert model.compiled

    def test_one_hot_labels_use_categorical_crossentropy(self):
        """one_hot=True: categorical_crossentropy instead of the sparse version."""
        assert classification_mlp(4, 3, one_hot=True).loss == "categorical_crossentropy"

    def test_fashion_mnist_architecture(self):
        """The lecture's model: Flatten, Dense 300 ReLU, Dense 100 ReLU, Dense 10 softmax."""
        model = classification_mlp((28, 28), 10, num_hiddens=(300, 100), optimizer="sgd")
        assert layer_summary(model) == [("Flatten", None, None), ("Dense", 300, "relu"),
                                        ("Dense", 100, "relu"), ("Dense", 10, "softmax")]
        assert model.count_params() == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
        assert type(model.optimizer).__name__ == "SGD"

    def test_probabilities_are_those_of_the_weights(self):
        """Softmax rows sum to 1 and sigmoid outputs are in (0, 1), recomputed with NumPy."""
        keras.utils.set_random_seed(2)
        X = np.random.default_rng(2).normal(size=(6, 5)).astype("float32")
        multiclass = classification_mlp(5, 4, num_hiddens=(7,))
        np.testing.assert_allclose(multiclass.predict(X, verbose=0),
                                   softmax(numpy_forward(multiclass, X)), rtol=1e-5, atol=1e-6)
        multilabel = classification_mlp(5, 3, task="multilabel", num_hiddens=(7, 4))
        np.testing.assert_allclose(multilabel.predict(X, verbose=0),
                                   sigmoid(numpy_forward(multilabel, X)), rtol=1e-5, atol=1e-6)

    @pytest.mark.parametrize("one_hot", [False, True])
    def test_loss_is_the_cross_entropy(self, one_hot):
        """evaluate() gives scikit-learn's log loss, for integer and one-hot labels alike."""
        keras.utils.set_random_seed(3)
        rng = np.random.default_rng(3)
        X, y = rng.normal(size=(50, 4)), rng.integers(0, 3, size=50)
        model = classification_mlp(4, 3, one_hot=one_hot)
        labels = np.eye(3)[y] if one_hot else y
        loss, _ = model.evaluate(X, labels, verbose=0)
        assert loss == pytest.approx(log_loss(y, model.predict(X, verbose=0)), rel=1e-4)

    def test_binary_loss_is_the_log_loss(self):
        """A binary model's loss is scikit-learn's log loss of its probabilities."""
        keras.utils.set_random_seed(4)
        rng = np.random.default_rng(4)
        X, y = rng.normal(size=(50, 4)), rng.integers(0, 2, size=50)
        model = classification_mlp(4, 1, task="binary")
        loss, _ = model.evaluate(X, y, verbose=0)
        p = model.predict(X, verbose=0)[:, 0]
        assert loss == pytest.approx(log_loss(y, p), rel=1e-4)


def regression_data(n, seed):
    """y = sin(x1) + x2^2 / 2 - x3 + small noise: non-linear in the inputs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 3))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 / 2 - X[:, 2] + rng.normal(0, 0.05, size=n)
    return X.astype("float32"), y.astype("float32")


def rings(n, seed):
    """Three classes by distance from the origin: not linearly separable."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 2))
    r = np.linalg.norm(X, axis=1)
    return X.astype("float32"), np.digitize(r, [1.3, 2.3])


def fast_adam():
    """Adam with a larger step than Keras's default, so that a few epochs are enough."""
    return keras.optimizers.Adam(learning_rate=0.01)


@pytest.mark.slow
class TestLearning:
    """Short training runs: each model beats the trivial baseline on fresh data."""

    def test_regression_beats_the_mean(self):
        """The MLP's test MSE is far below that of predicting the training mean."""
        keras.utils.set_random_seed(10)
        X, y = regression_data(600, 0)
        X_test, y_test = regression_data(300, 1)
        model = regression_mlp(3, num_hiddens=(32, 32), optimizer=fast_adam())
        model.fit(X, y, epochs=20, batch_size=32, verbose=0)
        mse = mean_squared_error(y_test, model.predict(X_test, verbose=0)[:, 0])
        baseline = mean_squared_error(y_test, np.full_like(y_test, y.mean()))
        assert mse < 0.2 * baseline

    def test_multiclass_beats_the_majority_class(self):
        """The MLP classifies rings, which no linear model can, well above the majority class."""
        keras.utils.set_random_seed(11)
        X, y = rings(900, 0)
        X_test, y_test = rings(500, 1)
        model = classification_mlp(2, 3, num_hiddens=(32, 32), optimizer=fast_adam())
        model.fit(X, y, epochs=20, batch_size=32, verbose=0)
        _, accuracy = model.evaluate(X_test, y_test, verbose=0)
        majority = np.mean(y_test == np.bincount(y).argmax())
        assert accuracy > 0.9 > majority + 0.3

    def test_binary_and_multilabel_learn(self):
        """Binary (inside the unit circle) and multilabel (two such labels) beat the majority."""
        keras.utils.set_random_seed(12)
        X, classes = rings(900, 2)
        X_test, classes_test = rings(500, 3)
        Y = np.column_stack([classes == 0, classes == 2]).astype("float32")
        Y_test = np.column_stack([classes_test == 0, classes_test == 2]).astype("float32")
        binary = classification_mlp(2, 1, task="binary", num_hiddens=(32, 32),
                                    optimizer=fast_adam())
        binary.fit(X, Y[:, 0], epochs=20, verbose=0)
        multilabel = classification_mlp(2, 2, task="multilabel", num_hiddens=(32, 32),
                                        optimizer=fast_adam())
        multilabel.fit(X, Y, epochs=20, verbose=0)
        right_binary = (binary.predict(X_test, verbose=0)[:, 0] > 0.5) == Y_test[:, 0]
        right_multilabel = (multilabel.predict(X_test, verbose=0) > 0.5) == Y_test
        majority = np.maximum(Y_test.mean(axis=0), 1 - Y_test.mean(axis=0))
        assert right_binary.mean() > max(0.9, majority[0] + 0.1)
        assert np.all(right_multilabel.mean(axis=0) > np.maximum(0.9, majority + 0.05))


class TestErrors:
    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"input_shape": 0}, r"`input_shape` must be the number of input features .* "
                             r"Received: input_shape=0"),
        ({"input_shape": (28, -1)}, r"Received: input_shape=\(28, -1\)"),
        ({"input_shape": "8"}, r"Received: input_shape='8'"),
        ({"input_shape": 4, "n_outputs": 0}, r"`n_outputs` must be a positive integer. "
                                             r"Received: n_outputs=0"),
        ({"input_shape": 4, "num_hiddens": 30}, r"`num_hiddens` must be a sequence .* "
                                                r"Received: num_hiddens=30"),
        ({"input_shape": 4, "num_hiddens": (30, 0)}, r"Received: num_hiddens=\(30, 0\)"),
        ({"input_shape": 4, "activation": "rleu"}, r"`activation` must be the name of a Keras "
                                                   r"activation.* Received: activation='rleu'"),
        ({"input_shape": 4, "output_activation": "softmax"},
         r"`output_activation` of a regression MLP must be one of .* "
         r"Received: output_activation='softmax'"),
        ({"input_shape": 4, "loss": "binary_crossentropy"},
         r"`loss` must be one of \('mse', 'mae', 'huber'\). Received: loss='binary_crossentropy'"),
    ])
    def test_regression_bad_arguments(self, kwargs, message):
        """Each bad argument of regression_mlp is named, with what was received."""
        with pytest.raises(ValueError, match=message):
            regression_mlp(**kwargs)

    @pytest.mark.parametrize(("args", "kwargs", "message"), [
        ((4, 1), {"task": "multiclass"},
         r"multiclass classifier needs one output unit per class, at least 2. "
         r"Received: n_outputs=1. .* task='binary'"),
        ((4, 3), {"task": "binary"},
         r"binary classifier has one output unit.* Received: n_outputs=3. .*task='multilabel'"),
        ((4, 3), {"task": "regression"}, r"`task` must be one of \('binary', 'multilabel', "
                                         r"'multiclass'\). Received: task='regression'"),
        ((4, 3), {"task": "multilabel", "one_hot": True},
         r"`one_hot=True` is for multiclass labels"),
        ((4, 3), {"one_hot": "yes"}, r"`one_hot` must be True or False. Received: one_hot='yes'"),
        ((4, 2.5), {}, r"`n_outputs` must be a positive integer. Received: n_outputs=2.5"),
        ((4, True), {}, r"Received: n_outputs=True"),
    ])
    def test_classification_bad_arguments(self, args, kwargs, message):
        """A number of outputs that does not fit the task, or a bad argument, is a clear error."""
        with pytest.raises(ValueError, match=message):
            classification_mlp(*args, **kwargs)


def test_mlkit_and_its_numpy_side_do_not_import_keras_models():
    """mlkit.keras_models is imported only on request: mlkit and mlkit.numpy stay TF-free."""
    code = ("import mlkit, mlkit.numpy, mlkit.testing, sys; "
            "assert 'mlkit.keras_models' not in sys.modules and 'keras' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
