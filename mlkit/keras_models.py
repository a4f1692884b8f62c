"""Keras builders for the typical regression and classification MLPs (TensorFlow only).

The two functions turn the tables of typical architectures (Géron, *Hands-On
Machine Learning*, ch. 10) into ``keras.Sequential`` models: :func:`regression_mlp`
and :func:`classification_mlp`. Their defaults follow the tables; every choice
can be changed by an argument, and a choice that does not fit the task is an
error that says why.

This module is not part of :mod:`mlkit.numpy` or :mod:`mlkit.tensorflow`: those
two share one API, and Keras models have no NumPy counterpart. It imports Keras
(and so TensorFlow) when it is imported, and neither :mod:`mlkit` nor
:mod:`mlkit.numpy` imports it. Use it as::

    from mlkit.keras_models import classification_mlp, regression_mlp

Taught in the book chapter *MLPs with Keras*.
"""

import numbers

import keras

__all__ = ["regression_mlp", "classification_mlp"]

# Regression outputs: none for any real value, ReLU or softplus for positive values,
# sigmoid or tanh for values in a bounded range (scale the targets to it).
REGRESSION_OUTPUT_ACTIVATIONS = (None, "relu", "softplus", "sigmoid", "tanh")
REGRESSION_LOSSES = ("mse", "mae", "huber")
TASKS = ("binary", "multilabel", "multiclass")


def _check_input_shape(input_shape):
    """``input_shape`` as a tuple of positive ints: ``8`` -> ``(8,)``, ``(28, 28)`` stays."""
    shape = (input_shape,) if isinstance(input_shape, numbers.Integral) else input_shape
    if (not isinstance(shape, tuple | list) or not shape
            or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                       for d in shape)):
        raise ValueError(
            "`input_shape` must be the number of input features (a positive integer) or the "
            f"shape of one example, e.g. (28, 28). Received: input_shape={input_shape!r}"
        )
    return tuple(int(d) for d in shape)


def _check_num_hiddens(num_hiddens):
    """``num_hiddens`` as a tuple of positive ints, one per hidden layer (may be empty)."""
    if (not isinstance(num_hiddens, tuple | list)
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n > 0
                       for n in num_hiddens)):
        raise ValueError(
            "`num_hiddens` must be a sequence of positive integers, the number of units of "
            f"each hidden layer, e.g. (300, 100). Received: num_hiddens={num_hiddens!r}"
        )
    return tuple(int(n) for n in num_hiddens)


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def _check_choice(value, choices, name):
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}. Received: {name}={value!r}")
    return value


def _check_activation(activation):
    """Fail early, with the argument's name, on an activation Keras does not know."""
    try:
        keras.activations.get(activation)
    except (ValueError, TypeError):
        raise ValueError(
            "`activation` must be the name of a Keras activation, such as 'relu', 'elu' or "
            f"'tanh'. Received: activation={activation!r}"
        ) from None
    return activation


def _sequential(input_shape, num_hiddens, activation, n_outputs, output_activation, name):
    """Input, Flatten for images, the hidden Dense layers and the output Dense layer."""
    layers = [keras.Input(shape=input_shape)]
    if len(input_shape) > 1:
        layers.append(keras.layers.Flatten(name="flatten"))
    layers += [keras.layers.Dense(units, activation=activation, name=f"hidden{i}")
               for i, units in enumerate(num_hiddens, start=1)]
    layers.append(keras.layers.Dense(n_outputs, activation=output_activation, name="output"))
    return keras.Sequential(layers, name=name)


def regression_mlp(input_shape, n_outputs=1, *, num_hiddens=(30,), activation="relu",
                   output_activation=None, loss="mse", optimizer="adam", compile=True):
    """A regression MLP as in the table: linear outputs, ReLU hidden layers, MSE loss.

    .. math::

        \\hat{\\mathbf y} = g\\bigl(W_L^\\top h_{L-1} + b_L\\bigr), \\quad
        h_\\ell = \\operatorname{ReLU}\\bigl(W_\\ell^\\top h_{\\ell-1} + b_\\ell\\bigr), \\quad
        \\mathcal L = \\frac1n \\sum_{i=1}^n \\frac1k \\lVert \\hat{\\mathbf y}_i
        - \\mathbf y_i \\rVert^2

    with :math:`h_0 = x` and :math:`g` the output activation (the identity by
    default). Typical values: 1 to 5 hidden layers of 10 to 100 units; one
    output unit per predicted value; ``output_activation`` ``"relu"`` or
    ``"softplus"`` for positive targets, ``"sigmoid"`` or ``"tanh"`` for bounded
    ones; loss ``"mae"`` or ``"huber"`` when the data have outliers.

    Args:
        input_shape: the number of features, or the shape of one example such
            as ``(28, 28)`` (then a ``Flatten`` layer comes first).
        n_outputs: the number of values predicted per example, ``k``.
        num_hiddens: units of each hidden layer; ``()`` gives linear regression.
        activation: the hidden layers' activation, a Keras name.
        output_activation: ``None`` (identity), ``"relu"``, ``"softplus"``,
            ``"sigmoid"`` or ``"tanh"``.
        loss: ``"mse"``, ``"mae"`` or ``"huber"``.
        optimizer: a Keras optimizer or its name, used when ``compile`` is True.
        compile: compile the model (with ``loss`` and ``optimizer``) before returning it.

    Returns:
        A ``keras.Sequential`` model mapping inputs of shape (n, \\*input_shape)
        to outputs of shape (n, n_outputs); compiled unless ``compile=False``.

    Raises:
        ValueError: for an argument outside the choices above.

    Example:
        >>> model = regression_mlp(8, num_hiddens=(30, 30))
        >>> [(layer.name, layer.units, layer.activation.__name__) for layer in model.layers]
        [('hidden1', 30, 'relu'), ('hidden2', 30, 'relu'), ('output', 1, 'linear')]
        >>> model.loss
        'mse'
    """
    input_shape = _check_input_shape(input_shape)
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    num_hiddens = _check_num_hiddens(num_hiddens)
    _check_activation(activation)
    if output_activation not in REGRESSION_OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"`output_activation` of a regression MLP must be one of "
            f"{REGRESSION_OUTPUT_ACTIVATIONS}: None for any real value, 'relu' or 'softplus' "
            f"for positive targets, 'sigmoid' or 'tanh' for bounded ones. "
            f"Received: output_activation={output_activation!r}"
        )
    _check_choice(loss, REGRESSION_LOSSES, "loss")
    model = _sequential(input_shape, num_hiddens, activation, n_outputs, output_activation,
                        "regression_mlp")
    if compile:
        model.compile(loss=loss, optimizer=optimizer)
    return model


def _classification_head(task, n_outputs, one_hot):
    """The output activation and the loss of a classifier, after checking that they fit."""
    if task == "binary":
        if n_outputs != 1:
            raise ValueError(
                "A binary classifier has one output unit, the probability of class 1. "
                f"Received: n_outputs={n_outputs}. For {n_outputs} independent yes/no labels "
                f"use task='multilabel'; for {n_outputs} exclusive classes, task='multiclass'."
            )
        return "sigmoid", "binary_crossentropy"
    if task == "multilabel":
        return "sigmoid", "binary_crossentropy"
    if n_outputs < 2:
        raise ValueError(
            "A multiclass classifier needs one output unit per class, at least 2. "
            f"Received: n_outputs={n_outputs}. For two classes with one probability, "
            "use task='binary'."
        )
    return "softmax", "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"


def classification_mlp(input_shape, n_outputs, *, task="multiclass", num_hiddens=(100,),
                       activation="relu", one_hot=False, optimizer="adam", compile=True):
    """A classification MLP as in the table: the output layer and loss follow the task.

    .. math::

        \\text{binary, multilabel: } \\hat p = \\sigma(z), \\;
        \\mathcal L = -\\frac1k \\sum_j \\bigl[y_j \\log \\hat p_j
        + (1 - y_j) \\log (1 - \\hat p_j)\\bigr]; \\qquad
        \\text{multiclass: } \\hat p = \\operatorname{softmax}(z), \\;
        \\mathcal L = -\\log \\hat p_y

    where :math:`z = W_L^\\top h_{L-1} + b_L` are the output layer's logits and
    the hidden layers are ReLU layers, as in :func:`regression_mlp`.

    ================  ==================  =========  ===================================
    task              output units        output     loss
    ================  ==================  =========  ===================================
    ``"binary"``      1                   sigmoid    ``binary_crossentropy``
    ``"multilabel"``  1 per label         sigmoid    ``binary_crossentropy``
    ``"multiclass"``  1 per class (>= 2)  softmax    ``(sparse_)categorical_crossentropy``
    ================  ==================  =========  ===================================

    Args:
        input_shape: the number of features, or the shape of one example such
            as ``(28, 28)`` (then a ``Flatten`` layer comes first).
        n_outputs: output units: 1 (binary), the number of labels (multilabel)
            or of classes (multiclass).
        task: ``"binary"``, ``"multilabel"`` or ``"multiclass"``.
        num_hiddens: units of each hidden layer; ``()`` gives logistic (softmax) regression.
        activation: the hidden layers' activation, a Keras name.
        one_hot: multiclass only: the labels ``y`` are one-hot rows of shape
            (n, n_outputs) (loss ``categorical_crossentropy``) rather than
            integers of shape (n,) (``sparse_categorical_crossentropy``).
        optimizer: a Keras optimizer or its name, used when ``compile`` is True.
        compile: compile the model (loss, ``optimizer``, metric ``"accuracy"``).

    Returns:
        A ``keras.Sequential`` model mapping inputs of shape (n, \\*input_shape)
        to probabilities of shape (n, n_outputs); compiled unless ``compile=False``.

    Raises:
        ValueError: for an unknown task, or a number of outputs that does not
            fit it (binary needs 1, multiclass at least 2).

    Example:
        >>> model = classification_mlp((28, 28), 10, num_hiddens=(300, 100))
        >>> [layer.name for layer in model.layers]
        ['flatten', 'hidden1', 'hidden2', 'output']
        >>> model.layers[-1].activation.__name__, model.loss
        ('softmax', 'sparse_categorical_crossentropy')
    """
    input_shape = _check_input_shape(input_shape)
    n_outputs = _check_positive_int(n_outputs, "n_outputs")
    task = _check_choice(task, TASKS, "task")
    num_hiddens = _check_num_hiddens(num_hiddens)
    _check_activation(activation)
    if not isinstance(one_hot, bool):
        raise ValueError(f"`one_hot` must be True or False. Received: one_hot={one_hot!r}")
    if one_hot and task != "multiclass":
        raise ValueError(
            f"`one_hot=True` is for multiclass labels; {task} labels are already 0/1 columns. "
            f"Received: task={task!r}, one_hot=True"
        )
    output_activation, loss = _classification_head(task, n_outputs, one_hot)
    model = _sequential(input_shape, num_hiddens, activation, n_outputs, output_activation,
                        f"{task}_mlp")
    if compile:
        model.compile(loss=loss, optimizer=optimizer, metrics=["accuracy"])
    return model
