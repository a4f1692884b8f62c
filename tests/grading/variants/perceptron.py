"""Synthetic submissions for the perceptron assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``perceptron_update``,
``train_perceptron`` and ``xor`` (the XOR run and ``xor_learned``). The written
answer of Part 3 is a plain markdown cell, worth no points, so it is not listed.
"""

_XOR_DATA = (
    "X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])\n"
    "y_xor = np.array([0, 1, 1, 0])\n"
)
_XOR_PRINTS = (
    'print("mistakes in the last 10 epochs:", errors_xor[-10:])\n'
    'print("xor_learned =", xor_learned)\n'
)
_XOR_RUN = "w_xor, b_xor, errors_xor = train_perceptron(X_xor, y_xor, lr=1.0, num_epochs=100)\n"


def _xor(decision):
    """The XOR cell with the reference run and the given way of setting xor_learned."""
    return _XOR_DATA + _XOR_RUN + decision + _XOR_PRINTS


def _update(body):
    """perceptron_update with the given body after y_hat and error are computed the usual way."""
    return (
        "def perceptron_update(w, b, x, y, lr=1.0):\n"
        "    z = np.dot(w, x) + b\n"
        "    y_hat = 1.0 if z > 0 else 0.0\n"
        "    error = y - y_hat\n" + body
    )


def _trainer(*, start="np.zeros(X.shape[1])", update="w, b = perceptron_update(w, b, x_i, y_i, lr)",
             reset="num_errors = 0", record="errors.append(num_errors)\n        if num_errors == 0:\n            break"):
    """The reference training loop, with one of its lines replaced to make a mistake."""
    return (
        "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
        f"    w, b = {start}, 0.0\n"
        "    errors = []\n"
        "    num_errors = 0\n"
        "    for _ in range(num_epochs):\n"
        f"        {reset}\n"
        "        for x_i, y_i in zip(X, y):\n"
        "            y_hat = 1 if np.dot(w, x_i) + b > 0 else 0\n"
        "            if y_hat != y_i:\n"
        f"                {update}\n"
        "                num_errors += 1\n"
        f"        {record}\n"
        "    return w, b, errors\n"
    )


ALTERNATIVES = {
    # Explicit if-branches on a copy of w; a while loop that detects an update by the change of b.
    "if_branches_and_while": {
        "perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    w = np.array(w, dtype=float)  # a copy: the caller's array stays as it was\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    z = float(np.sum(w * x)) + b\n"
            "    if y == 1 and z <= 0:\n"
            "        w += lr * x\n"
            "        b += lr\n"
            "    elif y == 0 and z > 0:\n"
            "        w -= lr * x\n"
            "        b -= lr\n"
            "    return w, b\n"
        ),
        "train_perceptron": (
            "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    w = np.zeros(X.shape[1])\n"
            "    b = 0.0\n"
            "    errors = []\n"
            "    while len(errors) < num_epochs:\n"
            "        count = 0\n"
            "        for i in range(len(X)):\n"
            "            new_w, new_b = perceptron_update(w, b, X[i], y[i], lr)\n"
            "            if new_b != b:  # b moves by lr exactly when the example was a mistake\n"
            "                count += 1\n"
            "            w, b = new_w, new_b\n"
            "        errors.append(count)\n"
            "        if count == 0:\n"
            "            break\n"
            "    return w, b, errors\n"
        ),
        "xor": _xor("xor_learned = 0 in errors_xor\n"),
    },
    # Plain Python sums and lists; the loop returns from inside once an epoch is clean.
    "python_loops": {
        "perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    z = sum(w_j * x_j for w_j, x_j in zip(w, x)) + b\n"
            "    delta = lr * (y - (1 if z > 0 else 0))\n"
            "    return np.array([w_j + delta * x_j for w_j, x_j in zip(w, x)]), b + delta\n"
        ),
        "train_perceptron": (
            "def step(z):\n"
            "    return 1 if z > 0 else 0\n\n\n"
            "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
            "    w = np.zeros(len(X[0]))\n"
            "    b = 0\n"
            "    errors = []\n"
            "    for epoch in range(num_epochs):\n"
            "        errors.append(0)\n"
            "        for x_i, y_i in zip(X, y):\n"
            "            error = y_i - step(x_i @ w + b)\n"
            "            if error != 0:\n"
            "                w = w + lr * error * x_i\n"
            "                b = b + lr * error\n"
            "                errors[-1] += 1\n"
            "        if errors[-1] == 0:\n"
            "            return w, b, errors\n"
            "    return w, b, errors\n"
        ),
        "xor": _xor("xor_learned = bool(errors_xor[-1] == 0)\n"),
    },
    # np.heaviside for the step; the trainer calls the update on every example (a no-op when
    # right) and counts the mistakes with a vector of flags.
    "heaviside_and_flags": {
        "perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    y_hat = np.heaviside(x @ w + b, 0.0)\n"
            "    change = lr * (y - y_hat)\n"
            "    return w + change * x, b + change\n"
        ),
        "train_perceptron": (
            "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
            "    n, n_features = X.shape\n"
            "    w, b = np.zeros(n_features), 0.0\n"
            "    errors = []\n"
            "    for epoch in range(num_epochs):\n"
            "        wrong = np.zeros(n, dtype=bool)\n"
            "        for i in range(n):\n"
            "            wrong[i] = (X[i] @ w + b > 0) != (y[i] == 1)\n"
            "            w, b = perceptron_update(w, b, X[i], y[i], lr)\n"
            "        errors.append(int(wrong.sum()))\n"
            "        if not wrong.any():\n"
            "            break\n"
            "    return w, b, errors\n"
        ),
        "xor": _xor("xor_learned = len(errors_xor) < 100\n"),
    },
}

MISTAKES = {
    # Part 1: the update rule. Part 2 is graded with a correct update in its place.
    "update_sign_flipped": {
        "answers": {"perceptron_update": _update(
            "    return w + lr * (y_hat - y) * x, b + lr * (y_hat - y)\n")},
        "fails": ["perceptron_update_values"],
    },
    "update_forgets_bias": {
        "answers": {"perceptron_update": _update("    return w + lr * error * x, b\n")},
        "fails": ["perceptron_update_values"],
    },
    "update_forgets_lr": {
        "answers": {"perceptron_update": _update("    return w + error * x, b + error\n")},
        "fails": ["perceptron_update_values"],
    },
    "update_fires_at_zero": {
        "answers": {"perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    y_hat = 1.0 if np.dot(w, x) + b >= 0 else 0.0\n"
            "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)\n"
        )},
        "fails": ["perceptron_update_values"],
    },
    # Adding lr * y * x on every example (a Hebbian rule) ignores the prediction.
    "update_ignores_prediction": {
        "answers": {"perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    return w + lr * y * x, b + lr * y\n"
        )},
        "fails": ["perceptron_update_values"],
    },
    "update_with_sign_not_step": {
        "answers": {"perceptron_update": (
            "def perceptron_update(w, b, x, y, lr=1.0):\n"
            "    y_hat = np.sign(np.dot(w, x) + b)\n"
            "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)\n"
        )},
        "fails": ["perceptron_update_values"],
    },
    # Right values, but the caller's w changes too.
    "update_in_place": {
        "answers": {"perceptron_update": _update(
            "    w += lr * error * x\n"
            "    b += lr * error\n"
            "    return w, b\n")},
        "fails": ["perceptron_update_pure"],
    },
    "update_imports_mlkit": {
        "answers": {"perceptron_update": "from mlkit.numpy import perceptron_update\n"},
        # mlkit.numpy is not there when graded: the training on XOR that uses it fails too
        "fails": ["perceptron_update_values", "perceptron_update_pure", "xor_not_learned"],
        "uses_reference": True,
    },
    # Part 2: the training loop.
    "train_no_early_stop": {
        "answers": {"train_perceptron": _trainer(record="errors.append(num_errors)")},
        "fails": ["train_perceptron_errors"],
    },
    "train_count_not_reset": {
        "answers": {"train_perceptron": _trainer(reset="pass")},
        "fails": ["train_perceptron_errors"],
    },
    "train_drops_the_last_epoch": {
        "answers": {"train_perceptron": _trainer(
            record="if num_errors == 0:\n            break\n        errors.append(num_errors)")},
        "fails": ["train_perceptron_errors"],
    },
    "train_counts_after_the_epoch": {
        "answers": {"train_perceptron": (
            "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    errors = []\n"
            "    for _ in range(num_epochs):\n"
            "        for x_i, y_i in zip(X, y):\n"
            "            w, b = perceptron_update(w, b, x_i, y_i, lr)\n"
            "        wrong = int(np.sum((X @ w + b > 0) != y))\n"
            "        errors.append(wrong)\n"
            "        if wrong == 0:\n"
            "            break\n"
            "    return w, b, errors\n"
        )},
        "fails": ["train_perceptron_errors"],
    },
    # From zero weights lr only scales w and b: the mistakes are the same, the weights are not.
    "train_forgets_lr": {
        "answers": {"train_perceptron": _trainer(
            update="w, b = perceptron_update(w, b, x_i, y_i)")},
        "fails": ["train_perceptron_learns_and_or"],
        "says": {"train_perceptron_learns_and_or": "lr was not passed on to the update"},
    },
    # Without a bias, AND cannot be learned: both the weights and the mistakes are wrong.
    "train_drops_new_bias": {
        "answers": {"train_perceptron": _trainer(
            update="w, _ = perceptron_update(w, b, x_i, y_i, lr)")},
        "fails": ["train_perceptron_learns_and_or", "train_perceptron_errors"],
    },
    "train_starts_at_ones": {
        "answers": {"train_perceptron": _trainer(start="np.ones(X.shape[1])")},
        "fails": ["train_perceptron_learns_and_or", "train_perceptron_errors"],
    },
    "train_calls_mlkit_perceptron": {
        "answers": {"train_perceptron": (
            "from mlkit.numpy import Perceptron\n\n\n"
            "def train_perceptron(X, y, lr=1.0, num_epochs=20):\n"
            "    model = Perceptron(lr=lr, num_epochs=num_epochs).fit(X, y)\n"
            "    return model.W_, model.b_, model.errors_\n"
        )},
        # mlkit.numpy is not there when graded: the run on XOR fails too
        "fails": ["train_perceptron_learns_and_or", "train_perceptron_errors", "xor_not_learned"],
        "uses_reference": True,
    },
    # Part 3: reading the run.
    "xor_learned_inverted": {
        "answers": {"xor": _xor("xor_learned = errors_xor[-1] > 0\n")},
        "fails": ["xor_not_learned"],
    },
    "xor_learned_as_text": {
        "answers": {"xor": _xor('xor_learned = "no"\n')},
        "fails": ["xor_not_learned"],
    },
}
