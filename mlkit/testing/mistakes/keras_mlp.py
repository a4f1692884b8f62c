"""Typical mistakes in building Keras MLPs: output layer, loss, hidden layers, pixel scaling.

:func:`scale_pixels` follows the pattern of :mod:`mlkit.testing.mistakes`: the
values that wrong scalings produce. A model's structure is not a value, so
:func:`model_mistakes` inspects a Keras model instead and returns the
descriptions of the typical mistakes it finds; a test cell asserts that the
list is empty and shows it otherwise. Nothing here imports Keras or
TensorFlow: models are read through their attributes (``layers``, ``units``,
``activation``, ``loss``), so the module stays importable without them.

Example:
    >>> wrong = scale_pixels(np.array([0, 51, 255], dtype=np.uint8))
    >>> wrong[NOT_SCALED]
    array([  0.,  51., 255.])
"""

import types

import numpy as np

from mlkit.messages import shown, tr
from mlkit.testing.book import Mistake, Section, explained_in, section_url
from mlkit.testing.mistakes._common import quiet

_FASHION_MNIST = Section("keras_mlp", "keras-fashion-mnist")

__all__ = ["model_mistakes", "scale_pixels"]

TASKS = ("binary", "multilabel", "multiclass", "regression")
LABELS = ("integers", "one-hot")

# Loss names as Keras spells them in strings, functions and Loss objects.
_LOSS_ALIASES = types.MappingProxyType({
    "mse": "mean_squared_error", "mae": "mean_absolute_error", "huber_loss": "huber",
    "bce": "binary_crossentropy", "cce": "categorical_crossentropy",
    "scce": "sparse_categorical_crossentropy",
})
_CROSS_ENTROPIES = ("binary_crossentropy", "categorical_crossentropy",
                    "sparse_categorical_crossentropy")
_REGRESSION_LOSSES = ("mean_squared_error", "mean_absolute_error", "huber")
_POSITIVE_OR_NONE = ("linear", "relu", "softplus")


NOT_SCALED = Mistake(
    "keras_mlp/not-scaled",
    tr("the pixels were not scaled: divide them by 255.0 to bring them to [0, 1]"),
    _FASHION_MNIST)
INTEGER_DIVISION = Mistake(
    "keras_mlp/integer-division",
    tr("X // 255 is integer division: it leaves only 0 and 1; divide with X / 255.0"),
    _FASHION_MNIST)
BY_256 = Mistake(
    "keras_mlp/by-256",
    tr("divided by 256: the brightest pixel, 255, should become exactly 1.0"),
    _FASHION_MNIST)
BY_LARGEST = Mistake(
    "keras_mlp/by-largest",
    tr("divided by the largest pixel of these images: divide by 255, the largest possible value, "
       "so that every set of images is scaled alike"),
    _FASHION_MNIST)
STANDARDISED = Mistake(
    "keras_mlp/standardised",
    tr("standardised, (X - mean) / std, instead of scaled to [0, 1]"),
    _FASHION_MNIST)


@explained_in("keras_mlp", "keras-fashion-mnist")
def scale_pixels(X):
    """Mistakes in ``scale_pixels(X)`` (uint8 pixels 0..255 -> floats in [0, 1], ``X / 255``)."""
    X = np.asarray(X)
    pixels = X.astype(np.float64)
    with quiet():
        return {
            NOT_SCALED: pixels,
            INTEGER_DIVISION: (X // 255).astype(np.float64),
            BY_256: pixels / 256,
            BY_LARGEST: pixels / pixels.max(),
            STANDARDISED: (pixels - pixels.mean()) / pixels.std(),
        }


def _name(obj):
    """The name Keras gives an activation or loss (string, function or object)."""
    if obj is None:
        return "linear"
    if isinstance(obj, str):
        name = obj
    else:
        name = getattr(obj, "name", None) or getattr(obj, "__name__", None)
        name = name or obj.__class__.__name__
    return _LOSS_ALIASES.get(name.lower(), name.lower())


def _output(model):
    """``(units, activation, hidden)``: the output layer's units and activation, and the
    activations of the hidden Dense layers before it.

    A layer's activation is that of its Dense layer, or of an ``Activation``,
    ``Softmax`` or ``ReLU`` layer that follows it.
    """
    blocks = []  # [units, activation] of each Dense layer, in order
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "units"):
            blocks.append([layer.units, _name(getattr(layer, "activation", None))])
        elif blocks and hasattr(layer, "activation"):
            blocks[-1][1] = _name(layer.activation)
        elif blocks and layer.__class__.__name__ in ("Softmax", "ReLU"):
            blocks[-1][1] = layer.__class__.__name__.lower()
    if not blocks:
        return None, None, []
    units, activation = blocks[-1]
    return units, activation, [hidden_activation for _, hidden_activation in blocks[:-1]]


def _loss(model):
    """``(name, from_logits)`` of the compiled loss, or ``(None, False)`` if not compiled."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return None, False
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    return _name(loss), bool(config.get("from_logits", False))


def _units_mistake(task, units, n_outputs):
    if task == "multiclass":
        return shown("wrong number of output units: %(units)s. A classifier with %(n)s classes "
                   "needs %(n)s output units, one probability per class", units=units, n=n_outputs)
    if task == "multilabel":
        return shown("wrong number of output units: %(units)s. With %(n)s labels, each yes or no, "
                   "the output layer needs %(n)s units, one probability per label",
                   units=units, n=n_outputs)
    if task == "binary":
        return shown("wrong number of output units: %(units)s. A yes/no task needs 1 output unit, "
                   "the probability of 'yes'", units=units)
    return shown("wrong number of output units: %(units)s. Predicting %(n)s value(s) per example "
               "needs %(n)s output unit(s)", units=units, n=n_outputs)


def _activation_mistake(task, activation, units):
    if task == "regression":
        if activation in ("sigmoid", "tanh"):
            return shown("a %(activation)s output squashes every prediction into a bounded range, "
                       "but the target is not bounded: use no output activation (or ReLU / "
                       "softplus for a positive target)", activation=activation)
        if activation not in _POSITIVE_OR_NONE:
            return shown("a %(activation)s output activation on a regression model: use no "
                       "activation (or ReLU / softplus for a positive target)",
                       activation=activation)
        return None
    wanted = "softmax" if task == "multiclass" else "sigmoid"
    if activation == wanted:
        return None
    if activation == "relu":
        return shown("a ReLU activation on the output of a classifier: its outputs are not "
                   "probabilities. Use activation='%(wanted)s' on the output layer", wanted=wanted)
    if activation == "linear":
        return shown("no activation on the output of a classifier: its outputs are not "
                   "probabilities. Use activation='%(wanted)s' on the output layer", wanted=wanted)
    if task == "multiclass" and activation == "sigmoid":
        return shown("a sigmoid output gives each class its own probability, and they do not sum "
                   "to 1; classes that exclude each other need activation='softmax'")
    if activation == "softmax" and units == 1:
        return shown("softmax output with binary_crossentropy: the softmax of a single unit is "
                   "always 1.0, so the model cannot learn anything. Use activation='sigmoid'")
    if activation == "softmax" and task == "binary":
        return shown("a softmax over %(units)s units for one yes/no answer: a single unit with "
                   "activation='sigmoid' gives the probability of 'yes'", units=units)
    if activation == "softmax":
        return shown("a softmax output makes the labels compete (their probabilities sum to 1), "
                   "but one example can have several labels: use activation='sigmoid'")
    return shown("activation='%(activation)s' on the output layer: this task needs '%(wanted)s'",
               activation=activation, wanted=wanted)


def _loss_mistake(task, loss, labels):
    if task == "regression":
        if loss in _CROSS_ENTROPIES:
            return shown("%(loss)s is a classification loss; a regression model is trained with "
                       "'mse' (or 'mae' or 'huber' when the data have outliers)", loss=loss)
        if loss not in _REGRESSION_LOSSES:
            return shown("loss '%(loss)s': a regression model is trained with 'mse', 'mae' or "
                       "'huber'", loss=loss)
        return None
    if loss in _REGRESSION_LOSSES:
        return shown("%(loss)s is a regression loss; a classifier is trained with cross-entropy "
                   "(binary_crossentropy, or (sparse_)categorical_crossentropy for classes)",
                   loss=loss)
    if task in ("binary", "multilabel"):
        if loss == "binary_crossentropy":
            return None
        return shown("%(loss)s for yes/no labels: each label is a 0/1 value with its own sigmoid "
                   "probability, so use loss='binary_crossentropy'", loss=loss)
    if loss == "binary_crossentropy":
        return shown("binary_crossentropy on a multiclass output treats each class as a separate "
                   "yes/no question; classes that exclude each other need "
                   "(sparse_)categorical_crossentropy")
    link = section_url("keras_mlp", "keras-sparse-categorical")
    if labels == "integers" and loss == "categorical_crossentropy":
        return shown("categorical_crossentropy with integer labels: it expects one-hot rows of "
                   "shape (n, n_classes). For labels such as 3 or 7 use "
                   "loss='sparse_categorical_crossentropy'. Read about it in the book: %(link)s",
                   link=link)
    if labels == "one-hot" and loss == "sparse_categorical_crossentropy":
        return shown("sparse_categorical_crossentropy with one-hot labels: it expects integer "
                   "class labels of shape (n,). For one-hot rows use "
                   "loss='categorical_crossentropy'. Read about it in the book: %(link)s",
                   link=link)
    if loss not in _CROSS_ENTROPIES:
        return shown("loss '%(loss)s': a classifier is trained with cross-entropy", loss=loss)
    return None


def model_mistakes(model, *, task, n_outputs, labels="integers", allow_logits=False):
    """The typical mistakes found in a compiled Keras MLP built for ``task``.

    What is checked: the model is compiled; its hidden Dense layers (at least
    one) have a non-linear activation; its output layer has ``n_outputs`` units
    and the activation the task needs; the loss fits the task and the labels.
    With ``allow_logits=True``, an output without activation is accepted when
    the loss is given ``from_logits=True``: the same model, computed more
    stably, but its ``predict`` returns logits rather than probabilities.

    ==============  ===================  ================  ===========================
    task            output units         activation        loss
    ==============  ===================  ================  ===========================
    binary          1                    sigmoid           binary_crossentropy
    multilabel      one per label        sigmoid           binary_crossentropy
    multiclass      one per class        softmax           sparse_categorical_... for
                                                           integer labels, categorical_...
                                                           for one-hot labels
    regression      one per value        none (or ReLU,    mse, mae or huber
                                         softplus)
    ==============  ===================  ================  ===========================

    Args:
        model: a Keras model (anything with ``layers`` and ``loss`` attributes).
        task: ``"binary"``, ``"multilabel"``, ``"multiclass"`` or ``"regression"``.
        n_outputs: the number of output units the task needs.
        labels: multiclass only: ``"integers"`` (shape (n,)) or ``"one-hot"`` (shape (n, k)).
        allow_logits: accept a linear output with a ``from_logits=True`` loss.

    Returns:
        A list of sentences, one per mistake found, in the language chosen now
        (:mod:`mlkit.messages`); empty when the model fits the task.

    Example:
        >>> class Dense:  # the attributes of a keras.layers.Dense that are read
        ...     def __init__(self, units, activation):
        ...         self.units, self.activation = units, activation
        >>> class Model:
        ...     layers = [Dense(30, "relu"), Dense(1, "softmax")]
        ...     loss = "binary_crossentropy"
        >>> print(*model_mistakes(Model(), task="binary", n_outputs=1))
        softmax output with binary_crossentropy: the softmax of a single unit is always 1.0, ...
    """
    if task not in TASKS:
        raise ValueError(f"`task` must be one of {TASKS}. Received: task={task!r}")
    if labels not in LABELS:
        raise ValueError(f"`labels` must be one of {LABELS}. Received: labels={labels!r}")
    units, activation, hidden = _output(model)
    if units is None:
        return [shown("the model has no Dense layer: add keras.layers.Dense layers, the last one "
                    "being the output layer")]
    found = []
    if not hidden:
        found.append(shown("the model has no hidden layer: an MLP has at least one hidden Dense "
                         "layer (with activation='relu') before the output layer"))
    for hidden_activation in hidden:
        if hidden_activation == "linear":
            found.append(shown("a hidden Dense layer without activation: stacked linear layers "
                             "are just one linear layer; give hidden layers activation='relu'"))
            break
    if units != n_outputs:
        found.append(_units_mistake(task, units, n_outputs))
    loss, from_logits = _loss(model)
    if loss is None:
        found.append(shown("the model is not compiled: call model.compile(loss=..., "
                         "optimizer=...)"))
    if from_logits and task != "regression" and not allow_logits:
        found.append(shown("the loss has from_logits=True, so the model outputs logits (any real "
                         "number), not probabilities: give the output layer its activation and "
                         "leave from_logits at its default, False"))
    elif from_logits and task != "regression":
        if activation != "linear":
            found.append(shown("the loss has from_logits=True, but the output layer already "
                             "applies %(activation)s: with from_logits=True the output layer "
                             "has no activation", activation=activation))
    else:
        found.append(_activation_mistake(task, activation, units))
    if loss is not None:
        found.append(_loss_mistake(task, loss, labels))
    return [mistake for mistake in found if mistake]
