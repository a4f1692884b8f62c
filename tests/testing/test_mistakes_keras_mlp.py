"""Tests of mlkit.testing.mistakes.keras_mlp: real Keras models, each with one typical mistake.

The right models come from mlkit.keras_models, whose structure is tested
against the tables of typical architectures in tests/tensorflow/test_keras_models.py.
"""

import subprocess
import sys

import keras
import numpy as np
import pytest

from mlkit.keras_models import classification_mlp, regression_mlp
from mlkit.testing import assert_close
from mlkit.testing.mistakes import keras_mlp as mistakes
from tests.helpers import ROOT
from tests.testing.mistake_checks import assert_exported


def sequential(n_inputs, output, loss, hidden=("relu",), compile=True):
    """A Sequential with hidden Dense layers of the given activations and the given output."""
    layers = [keras.Input(shape=(n_inputs,))]
    layers += [keras.layers.Dense(8, activation=activation) for activation in hidden]
    layers += output if isinstance(output, list) else [output]
    model = keras.Sequential(layers)
    if compile:
        model.compile(loss=loss, optimizer="adam")
    return model


def dense(units, activation=None):
    return keras.layers.Dense(units, activation=activation)


class TestRightModelsHaveNoMistake:
    @pytest.mark.parametrize(("model", "task", "n_outputs", "labels"), [
        (classification_mlp(5, 1, task="binary"), "binary", 1, "integers"),
        (classification_mlp(5, 4, task="multilabel"), "multilabel", 4, "integers"),
        (classification_mlp(5, 3), "multiclass", 3, "integers"),
        (classification_mlp(5, 3, one_hot=True), "multiclass", 3, "one-hot"),
        (classification_mlp((28, 28), 10, num_hiddens=(300, 100)), "multiclass", 10, "integers"),
        (regression_mlp(5), "regression", 1, "integers"),
        (regression_mlp(5, 2, output_activation="softplus", loss="huber"), "regression", 2,
         "integers"),
    ], ids=["binary", "multilabel", "multiclass", "one-hot", "fashion", "regression",
            "positive-huber"])
    def test_builders_models_pass(self, model, task, n_outputs, labels):
        """The models of the tables (built by mlkit.keras_models) have no mistake."""
        assert mistakes.model_mistakes(model, task=task, n_outputs=n_outputs, labels=labels) == []

    def test_other_spellings_pass(self):
        """Activation layers, Softmax layers, loss objects and loss functions are understood."""
        models = [
            (sequential(4, [dense(1), keras.layers.Activation("sigmoid")],
                        keras.losses.BinaryCrossentropy()), "binary", 1, "integers"),
            (sequential(4, [dense(3), keras.layers.Softmax()],
                        keras.losses.categorical_crossentropy), "multiclass", 3, "one-hot"),
            (sequential(4, dense(3, keras.activations.softmax),
                        keras.losses.SparseCategoricalCrossentropy()), "multiclass", 3,
             "integers"),
            (sequential(4, dense(1, "relu"), keras.losses.MeanAbsoluteError(),
                        hidden=("relu", "elu")), "regression", 1, "integers"),
            (sequential(4, dense(1), keras.losses.Huber()), "regression", 1, "integers"),
            (sequential(4, [dense(8), keras.layers.Activation("relu"), dense(8),
                            keras.layers.ReLU(), dense(1, "sigmoid")], "binary_crossentropy",
                        hidden=()), "binary", 1, "integers"),
        ]
        for model, task, n_outputs, labels in models:
            assert mistakes.model_mistakes(model, task=task, n_outputs=n_outputs,
                                           labels=labels) == []

    def test_logits_accepted_only_when_allowed(self):
        """A linear output with from_logits=True is right with allow_logits=True, else named."""
        model = sequential(4, dense(3), keras.losses.SparseCategoricalCrossentropy(
            from_logits=True))
        assert mistakes.model_mistakes(model, task="multiclass", n_outputs=3,
                                       allow_logits=True) == []
        found = mistakes.model_mistakes(model, task="multiclass", n_outputs=3)
        assert len(found) == 1 and "from_logits=True" in found[0] and "logits" in found[0]


# (model, task, n_outputs, labels, words that the one mistake found must contain)
MISTAKE_CASES = {
    "softmax-binary": (lambda: sequential(4, dense(1, "softmax"), "binary_crossentropy"),
                       "binary", 1, "integers", ["softmax output with binary_crossentropy"]),
    "relu-classifier": (lambda: sequential(4, dense(3, "relu"),
                                           "sparse_categorical_crossentropy"),
                        "multiclass", 3, "integers", ["a ReLU activation on the output"]),
    "no-activation-classifier": (lambda: sequential(4, dense(2), "binary_crossentropy"),
                                 "multilabel", 2, "integers", ["no activation on the output"]),
    "sigmoid-multiclass": (lambda: sequential(4, dense(3, "sigmoid"),
                                              "sparse_categorical_crossentropy"),
                           "multiclass", 3, "integers", ["sigmoid", "softmax"]),
    "softmax-multilabel": (lambda: sequential(4, dense(3, "softmax"), "binary_crossentropy"),
                           "multilabel", 3, "integers", ["labels compete"]),
    "categorical-integers": (lambda: sequential(4, dense(3, "softmax"),
                                                "categorical_crossentropy"),
                             "multiclass", 3, "integers",
                             ["categorical_crossentropy with integer labels"]),
    "sparse-one-hot": (lambda: sequential(4, dense(3, "softmax"),
                                          "sparse_categorical_crossentropy"),
                       "multiclass", 3, "one-hot",
                       ["sparse_categorical_crossentropy with one-hot labels"]),
    "bce-multiclass": (lambda: sequential(4, dense(3, "softmax"), "binary_crossentropy"),
                       "multiclass", 3, "integers", ["binary_crossentropy on a multiclass"]),
    "mse-classifier": (lambda: sequential(4, dense(1, "sigmoid"), "mse"),
                       "binary", 1, "integers", ["mean_squared_error is a regression loss"]),
    "wrong-units": (lambda: sequential(4, dense(10, "softmax"),
                                       "sparse_categorical_crossentropy"),
                    "multiclass", 3, "integers", ["wrong number of output units: 10", "3"]),
    "two-units-binary": (lambda: sequential(4, dense(2, "sigmoid"), "binary_crossentropy"),
                         "binary", 1, "integers", ["wrong number of output units: 2"]),
    "sigmoid-regression": (lambda: sequential(4, dense(1, "sigmoid"), "mse"),
                           "regression", 1, "integers", ["sigmoid output squashes"]),
    "cross-entropy-regression": (lambda: sequential(4, dense(1), "binary_crossentropy"),
                                 "regression", 1, "integers", ["classification loss"]),
    "linear-hidden": (lambda: sequential(4, dense(1, "sigmoid"), "binary_crossentropy",
                                         hidden=(None,)),
                      "binary", 1, "integers", ["hidden Dense layer without activation"]),
    "no-hidden": (lambda: sequential(4, dense(1, "sigmoid"), "binary_crossentropy", hidden=()),
                  "binary", 1, "integers", ["no hidden layer"]),
    "not-compiled": (lambda: sequential(4, dense(1), None, compile=False),
                     "regression", 1, "integers", ["not compiled"]),
    "logits-with-softmax": (lambda: sequential(4, dense(3, "softmax"),
                                               keras.losses.SparseCategoricalCrossentropy(
                                                   from_logits=True)),
                            "multiclass", 3, "integers", ["from_logits=True", "already applies"]),
}


class TestEachMistakeIsNamed:
    @pytest.mark.parametrize("case", MISTAKE_CASES)
    def test_one_mistake_one_message(self, case):
        """A model with one typical mistake gets exactly one message, which names it."""
        build, task, n_outputs, labels, words = MISTAKE_CASES[case]
        allow = case == "logits-with-softmax"
        found = mistakes.model_mistakes(build(), task=task, n_outputs=n_outputs, labels=labels,
                                        allow_logits=allow)
        assert len(found) == 1, found
        for word in words:
            assert word in found[0], (word, found[0])

    def test_several_mistakes_are_all_named(self):
        """A softmax on one unit with MSE and a linear hidden layer: three messages."""
        model = sequential(4, dense(1, "softmax"), "mse", hidden=(None,))
        found = mistakes.model_mistakes(model, task="binary", n_outputs=1)
        assert len(found) == 3, found

    def test_a_two_unit_softmax_for_yes_or_no_is_not_told_about_several_labels(self):
        """A yes/no task has one label: the advice on its softmax must not speak of several."""
        model = sequential(4, dense(2, "softmax"), "binary_crossentropy")
        found = mistakes.model_mistakes(model, task="binary", n_outputs=1)
        assert len(found) == 2, found  # the number of units, and the activation
        assert not any("several labels" in message for message in found), found
        assert any("a softmax over 2 units for one yes/no answer" in message
                   for message in found), found

    def test_no_dense_layer(self):
        """A model without Dense layers is told to add them."""
        model = keras.Sequential([keras.Input(shape=(4, 4)), keras.layers.Flatten()])
        assert "no Dense layer" in mistakes.model_mistakes(model, task="binary", n_outputs=1)[0]

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"task": "classification", "n_outputs": 1}, r"`task` must be one of .* "
                                                     r"Received: task='classification'"),
        ({"task": "multiclass", "n_outputs": 3, "labels": "onehot"},
         r"`labels` must be one of \('integers', 'one-hot'\). Received: labels='onehot'"),
    ])
    def test_bad_arguments(self, kwargs, message):
        """An unknown task or kind of labels is a clear error."""
        with pytest.raises(ValueError, match=message):
            mistakes.model_mistakes(regression_mlp(2), **kwargs)


class TestScalePixels:
    X = np.array([[0, 17, 51], [128, 200, 254]], dtype=np.uint8)

    def test_exported_by_the_package(self):
        """model_mistakes and scale_pixels are exported by mlkit.testing.mistakes."""
        assert_exported(mistakes)

    def test_every_mistake_differs_from_the_right_answer(self):
        """Each wrong scaling differs from X / 255 on images without a 255 pixel."""
        right = self.X / 255.0
        for description, value in mistakes.scale_pixels(self.X).items():
            assert value.shape == self.X.shape and value.dtype == np.float64, description
            assert not np.allclose(value, right, rtol=1e-6, atol=1e-7), description

    def test_hand_computed_values(self):
        """X // 255 is all 0 here; X / 256 and X / max are as computed by hand."""
        wrong = mistakes.scale_pixels(self.X)
        values = list(wrong.values())
        np.testing.assert_array_equal(values[1], np.zeros((2, 3)))
        np.testing.assert_allclose(values[2], self.X / 256.0)
        np.testing.assert_allclose(values[3][1, 2], 1.0)

    def test_assert_close_names_each_mistake(self):
        """assert_close, given the mistakes, names the one the answer makes."""
        for description, value in mistakes.scale_pixels(self.X).items():
            with pytest.raises(AssertionError, match="Likely mistake") as info:
                assert_close(value, self.X / 255.0, mistakes=mistakes.scale_pixels(self.X))
            assert str(description) in str(info.value)


def test_importing_the_mistakes_does_not_import_keras():
    """mlkit.testing.mistakes.keras_mlp reads models through attributes: no Keras import."""
    code = ("import mlkit.testing.mistakes.keras_mlp, sys; "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
