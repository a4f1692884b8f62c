"""Synthetic submissions for the matrix-notation assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``linear_predict``, ``mse``,
``linear_mse_grads``, ``linear_gradient_step``, ``train_linear_regression``, ``fit``
(the scaling and hyperparameters of Part 5), ``tf_gradient_step`` and ``tf_fit`` (the
TensorFlow training run of Part 6).
"""

_TF_FIT_SETUP = (
    "X_tf = tf.constant((X - X.mean(axis=0)) / X.std(axis=0))\n"
    "y_tf = tf.constant(y)\n"
    "W_tf = tf.Variable(tf.zeros((3, 1), tf.float64))\n"
    "b_tf = tf.Variable(tf.zeros(1, tf.float64))\n"
    "losses_tf = []\n"
)
_FIT_RUN = (
    "W_fit, b_fit, losses_fit = train_linear_regression(X_scaled, y, lr_fit, num_epochs_fit)\n"
    'print(f"loss: first {losses_fit[0]:.2f}, last {losses_fit[-1]:.5f}")\n'
    'print("predictions:", np.ravel(linear_predict(X_scaled, W_fit, b_fit)).round(2))\n'
)


def _fit(scaling, lr, num_epochs):
    """The Part 5 cell with the given scaling of X and hyperparameters."""
    return (
        f"X_scaled = {scaling}\n"
        f"lr_fit = {lr}\n"
        f"num_epochs_fit = {num_epochs}\n"
        + _FIT_RUN
    )


_STANDARDIZED = "(X - X.mean(axis=0)) / X.std(axis=0)"


def _grads(body):
    """linear_mse_grads with E = 2 (Y_hat - Y) / (n k) computed first, then ``body``."""
    return (
        "def linear_mse_grads(X, y, W, b):\n"
        "    n, k = y.shape\n"
        "    Y_hat = linear_predict(X, W, b)\n" + body
    )


def _step(body):
    """linear_gradient_step with the gradients computed first, then ``body``."""
    return (
        "def linear_gradient_step(X, y, W, b, lr):\n"
        "    dW, db = linear_mse_grads(X, y, W, b)\n" + body
    )


def _trainer(*, start="np.zeros", epochs="num_epochs", record_after=False,
             update="W, b = linear_gradient_step(X, y, W, b, lr)"):
    """The reference training loop with one of its lines changed to make a mistake."""
    before = "" if record_after else "        losses.append(mse(y, linear_predict(X, W, b)))\n"
    after = "        losses.append(mse(y, linear_predict(X, W, b)))\n" if record_after else ""
    return (
        "def train_linear_regression(X, y, lr, num_epochs):\n"
        f"    W = {start}((X.shape[1], y.shape[1]))\n"
        f"    b = {start}(y.shape[1])\n"
        "    losses = []\n"
        f"    for _ in range({epochs}):\n"
        + before + f"        {update}\n" + after +
        "    return W, b, losses\n"
    )


def _tf_step(body):
    """tf_gradient_step recording the loss on a tape, then ``body``."""
    return (
        "def tf_gradient_step(loss_fn, W, b, lr):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = loss_fn()\n"
        "    dW, db = tape.gradient(loss, [W, b])\n" + body
    )


ALTERNATIVES = {
    # np.dot and explicit sums; the gradient as (E.T @ X).T; a while loop; scaling with
    # the sample standard deviation (ddof=1); the TF step assigns new values.
    "dot_and_while": {
        "linear_predict": (
            "def linear_predict(X, W, b):\n"
            "    return np.dot(X, W) + b[np.newaxis, :]\n"
        ),
        "mse": (
            "def mse(y, y_hat):\n"
            "    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)\n"
            "    return float(np.sum(diff * diff) / diff.size)\n"
        ),
        "linear_mse_grads": (
            "def linear_mse_grads(X, y, W, b):\n"
            "    n, k = y.shape\n"
            "    E = (linear_predict(X, W, b) - y) * (2.0 / (n * k))\n"
            "    return (E.T @ X).T, np.sum(E, axis=0)\n"
        ),
        "linear_gradient_step": (
            "def linear_gradient_step(X, y, W, b, lr):\n"
            "    grads = linear_mse_grads(X, y, W, b)\n"
            "    return W - lr * grads[0], b - lr * grads[1]\n"
        ),
        "train_linear_regression": (
            "def train_linear_regression(X, y, lr, num_epochs):\n"
            "    W, b = np.zeros((X.shape[1], y.shape[1])), np.zeros(y.shape[1])\n"
            "    losses = []\n"
            "    while len(losses) < num_epochs:\n"
            "        losses.append(float(mse(y, linear_predict(X, W, b))))\n"
            "        W, b = linear_gradient_step(X, y, W, b, lr)\n"
            "    return W, b, np.array(losses)\n"
        ),
        "fit": _fit("(X - X.mean(axis=0)) / X.std(axis=0, ddof=1)", 0.3, 3000),
        "tf_gradient_step": (
            "def tf_gradient_step(loss_fn, W, b, lr):\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn()\n"
            "    grads = tape.gradient(loss, [W, b])\n"
            "    for variable, grad in zip([W, b], grads):\n"
            "        variable.assign(variable - lr * grad)\n"
            "    return loss\n"
        ),
    },
    # Python loops everywhere (fine at this size); min-max scaling, which needs more epochs;
    # the TF step reads the variables from the tape's watched list.
    "python_loops": {
        "linear_predict": (
            "def linear_predict(X, W, b):\n"
            "    n, d = X.shape\n"
            "    k = W.shape[1]\n"
            "    out = np.zeros((n, k))\n"
            "    for i in range(n):\n"
            "        for j in range(k):\n"
            "            out[i, j] = sum(X[i, f] * W[f, j] for f in range(d)) + b[j]\n"
            "    return out\n"
        ),
        "mse": (
            "def mse(y, y_hat):\n"
            "    total, count = 0.0, 0\n"
            "    for row_true, row_hat in zip(np.atleast_2d(y), np.atleast_2d(y_hat)):\n"
            "        for a, b in zip(row_true, row_hat):\n"
            "            total += (b - a) ** 2\n"
            "            count += 1\n"
            "    return total / count\n"
        ),
        "linear_mse_grads": (
            "def linear_mse_grads(X, y, W, b):\n"
            "    n, k = y.shape\n"
            "    Y_hat = linear_predict(X, W, b)\n"
            "    dW, db = np.zeros(W.shape), np.zeros(k)\n"
            "    for i in range(n):\n"
            "        e = 2 * (Y_hat[i] - y[i]) / (n * k)\n"
            "        dW += np.outer(X[i], e)\n"
            "        db += e\n"
            "    return dW, db\n"
        ),
        "linear_gradient_step": (
            "def linear_gradient_step(X, y, W, b, lr):\n"
            "    dW, db = linear_mse_grads(X, y, W, b)\n"
            "    W_new = W.copy()\n"
            "    W_new -= lr * dW\n"
            "    return W_new, b - lr * db\n"
        ),
        "train_linear_regression": (
            "def train_linear_regression(X, y, lr, num_epochs):\n"
            "    W = np.zeros((X.shape[1], y.shape[1]))\n"
            "    b = np.zeros(y.shape[1])\n"
            "    losses = [0.0] * num_epochs\n"
            "    for epoch in range(num_epochs):\n"
            "        losses[epoch] = mse(y, linear_predict(X, W, b))\n"
            "        W, b = linear_gradient_step(X, y, W, b, lr)\n"
            "    return W, b, losses\n"
        ),
        "fit": _fit("(X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))", 0.45, 6000),
        "tf_gradient_step": (
            "def tf_gradient_step(loss_fn, W, b, lr):\n"
            "    with tf.GradientTape(watch_accessed_variables=False) as tape:\n"
            "        tape.watch([W, b])\n"
            "        loss = loss_fn()\n"
            "    dW, db = tape.gradient(loss, [W, b])\n"
            "    W.assign_add(-lr * dW)\n"
            "    b.assign_add(-lr * db)\n"
            "    return loss.numpy()\n"
        ),
    },
    # The bias as the weight of a column of ones (the augmented matrix of the closed form);
    # the loop in tf_fit compiled with tf.function.
    "augmented_matrix": {
        "linear_predict": (
            "def linear_predict(X, W, b):\n"
            "    X_ones = np.hstack([X, np.ones((X.shape[0], 1))])\n"
            "    return X_ones @ np.vstack([W, b.reshape(1, -1)])\n"
        ),
        "mse": "def mse(y, y_hat):\n    return np.square(np.subtract(y_hat, y)).mean()\n",
        "linear_mse_grads": (
            "def linear_mse_grads(X, y, W, b):\n"
            "    X_ones = np.hstack([X, np.ones((X.shape[0], 1))])\n"
            "    E = 2 * (linear_predict(X, W, b) - y) / np.size(y)\n"
            "    grad = X_ones.T @ E\n"
            "    return grad[:-1], grad[-1]\n"
        ),
        "linear_gradient_step": _step("    return W - lr * dW, b - lr * db\n"),
        "train_linear_regression": (
            "def train_linear_regression(X, y, lr, num_epochs):\n"
            "    W = np.zeros((X.shape[1], y.shape[1]))\n"
            "    b = np.zeros(y.shape[1])\n"
            "    losses = []\n"
            "    for _ in range(num_epochs):\n"
            "        loss = mse(y, linear_predict(X, W, b))\n"
            "        W, b = linear_gradient_step(X, y, W, b, lr)\n"
            "        losses = losses + [loss]\n"
            "    return W, b, losses\n"
        ),
        "fit": _fit(_STANDARDIZED, 0.1, 6000),
        "tf_gradient_step": _tf_step(
            "    W.assign_sub(lr * dW)\n"
            "    b.assign_sub(lr * db)\n"
            "    return loss\n"),
        "tf_fit": _TF_FIT_SETUP + (
            "step = tf.function(lambda: tf_gradient_step(\n"
            "    lambda: tf.reduce_mean((X_tf @ W_tf + b_tf - y_tf) ** 2), W_tf, b_tf, 0.3))\n"
            "for _ in range(200):\n"
            "    losses_tf.append(float(step()))\n"
        ),
    },
}

MISTAKES = {
    # Part 1: the hypothesis.
    "predict_w_times_x": {
        "answers": {"linear_predict": "def linear_predict(X, W, b):\n    return W @ X + b\n"},
        "fails": ["linear_predict_values"],
    },
    "predict_transposed": {
        "answers": {"linear_predict": "def linear_predict(X, W, b):\n    return W.T @ X.T + b\n"},
        "fails": ["linear_predict_values"],
    },
    "predict_forgets_b": {
        "answers": {"linear_predict": "def linear_predict(X, W, b):\n    return X @ W\n"},
        "fails": ["linear_predict_values"],
    },
    "predict_imports_mlkit": {
        "answers": {"linear_predict": "from mlkit.numpy import linear_predict\n"},
        "fails": ["linear_predict_values"],
        "uses_reference": True,
    },
    # Part 2: the loss and its gradient.
    "mse_sums": {
        "answers": {"mse": "def mse(y, y_hat):\n    return np.sum((y_hat - y) ** 2)\n"},
        "fails": ["mse_values"],
    },
    "grads_without_one_over_n": {
        "answers": {"linear_mse_grads": _grads(
            "    E = 2 * (Y_hat - y)\n    return X.T @ E, E.sum(axis=0)\n")},
        "fails": ["linear_mse_grads_values", "linear_mse_grads_check"],
    },
    "grads_without_factor_2": {
        "answers": {"linear_mse_grads": _grads(
            "    E = (Y_hat - y) / (n * k)\n    return X.T @ E, E.sum(axis=0)\n")},
        "fails": ["linear_mse_grads_values", "linear_mse_grads_check"],
    },
    "grads_db_mean": {
        "answers": {"linear_mse_grads": _grads(
            "    E = 2 * (Y_hat - y) / (n * k)\n    return X.T @ E, E.mean(axis=0)\n")},
        "fails": ["linear_mse_grads_values", "linear_mse_grads_check"],
    },
    # Part 3: the step.
    "step_sign_flipped": {
        "answers": {"linear_gradient_step": _step("    return W + lr * dW, b + lr * db\n")},
        "fails": ["linear_gradient_step_values"],
    },
    # The lr of the first check written into the code: lr has no effect.
    "step_with_lr_written_in": {
        "answers": {"linear_gradient_step": _step("    return W - 0.1 * dW, b - 0.1 * db\n")},
        "fails": ["linear_gradient_step_values"],
        "says": {"linear_gradient_step_values": "the parameter lr is ignored"},
    },
    "step_in_place": {
        "answers": {"linear_gradient_step": _step(
            "    W -= lr * dW\n    b -= lr * db\n    return W, b\n")},
        "fails": ["linear_gradient_step_values"],
    },
    # Part 4: the training loop.
    "train_records_after_the_step": {
        "answers": {"train_linear_regression": _trainer(record_after=True)},
        "fails": ["train_linear_regression_losses"],
    },
    "train_drops_new_b": {
        "answers": {"train_linear_regression": _trainer(
            update="W, _ = linear_gradient_step(X, y, W, b, lr)")},
        "fails": ["train_linear_regression_params", "train_linear_regression_losses"],
    },
    # Part 5: the choice of scaling and learning rate.
    "fit_diverging_learning_rate": {
        "answers": {"fit": _fit(_STANDARDIZED, 0.5, 2000)},
        "fails": ["fit_reaches_least_squares"],
    },
    # Just above 2 / lambda_max the loss grows but does not overflow in 200 epochs.
    "fit_slowly_diverging_learning_rate": {
        "answers": {"fit": _fit(_STANDARDIZED, 0.36, 200)},
        "fails": ["fit_reaches_least_squares"],
    },
    "fit_unscaled_with_the_lectures_rate": {
        "answers": {"fit": _fit("X", 1e-6, 5000)},
        "fails": ["fit_reaches_least_squares"],
    },
    # Part 6: TensorFlow. The training run of Part 6 uses the student's step, so a wrong
    # step also spoils it.
    "tf_step_does_not_assign": {
        "answers": {"tf_gradient_step": _tf_step(
            "    W = W - lr * dW\n    b = b - lr * db\n    return loss\n")},
        "fails": ["tf_gradient_step_values", "tf_training"],
    },
    # The gradient of the mean squared error written by hand works for that loss only.
    "tf_step_hand_written_mse_gradient": {
        "answers": {"tf_gradient_step": (
            "def tf_gradient_step(loss_fn, W, b, lr):\n"
            "    loss = loss_fn()\n"
            "    E = 2 * (tf.matmul(X_tf, W) + b - y_tf) / tf.cast(tf.size(y_tf), tf.float64)\n"
            "    W.assign_sub(lr * tf.matmul(X_tf, E, transpose_a=True))\n"
            "    b.assign_sub(lr * tf.reduce_sum(E, axis=0))\n"
            "    return loss\n")},
        "fails": ["tf_gradient_step_values"],
    },
    "tf_fit_diverging_rate": {
        "answers": {"tf_fit": _TF_FIT_SETUP + (
            "for _ in range(200):\n"
            "    loss = tf_gradient_step(\n"
            "        lambda: tf.reduce_mean(tf.square(tf.matmul(X_tf, W_tf) + b_tf - y_tf)),\n"
            "        W_tf, b_tf, 0.5)\n"
            "    losses_tf.append(float(loss))\n")},
        "fails": ["tf_training"],
    },
}
