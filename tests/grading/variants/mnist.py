"""Synthetic submissions for the MNIST assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``prepare``
(``prepare_images`` and ``one_hot``), ``loss_and_grad``, ``sgd_step``,
``train_mlp`` and ``mnist`` (the run on 2000 MNIST images). The test cells of
Parts 4 and 5 use the student's functions of the earlier parts where the
assignment says so: Part 4 is graded with correct ``loss_and_grad`` and
``sgd_step`` in place, but Part 5 is the student's own run, so a mistake that
spoils the run loses the points of Part 5 too.
"""


def _prepare(images_body, one_hot_body=None):
    """The ``prepare`` cell with the given bodies (the reference one_hot by default)."""
    return (
        "def prepare_images(images):\n" + images_body + "\n\n"
        "def one_hot(y, num_classes=10):\n"
        + (one_hot_body or "    return np.eye(num_classes)[np.asarray(y)]\n")
    )


_PREPARE_IMAGES = "    return images.reshape(len(images), -1) / 255.0\n"


def _loss(body):
    """loss_and_grad with the given body after the shifted log-probabilities are computed."""
    return (
        "def loss_and_grad(Y, logits):\n"
        "    n = len(Y)\n"
        "    shifted = logits - logits.max(axis=1, keepdims=True)\n"
        "    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n" + body
    )


def _trainer(*, before_epoch="", order="order = rng.permutation(n)", stop="n", step="batch_size",
             update="params = sgd_step(params, grads, lr)", record="losses.append(total / n)"):
    """The reference training loop, with one of its lines replaced to make a mistake."""
    return (
        "def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):\n"
        "    n = len(X)\n"
        "    params = init_params([X.shape[1], num_hiddens, Y.shape[1]], seed)\n"
        "    rng = np.random.default_rng(seed)\n"
        "    losses = []\n"
        "    for epoch in range(num_epochs):\n"
        f"        {before_epoch}\n"
        f"        {order}\n"
        "        total = 0.0\n"
        "        batch_losses = []\n"
        f"        for start in range(0, {stop}, {step}):\n"
        f"            batch = order[start:start + {step}]\n"
        "            logits, caches = forward(params, X[batch])\n"
        "            loss, dlogits = loss_and_grad(Y[batch], logits)\n"
        "            grads = backward(params, caches, dlogits)\n"
        f"            {update}\n"
        "            total += loss * len(batch)\n"
        "            batch_losses.append(loss)\n"
        f"        {record}\n"
        "    return params, losses\n"
    )


_SIGMOID_NETWORK = (
    "def sigmoid_forward(params, X):\n"
    "    caches = []\n"
    "    H = X\n"
    "    for i, (W, b) in enumerate(params):\n"
    "        Z = H @ W + b\n"
    "        caches.append((H, Z))\n"
    "        H = Z if i == len(params) - 1 else 1.0 / (1.0 + np.exp(-Z))\n"
    "    return H, caches\n\n\n"
    "def sigmoid_backward(params, caches, dlogits):\n"
    "    grads = []\n"
    "    dZ = dlogits\n"
    "    for i in range(len(params) - 1, -1, -1):\n"
    "        H, _ = caches[i]\n"
    "        grads.append((H.T @ dZ, dZ.sum(axis=0)))\n"
    "        if i > 0:\n"
    "            dZ = (dZ @ params[i][0].T) * H * (1.0 - H)\n"
    "    return grads[::-1]\n\n\n"
)


def _mnist(test_images="prepare_images(x_test[:1000])", accuracy_on="X_test_small, y_test[:1000]"):
    """The Part 5 run, with the test images or the accuracy's data replaced to make a mistake."""
    images, labels = accuracy_on.split(", ")
    return (
        "X_small = prepare_images(x_train[:2000])\n"
        "Y_small = one_hot(y_train[:2000])\n"
        f"X_test_small = {test_images}\n"
        "params_mnist, losses_mnist = train_mlp(X_small, Y_small, num_hiddens=64, lr=0.2,\n"
        "                                       num_epochs=10, batch_size=32, seed=0)\n"
        f"test_accuracy = float(np.mean(predict(params_mnist, {images}) == {labels}))\n"
    )


ALTERNATIVES = {
    # Loops and explicit indexing: a stack of flattened images, a one-hot built by fancy
    # indexing, the loss from log-sum-exp written out, a while loop over the batches, and the
    # accuracy counted by hand.
    "loops_and_indexing": {
        "prepare": (
            "def prepare_images(images):\n"
            "    rows = [np.asarray(image, dtype=float).flatten() for image in images]\n"
            "    return np.stack(rows) / 255\n\n\n"
            "def one_hot(y, num_classes=10):\n"
            "    y = np.asarray(y)\n"
            "    Y = np.zeros((len(y), num_classes))\n"
            "    Y[np.arange(len(y)), y] = 1.0\n"
            "    return Y\n"
        ),
        "loss_and_grad": (
            "def loss_and_grad(Y, logits):\n"
            "    m = np.max(logits, axis=1, keepdims=True)\n"
            "    log_sum = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))\n"
            "    per_example = log_sum - np.sum(Y * logits, axis=1)\n"
            "    probabilities = np.exp(logits - (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))))\n"
            "    return per_example.mean(), (probabilities - Y) / Y.shape[0]\n"
        ),
        "sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    new_params = []\n"
            "    for i in range(len(params)):\n"
            "        W, b = params[i]\n"
            "        dW, db = grads[i]\n"
            "        new_params.append((W - lr * dW, b - lr * db))\n"
            "    return new_params\n"
        ),
        "train_mlp": (
            "def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):\n"
            "    params = init_params([X.shape[1], num_hiddens, Y.shape[1]], seed)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    losses = []\n"
            "    epoch = 0\n"
            "    while epoch < num_epochs:\n"
            "        order = rng.permutation(X.shape[0])\n"
            "        sum_of_losses, seen = 0.0, 0\n"
            "        start = 0\n"
            "        while start < len(order):\n"
            "            batch = order[start:start + batch_size]\n"
            "            logits, caches = forward(params, X[batch])\n"
            "            loss, dlogits = loss_and_grad(Y[batch], logits)\n"
            "            params = sgd_step(params, backward(params, caches, dlogits), lr)\n"
            "            sum_of_losses += loss * len(batch)\n"
            "            seen += len(batch)\n"
            "            start += batch_size\n"
            "        losses.append(sum_of_losses / seen)\n"
            "        epoch += 1\n"
            "    return params, losses\n"
        ),
        "mnist": (
            "X_small = prepare_images(x_train[:2000])\n"
            "Y_small = one_hot(y_train[:2000])\n"
            "params_mnist, losses_mnist = train_mlp(X_small, Y_small, num_hiddens=64, lr=0.2,\n"
            "                                       num_epochs=10, batch_size=32, seed=0)\n"
            "predicted = predict(params_mnist, prepare_images(x_test[:1000]))\n"
            "right = 0\n"
            "for guess, label in zip(predicted, y_test[:1000]):\n"
            "    right += int(guess == label)\n"
            "test_accuracy = right / 1000\n"
        ),
    },
    # float32 images (explicit shape arithmetic), one-hot by comparison with a range, the loss
    # through softmax probabilities of the shifted logits, parameters updated by a generator.
    "float32_and_comparisons": {
        "prepare": (
            "def prepare_images(images):\n"
            "    n, height, width = images.shape\n"
            "    return images.reshape(n, height * width).astype(np.float32) / np.float32(255)\n\n\n"
            "def one_hot(y, num_classes=10):\n"
            "    return (np.asarray(y)[:, None] == np.arange(num_classes)).astype(float)\n"
        ),
        "loss_and_grad": (
            "def loss_and_grad(Y, logits):\n"
            "    z = logits - np.max(logits, axis=1, keepdims=True)\n"
            "    exp_z = np.exp(z)\n"
            "    total = exp_z.sum(axis=1, keepdims=True)\n"
            "    loss = np.mean(np.sum(Y * (np.log(total) - z), axis=1))\n"
            "    return loss, (exp_z / total - Y) / len(logits)\n"
        ),
        "sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    return list((p[0] - lr * g[0], p[1] - lr * g[1]) for p, g in zip(params, grads))\n"
        ),
        "train_mlp": (
            "def batches(order, batch_size):\n"
            "    for start in range(0, len(order), batch_size):\n"
            "        yield order[start:start + batch_size]\n\n\n"
            "def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):\n"
            "    sizes = [X.shape[1], num_hiddens, Y.shape[1]]\n"
            "    params = init_params(sizes, seed)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    history = []\n"
            "    for _ in range(num_epochs):\n"
            "        weighted = []\n"
            "        for batch in batches(rng.permutation(len(X)), batch_size):\n"
            "            logits, caches = forward(params, X[batch])\n"
            "            loss, dlogits = loss_and_grad(Y[batch], logits)\n"
            "            grads = backward(params, caches, dlogits)\n"
            "            params = sgd_step(params, grads, lr)\n"
            "            weighted.append(loss * len(batch))\n"
            "        history.append(sum(weighted) / len(X))\n"
            "    return params, history\n"
        ),
        "mnist": _mnist(),
    },
    # One-hot from an identity matrix with take, an in-place update of copies, the epoch loss as
    # a weighted average with np.average, the accuracy with np.count_nonzero.
    "take_and_average": {
        "prepare": (
            "def prepare_images(images):\n"
            "    flat = np.reshape(images, (np.shape(images)[0], -1))\n"
            "    return np.true_divide(flat, 255.0)\n\n\n"
            "def one_hot(y, num_classes=10):\n"
            "    return np.take(np.identity(num_classes), y, axis=0)\n"
        ),
        "loss_and_grad": _loss(
            "    p = np.exp(log_p)\n"
            "    return -np.einsum('ij,ij->', Y, log_p) / n, (p - Y) / n\n"
        ),
        "sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    updated = []\n"
            "    for (W, b), (dW, db) in zip(params, grads):\n"
            "        W, b = W.copy(), b.copy()\n"
            "        W -= lr * dW\n"
            "        b -= lr * db\n"
            "        updated.append((W, b))\n"
            "    return updated\n"
        ),
        "train_mlp": (
            "def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):\n"
            "    params = init_params([X.shape[1], num_hiddens, Y.shape[1]], seed)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    losses = []\n"
            "    for epoch in range(num_epochs):\n"
            "        order = rng.permutation(len(X))\n"
            "        batch_losses, sizes = [], []\n"
            "        for start in range(0, len(X), batch_size):\n"
            "            batch = order[start:start + batch_size]\n"
            "            logits, caches = forward(params, X[batch])\n"
            "            loss, dlogits = loss_and_grad(Y[batch], logits)\n"
            "            params = sgd_step(params, backward(params, caches, dlogits), lr)\n"
            "            batch_losses.append(loss)\n"
            "            sizes.append(len(batch))\n"
            "        losses.append(float(np.average(batch_losses, weights=sizes)))\n"
            "    return params, losses\n"
        ),
        "mnist": (
            "X_small = prepare_images(x_train[:2000])\n"
            "Y_small = one_hot(y_train[:2000])\n"
            "X_test_small = prepare_images(x_test[:1000])\n"
            "params_mnist, losses_mnist = train_mlp(X_small, Y_small, num_hiddens=64, lr=0.2,\n"
            "                                       num_epochs=10, batch_size=32, seed=0)\n"
            "test_accuracy = np.count_nonzero(predict(params_mnist, X_test_small) == y_test[:1000]) / len(X_test_small)\n"
        ),
    },
}

MISTAKES = {
    # Part 1: preparing the data.
    "images_not_scaled": {
        "answers": {"prepare": _prepare("    return images.reshape(len(images), -1).astype(float)\n")},
        "fails": ["prepare_images_values", "mnist_accuracy"],
    },
    "images_divided_by_their_max": {
        "answers": {"prepare": _prepare("    return images.reshape(len(images), -1) / images.max()\n")},
        "fails": ["prepare_images_values"],
    },
    "images_integer_division": {
        "answers": {"prepare": _prepare("    return (images // 255).reshape(len(images), -1).astype(float)\n")},
        "fails": ["prepare_images_values", "mnist_accuracy"],
    },
    "images_flattened_column_by_column": {
        "answers": {"prepare": _prepare("    return images.reshape(len(images), -1, order='F') / 255.0\n")},
        "fails": ["prepare_images_values", "mnist_accuracy"],
    },
    "images_reshaped_the_wrong_way": {
        "answers": {"prepare": _prepare("    return images.reshape(-1, len(images)).T / 255.0\n")},
        "fails": ["prepare_images_values", "mnist_accuracy"],
    },
    "one_hot_width_from_the_labels": {
        "answers": {"prepare": _prepare(_PREPARE_IMAGES, "    return np.eye(np.max(y) + 1)[y]\n")},
        "fails": ["one_hot_values"],
        "says": {"one_hot_values": "the width was taken from the labels (y.max() + 1 = 5)"},
    },
    # The 10 digits of MNIST written into the code: right for 10 classes only.
    "one_hot_ten_classes": {
        "answers": {"prepare": _prepare(_PREPARE_IMAGES, "    return np.eye(10)[y]\n")},
        "fails": ["one_hot_values"],
        "says": {"one_hot_values": "a size is hard-coded"},
    },
    "one_hot_keeps_integer_labels": {
        "answers": {"prepare": _prepare(_PREPARE_IMAGES, "    return np.asarray(y, dtype=float)\n")},
        "fails": ["one_hot_values", "mnist_accuracy"],
    },
    "one_hot_transposed": {
        "answers": {"prepare": _prepare(_PREPARE_IMAGES, "    return np.eye(num_classes)[y].T\n")},
        "fails": ["one_hot_values", "mnist_accuracy"],
    },
    # Part 2: the loss and its gradient.
    "gradient_not_divided_by_n": {
        "answers": {"loss_and_grad": _loss("    return -np.sum(Y * log_p) / n, np.exp(log_p) - Y\n")},
        "fails": ["loss_and_grad_values", "loss_and_grad_stable", "mnist_accuracy"],
    },
    "gradient_sign_flipped": {
        "answers": {"loss_and_grad": _loss("    return -np.sum(Y * log_p) / n, (Y - np.exp(log_p)) / n\n")},
        "fails": ["loss_and_grad_values", "loss_and_grad_stable", "mnist_accuracy"],
    },
    "loss_summed_not_averaged": {
        "answers": {"loss_and_grad": _loss("    return -np.sum(Y * log_p), (np.exp(log_p) - Y) / n\n")},
        "fails": ["loss_and_grad_values", "loss_and_grad_stable"],
    },
    "softmax_not_shifted": {
        "answers": {"loss_and_grad": (
            "def loss_and_grad(Y, logits):\n"
            "    exp = np.exp(logits)\n"
            "    p = exp / exp.sum(axis=1, keepdims=True)\n"
            "    return -np.mean(np.sum(Y * np.log(p), axis=1)), (p - Y) / len(Y)\n"
        )},
        "fails": ["loss_and_grad_stable"],
    },
    "log_of_the_probabilities": {
        "answers": {"loss_and_grad": (
            "def loss_and_grad(Y, logits):\n"
            "    exp = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
            "    p = exp / exp.sum(axis=1, keepdims=True)\n"
            "    return -np.mean(np.sum(Y * np.log(p), axis=1)), (p - Y) / len(Y)\n"
        )},
        "fails": ["loss_and_grad_stable"],
    },
    "loss_and_grad_imports_mlkit": {
        "answers": {"loss_and_grad": (
            "from mlkit.numpy import cross_entropy, softmax_cross_entropy_grad\n\n\n"
            "def loss_and_grad(Y, logits):\n"
            "    loss = np.mean(cross_entropy(Y, logits, from_logits=True))\n"
            "    return loss, softmax_cross_entropy_grad(Y, logits)\n"
        )},
        # mlkit.numpy is not there when graded: nor is the training that uses loss_and_grad
        "fails": ["loss_and_grad_values", "loss_and_grad_stable", "mnist_accuracy"],
        "uses_reference": True,
    },
    # Part 3: the SGD step.
    "step_up_the_gradient": {
        "answers": {"sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]\n"
        )},
        "fails": ["sgd_step_values", "mnist_accuracy"],
    },
    "step_forgets_the_biases": {
        "answers": {"sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    return [(W - lr * dW, b) for (W, b), (dW, db) in zip(params, grads)]\n"
        )},
        "fails": ["sgd_step_values"],
    },
    "step_forgets_lr": {
        "answers": {"sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    return [(W - dW, b - db) for (W, b), (dW, db) in zip(params, grads)]\n"
        )},
        # lr = 1 instead of 0.2 on MNIST: the steps overshoot and the run learns little.
        "fails": ["sgd_step_values", "mnist_accuracy"],
    },
    # The learning rate of the first check written into the code: lr has no effect.
    "step_with_lr_written_in": {
        "answers": {"sgd_step": (
            "def sgd_step(params, grads, lr):\n"
            "    return [(W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(params, grads)]\n"
        )},
        "fails": ["sgd_step_values"],
        "says": {"sgd_step_values": "the parameter lr is ignored"},
    },
    # Part 4: the training loop.
    "train_without_shuffling": {
        "answers": {"train_mlp": _trainer(order="order = np.arange(n)")},
        "fails": ["train_mlp_steps"],
    },
    "train_new_generator_every_epoch": {
        "answers": {"train_mlp": _trainer(before_epoch="rng = np.random.default_rng(seed)")},
        "fails": ["train_mlp_steps"],
    },
    "train_skips_the_last_batch": {
        "answers": {"train_mlp": _trainer(stop="n - batch_size + 1")},
        "fails": ["train_mlp_steps"],
    },
    "train_full_batch": {
        "answers": {"train_mlp": _trainer(step="n")},
        "fails": ["train_mlp_steps", "mnist_accuracy"],
    },
    "train_mean_of_batch_losses": {
        "answers": {"train_mlp": _trainer(record="losses.append(float(np.mean(batch_losses)))")},
        "fails": ["train_mlp_steps"],
    },
    "train_records_the_last_batch": {
        "answers": {"train_mlp": _trainer(record="losses.append(loss)")},
        "fails": ["train_mlp_steps"],
    },
    "train_never_updates": {
        "answers": {"train_mlp": _trainer(update="sgd_step(params, grads, lr)")},
        "fails": ["train_mlp_steps", "mnist_accuracy"],
    },
    # A network of its own with sigmoid hidden units, where the task asks for ReLU units.
    "train_sigmoid_hidden_layer": {
        "answers": {"train_mlp": _SIGMOID_NETWORK + _trainer().replace(
            "= forward(", "= sigmoid_forward(").replace("= backward(", "= sigmoid_backward(")},
        # sigmoid units learn more slowly: 84% on the test images after the 10 epochs of Part 5
        "fails": ["train_mlp_steps", "mnist_accuracy"],
        "says": {"train_mlp_steps": "are those of a network with a sigmoid hidden layer"},
    },
    "train_calls_mlkit_mlp": {
        "answers": {"train_mlp": (
            "from mlkit.numpy import MLP\n\n\n"
            "def train_mlp(X, Y, num_hiddens=64, lr=0.1, num_epochs=5, batch_size=32, seed=0):\n"
            "    model = MLP((num_hiddens,), loss='cross_entropy', lr=lr, num_epochs=num_epochs,\n"
            "                batch_size=batch_size, seed=seed).fit(X, Y)\n"
            "    return model.params_, model.history_['loss']\n"
        )},
        # mlkit.numpy is not there when graded: the MNIST run fails too
        "fails": ["train_mlp_steps", "mnist_accuracy"],
        "uses_reference": True,
    },
    # Part 5: the run on MNIST.
    "accuracy_on_the_training_images": {
        "answers": {"mnist": _mnist(accuracy_on="X_small, y_train[:2000]")},
        "fails": ["mnist_accuracy"],
    },
    "test_images_not_scaled": {
        "answers": {"mnist": _mnist(test_images="x_test[:1000].reshape(1000, -1)")},
        "fails": ["mnist_accuracy"],
    },
}
