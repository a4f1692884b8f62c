"""Synthetic submissions for the Keras MLP assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``spam_filter``,
``photo_tagger``, ``digit_classifier``, ``price_model`` (Part 1),
``scale_pixels`` (Part 2), ``fashion_model`` and ``fashion_training`` (Part 3).
"""


def _builder(signature, doc, layers, compile_args):
    """A builder function with a list of layers (one string each) and compile arguments."""
    body = "".join(f"        {layer},\n" for layer in layers)
    return (
        f"def {signature}:\n"
        f'    """{doc}"""\n'
        "    model = keras.Sequential([\n"
        f"{body}"
        "    ])\n"
        f"    model.compile({compile_args})\n"
        "    return model\n"
    )


def _spam(output, loss="'binary_crossentropy'", hidden="keras.layers.Dense(30, activation='relu')"):
    return _builder("build_spam_filter(n_features)", "Spam or not.",
                    ["keras.Input(shape=(n_features,))", hidden, output],
                    f"loss={loss}, optimizer='adam'")


def _tagger(output, loss="'binary_crossentropy'"):
    return _builder("build_photo_tagger(n_features, n_tags)", "Which tags apply.",
                    ["keras.Input(shape=(n_features,))",
                     "keras.layers.Dense(50, activation='relu')", output],
                    f"loss={loss}, optimizer='adam'")


def _digits(output="keras.layers.Dense(n_classes, activation='softmax')",
            loss="'categorical_crossentropy'"):
    return _builder("build_digit_classifier(n_features, n_classes)", "One-hot classes.",
                    ["keras.Input(shape=(n_features,))",
                     "keras.layers.Dense(100, activation='relu')", output],
                    f"loss={loss}, optimizer='adam'")


def _price(output, loss="'mse'"):
    return _builder("build_price_model(n_features)", "A positive price.",
                    ["keras.Input(shape=(n_features,))",
                     "keras.layers.Dense(30, activation='relu')", output],
                    f"loss={loss}, optimizer='adam'")


def _fashion(output="keras.layers.Dense(10, activation='softmax')",
             loss="'sparse_categorical_crossentropy'"):
    return _builder("build_fashion_model()", "Fashion-MNIST classifier.",
                    ["keras.Input(shape=(28, 28))", "keras.layers.Flatten()",
                     "keras.layers.Dense(300, activation='relu')",
                     "keras.layers.Dense(100, activation='relu')", output],
                    f"loss={loss}, optimizer='adam', metrics=['accuracy']")


def _training(fit):
    """The training cell with the given fit code (which sets history_fashion)."""
    return "model_fashion = build_fashion_model()\n" + fit


_SCALE = "def scale_pixels(X):\n    return {}\n"


ALTERNATIVES = {
    # The .add form; separate Activation layers; loss and optimizer objects; float32 pixels.
    "add_layers_and_objects": {
        "spam_filter": (
            "def build_spam_filter(n_features):\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(n_features,)))\n"
            "    model.add(keras.layers.Dense(16))\n"
            "    model.add(keras.layers.Activation('relu'))\n"
            "    model.add(keras.layers.Dense(1))\n"
            "    model.add(keras.layers.Activation('sigmoid'))\n"
            "    model.compile(loss=keras.losses.BinaryCrossentropy(),\n"
            "                  optimizer=keras.optimizers.Adam(learning_rate=1e-3))\n"
            "    return model\n"
        ),
        "photo_tagger": (
            "def build_photo_tagger(n_features, n_tags):\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(n_features,)))\n"
            "    for units in (64, 32):\n"
            "        model.add(keras.layers.Dense(units, activation='relu'))\n"
            "    model.add(keras.layers.Dense(n_tags, activation='sigmoid'))\n"
            "    model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer='rmsprop')\n"
            "    return model\n"
        ),
        "digit_classifier": (
            "def build_digit_classifier(n_features, n_classes):\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(n_features,)))\n"
            "    model.add(keras.layers.Dense(64, activation='relu'))\n"
            "    model.add(keras.layers.Dense(n_classes))\n"
            "    model.add(keras.layers.Softmax())\n"
            "    model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer='sgd')\n"
            "    return model\n"
        ),
        "price_model": _price("keras.layers.Dense(1, activation='softplus')",
                              loss="keras.losses.Huber()"),
        "scale_pixels": _SCALE.format("X.astype(np.float32) / 255"),
        "fashion_model": (
            "def build_fashion_model():\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(28, 28)))\n"
            "    model.add(keras.layers.Flatten())\n"
            "    model.add(keras.layers.Dense(100, activation='relu'))\n"
            "    model.add(keras.layers.Dense(10))\n"
            "    model.add(keras.layers.Activation('softmax'))\n"
            "    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(),\n"
            "                  optimizer=keras.optimizers.Adam(), metrics=['accuracy'])\n"
            "    return model\n"
        ),
        "fashion_training": _training(
            "history_fashion = model_fashion.fit(scale_pixels(X_train_small), y_train_small,\n"
            "                                    epochs=5, batch_size=64, verbose=0)\n"),
    },
    # Loss and activation functions instead of names; a ReLU output for the positive price
    # with MAE; a validation split while training.
    "functions_and_validation": {
        "spam_filter": _spam("keras.layers.Dense(1, activation=keras.activations.sigmoid)",
                             loss="keras.losses.binary_crossentropy",
                             hidden="keras.layers.Dense(8, activation=keras.activations.relu)"),
        "photo_tagger": _tagger("keras.layers.Dense(n_tags, activation=keras.activations.sigmoid)",
                                loss="keras.losses.binary_crossentropy"),
        "digit_classifier": _digits(loss="keras.losses.categorical_crossentropy"),
        "price_model": _price("keras.layers.Dense(1, activation='relu')", loss="'mae'"),
        "scale_pixels": _SCALE.format("np.divide(X, 255, dtype=np.float32)"),
        "fashion_model": _fashion(loss="keras.losses.sparse_categorical_crossentropy"),
        "fashion_training": _training(
            "X_scaled = scale_pixels(X_train_small)\n"
            "history_fashion = model_fashion.fit(X_scaled, y_train_small, epochs=5,\n"
            "                                    validation_split=0.1, verbose=0)\n"),
    },
    # tf.keras, which is Keras 3 since TensorFlow 2.16; SGD with a larger learning rate.
    "tf_keras_and_sgd": {
        "spam_filter": (
            "import tensorflow as tf\n\n\n"
            "def build_spam_filter(n_features):\n"
            "    model = tf.keras.Sequential([\n"
            "        tf.keras.Input(shape=(n_features,)),\n"
            "        tf.keras.layers.Dense(32, activation='relu'),\n"
            "        tf.keras.layers.Dense(32, activation='elu'),\n"
            "        tf.keras.layers.Dense(1, activation='sigmoid'),\n"
            "    ])\n"
            "    model.compile(loss='binary_crossentropy', optimizer='nadam')\n"
            "    return model\n"
        ),
        "price_model": _price("keras.layers.Dense(1)", loss="'huber'"),
        "scale_pixels": _SCALE.format("X * (1.0 / 255.0)"),
        "fashion_model": (
            "import tensorflow as tf\n\n\n"
            "def build_fashion_model():\n"
            "    model = tf.keras.Sequential([\n"
            "        tf.keras.layers.Flatten(input_shape=(28, 28)),\n"
            "        tf.keras.layers.Dense(300, activation='relu'),\n"
            "        tf.keras.layers.Dense(100, activation='relu'),\n"
            "        tf.keras.layers.Dense(10, activation='softmax'),\n"
            "    ])\n"
            "    model.compile(loss='sparse_categorical_crossentropy',\n"
            "                  optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),\n"
            "                  metrics=['accuracy'])\n"
            "    return model\n"
        ),
    },
}

MISTAKES = {
    # Part 1: each builder on its own.
    "spam_softmax_output": {
        "answers": {"spam_filter": _spam("keras.layers.Dense(1, activation='softmax')")},
        "fails": ["spam_filter_model"],
    },
    "tagger_relu_output": {
        "answers": {"photo_tagger": _tagger("keras.layers.Dense(n_tags, activation='relu')")},
        "fails": ["photo_tagger_model"],
    },
    "digits_sparse_loss_with_one_hot_labels": {
        "answers": {"digit_classifier": _digits(loss="'sparse_categorical_crossentropy'")},
        "fails": ["digit_classifier_model"],
    },
    # Right for the visible 10 classes, wrong for the hidden 3.
    "digits_ten_units_always": {
        "answers": {"digit_classifier": _digits(
            output="keras.layers.Dense(10, activation='softmax')")},
        "fails": ["digit_classifier_model"],
    },
    "price_sigmoid_output": {
        "answers": {"price_model": _price("keras.layers.Dense(1, activation='sigmoid')")},
        "fails": ["price_model_model"],
    },
    # Part 2: a model trained on unscaled pixels also fails on scaled test images.
    "pixels_not_scaled": {
        "answers": {"scale_pixels": _SCALE.format("X.astype(float)")},
        "fails": ["scale_pixels_values", "fashion_accuracy"],
    },
    # Part 3. Integer labels with categorical_crossentropy: fit fails, so there is no history.
    "fashion_categorical_with_integer_labels": {
        "answers": {"fashion_model": _fashion(loss="'categorical_crossentropy'")},
        "fails": ["fashion_model_structure", "fashion_accuracy"],
    },
    "fashion_built_with_mlkit": {
        "answers": {"fashion_model": (
            "from mlkit.keras_models import classification_mlp\n\n\n"
            "def build_fashion_model():\n"
            "    return classification_mlp((28, 28), 10, num_hiddens=(300, 100))\n"
        )},
        # mlkit.keras_models is not there when graded: the model is never built or trained
        "fails": ["fashion_model_structure", "fashion_accuracy"],
        "uses_reference": True,
    },
    "fashion_too_many_epochs": {
        "answers": {"fashion_training": _training(
            "history_fashion = model_fashion.fit(scale_pixels(X_train_small), y_train_small,\n"
            "                                    epochs=8, verbose=0)\n")},
        "fails": ["fashion_accuracy"],
    },
}
