"""Synthetic submissions for the XOR and multi-layer perceptron assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``forward``, ``predict``,
``xnor`` (the four weight arrays), ``train_xor`` and ``train_run`` (the settings of the
run that must learn XOR, followed by the given lines that run and print it).
"""

_RUN = (
    "params_xor, losses_xor = train_xor(X_xor, Y_xor, **xor_settings)\n"
    'print(f"loss: {losses_xor[0]:.4f} at the start, {losses_xor[-1]:.4f} at the end")\n'
    'print("outputs:", forward(X_xor, *params_xor)[0].ravel().round(3))\n'
)


def _run(settings):
    """The train_run cell with the given settings."""
    return f"xor_settings = {settings}\n" + _RUN


def _forward(hidden, output, returns="Y_hat, H"):
    """A forward pass with the given lines for H and Y_hat."""
    return (
        "def forward(X, W1, b1, W2, b2):\n"
        f"    H = {hidden}\n"
        f"    Y_hat = {output}\n"
        f"    return {returns}\n"
    )


def _predict(labels):
    return (
        "def predict(X, W1, b1, W2, b2):\n"
        "    Y_hat, _ = forward(X, W1, b1, W2, b2)\n"
        f"    return {labels}\n"
    )


def _xnor(W1, b1, W2, b2):
    return (f"W1_xnor = np.array({W1})\nb1_xnor = np.array({b1})\n"
            f"W2_xnor = np.array({W2})\nb2_xnor = np.array({b2})\n")


def _trainer(*, start="init_params(num_hiddens, seed, num_inputs=X.shape[1])",
             record="losses.append(binary_cross_entropy(Y, Y_hat))",
             step="W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2",
             before_loop=True):
    """The reference training loop, with one of its lines replaced to make a mistake."""
    init = f"    W1, b1, W2, b2 = {start}\n"
    return (
        "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
        + (init if before_loop else "")
        + "    losses = []\n"
        "    for _ in range(num_epochs):\n"
        + ("" if before_loop else "    " + init)
        + "        Y_hat, H = forward(X, W1, b1, W2, b2)\n"
        f"        {record}\n"
        "        dW1, db1, dW2, db2 = backward(X, Y, H, Y_hat, W2)\n"
        f"        {step}\n"
        "    return (W1, b1, W2, b2), losses\n"
    )


ALTERNATIVES = {
    # np.dot and a sigmoid of its own; np.where for the labels; XNOR as OR(AND, NOR);
    # updates in place (init_params returns new arrays); a wide network.
    "dot_and_in_place": {
        "forward": (
            "def forward(X, W1, b1, W2, b2):\n"
            "    def logistic(z):\n"
            "        return 1.0 / (1.0 + np.exp(-z))\n"
            "    H = logistic(np.dot(X, W1) + b1)\n"
            "    return logistic(np.dot(H, W2) + b2), H\n"
        ),
        "predict": _predict("np.where(Y_hat > 0.5, 1, 0)"),
        "xnor": _xnor("[[20.0, -20.0], [20.0, -20.0]]", "[-30.0, 10.0]",   # AND, NOR
                      "[[20.0], [20.0]]", "[-10.0]"),                       # OR of the two
        "train_xor": (
            "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
            "    W1, b1, W2, b2 = init_params(num_hiddens, seed)\n"
            "    losses = []\n"
            "    for epoch in range(num_epochs):\n"
            "        Y_hat, H = forward(X, W1, b1, W2, b2)\n"
            "        losses.append(binary_cross_entropy(Y, Y_hat))\n"
            "        dW1, db1, dW2, db2 = backward(X, Y, H, Y_hat, W2)\n"
            "        W1 -= lr * dW1\n"
            "        b1 -= lr * db1\n"
            "        W2 -= lr * dW2\n"
            "        b2 -= lr * db2\n"
            "    return (W1, b1, W2, b2), losses\n"
        ),
        "train_run": _run('{"num_hiddens": 8, "lr": 2.0, "num_epochs": 2000, "seed": 3}'),
    },
    # The sigmoid as 0.5 (1 + tanh(z / 2)); np.round for the labels (0.5 rounds to 0);
    # XNOR from OR and AND units of weights 10; a list of parameters and a while loop;
    # the smallest network, with a seed that learns.
    "tanh_form_and_round": {
        "forward": (
            "def layer(inputs, W, b):\n"
            "    return 0.5 * (1.0 + np.tanh((inputs @ W + b) / 2.0))\n\n\n"
            "def forward(X, W1, b1, W2, b2):\n"
            "    H = layer(X, W1, b1)\n"
            "    return layer(H, W2, b2), H\n"
        ),
        "predict": _predict("np.round(Y_hat).astype(int)"),
        "xnor": _xnor("[[10.0, 10.0], [10.0, 10.0]]", "[-5.0, -15.0]",     # OR, AND
                      "[[-20.0], [40.0]]", "[10.0]"),
        "train_xor": (
            "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
            "    params = list(init_params(num_hiddens, seed))\n"
            "    losses = []\n"
            "    while len(losses) < num_epochs:\n"
            "        Y_hat, H = forward(X, *params)\n"
            "        losses.append(binary_cross_entropy(Y, Y_hat))\n"
            "        grads = backward(X, Y, H, Y_hat, params[2])\n"
            "        params = [p - lr * g for p, g in zip(params, grads)]\n"
            "    return tuple(params), losses\n"
        ),
        "train_run": _run('{"num_hiddens": 2, "lr": 1.0, "num_epochs": 3000, "seed": 0}'),
    },
    # einsum; labels as (Y_hat > 0.5) * 1; XNOR with three hidden units, one of them unused;
    # the losses kept in a NumPy array.
    "einsum_and_spare_unit": {
        "forward": _forward("sigmoid(np.einsum('ni,ij->nj', X, W1) + b1)",
                            "sigmoid(np.einsum('ni,ij->nj', H, W2) + b2)"),
        "predict": _predict("(Y_hat > 0.5) * 1"),
        "xnor": _xnor("[[-20.0, 20.0, 0.0], [-20.0, 20.0, 0.0]]", "[10.0, -30.0, 0.0]",  # NOR, AND
                      "[[20.0], [20.0], [0.0]]", "[-10.0]"),
        "train_xor": (
            "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
            "    W1, b1, W2, b2 = init_params(num_hiddens, seed, X.shape[1])\n"
            "    losses = np.zeros(num_epochs)\n"
            "    for epoch in range(num_epochs):\n"
            "        Y_hat, H = forward(X, W1, b1, W2, b2)\n"
            "        losses[epoch] = binary_cross_entropy(Y, Y_hat)\n"
            "        grads = backward(X, Y, H, Y_hat, W2)\n"
            "        W1, b1, W2, b2 = (p - lr * g for p, g in zip((W1, b1, W2, b2), grads))\n"
            "    return (W1, b1, W2, b2), losses\n"
        ),
        "train_run": _run('{"num_hiddens": 3, "lr": 1.5, "num_epochs": 4000, "seed": 2}'),
    },
}

_BOTH_FORWARD = ["forward_hand_wired", "forward_values"]

MISTAKES = {
    # Part 1: the forward pass. Parts 2-4 are graded with a correct forward in its place.
    "forward_no_bias": {
        "answers": {"forward": _forward("sigmoid(X @ W1)", "sigmoid(H @ W2)")},
        "fails": _BOTH_FORWARD,
    },
    "forward_subtracts_bias": {
        "answers": {"forward": _forward("sigmoid(X @ W1 - b1)", "sigmoid(H @ W2 - b2)")},
        "fails": _BOTH_FORWARD,
    },
    "forward_returns_pre_activations": {
        "answers": {"forward": _forward("X @ W1 + b1", "H @ W2 + b2")},
        "fails": _BOTH_FORWARD,
    },
    "forward_hidden_without_sigmoid": {
        "answers": {"forward": _forward("X @ W1 + b1", "sigmoid(H @ W2 + b2)")},
        "fails": _BOTH_FORWARD,
    },
    # W x as in the column convention: the examples end up in the columns.
    "forward_examples_in_columns": {
        "answers": {"forward": _forward("sigmoid(W1.T @ X.T + b1[:, None])",
                                        "sigmoid(W2.T @ H + b2[:, None])")},
        "fails": _BOTH_FORWARD,
    },
    "forward_returns_hidden_first": {
        "answers": {"forward": _forward("sigmoid(X @ W1 + b1)", "sigmoid(H @ W2 + b2)",
                                        returns="H, Y_hat")},
        "fails": _BOTH_FORWARD,
    },
    # Right for the hand-wired network only: two hidden units and one output written out.
    "forward_only_two_hidden_units": {
        "answers": {"forward": _forward(
            "sigmoid(np.column_stack([X @ W1[:, 0] + b1[0], X @ W1[:, 1] + b1[1]]))",
            "sigmoid(H[:, :1] * W2[0] + H[:, 1:] * W2[1] + b2)")},
        "fails": ["forward_values"],
        "says": {"forward_values": "a size is hard-coded"},
    },
    "forward_calls_mlkit": {
        "answers": {"forward": (
            "from mlkit import numpy as mk\n\n\n"
            "def forward(X, W1, b1, W2, b2):\n"
            "    H = mk.sigmoid(mk.dense_forward(X, W1, b1)[0])\n"
            "    return mk.sigmoid(mk.dense_forward(H, W2, b2)[0]), H\n"
        )},
        "fails": _BOTH_FORWARD,
    },
    # Part 2: the labels.
    "predict_threshold_zero": {
        "answers": {"predict": _predict("(Y_hat > 0).astype(int)")},
        "fails": ["predict_labels"],
    },
    "predict_returns_probabilities": {
        "answers": {"predict": _predict("Y_hat")},
        "fails": ["predict_labels"],
    },
    "predict_at_or_above_half": {
        "answers": {"predict": _predict("(Y_hat >= 0.5).astype(int)")},
        "fails": ["predict_labels"],
        "says": {"predict_labels": "an output of exactly 0.5 is not above 0.5"},
    },
    # Part 3: the XNOR weights.
    "xnor_gives_xor": {
        "answers": {"xnor": _xnor("[[20.0, -20.0], [20.0, -20.0]]", "[-10.0, 30.0]",
                                  "[[20.0], [20.0]]", "[-30.0]")},
        "fails": ["xnor_truth_table"],
    },
    # NAND's bias with the wrong sign: that unit never fires, and the output is always 1.
    "xnor_hidden_bias_sign": {
        "answers": {"xnor": _xnor("[[20.0, -20.0], [20.0, -20.0]]", "[-10.0, -30.0]",
                                  "[[-20.0], [-20.0]]", "[30.0]")},
        "fails": ["xnor_truth_table"],
    },
    # The right signs, but weights too small for outputs near 0 and 1.
    "xnor_weights_too_small": {
        "answers": {"xnor": _xnor("[[5.0, -5.0], [5.0, -5.0]]", "[-2.5, 7.5]",
                                  "[[-5.0], [-5.0]]", "[7.5]")},
        "fails": ["xnor_truth_table"],
    },
    "xnor_output_weights_flat": {
        "answers": {"xnor": _xnor("[[20.0, -20.0], [20.0, -20.0]]", "[-10.0, 30.0]",
                                  "[-20.0, -20.0]", "[30.0]")},
        "fails": ["xnor_truth_table"],
    },
    # Part 4: the training loop.
    "train_records_loss_after_step": {
        "answers": {"train_xor": (
            "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
            "    W1, b1, W2, b2 = init_params(num_hiddens, seed)\n"
            "    losses = []\n"
            "    for _ in range(num_epochs):\n"
            "        Y_hat, H = forward(X, W1, b1, W2, b2)\n"
            "        dW1, db1, dW2, db2 = backward(X, Y, H, Y_hat, W2)\n"
            "        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2\n"
            "        losses.append(binary_cross_entropy(Y, forward(X, W1, b1, W2, b2)[0]))\n"
            "    return (W1, b1, W2, b2), losses\n"
        )},
        "fails": ["train_xor_steps"],
    },
    # The 2 hidden units of the chapter's network written into the code.
    "train_two_hidden_units": {
        "answers": {"train_xor": _trainer(start="init_params(2, seed, num_inputs=X.shape[1])")},
        "fails": ["train_xor_steps"],
        "says": {"train_xor_steps": "A size is hard-coded: take the number of hidden units"},
    },
    "train_gradient_ascent": {
        "answers": {"train_xor": _trainer(
            step="W1, b1, W2, b2 = W1 + lr * dW1, b1 + lr * db1, W2 + lr * dW2, b2 + lr * db2")},
        "fails": ["train_xor_steps", "train_xor_learns"],
    },
    # With the chosen lr = 1.0, forgetting lr changes nothing in the run itself.
    "train_ignores_lr": {
        "answers": {"train_xor": _trainer(
            step="W1, b1, W2, b2 = W1 - dW1, b1 - db1, W2 - dW2, b2 - db2")},
        "fails": ["train_xor_steps"],
    },
    # Random hidden features that never change cannot make XOR separable.
    "train_only_output_layer": {
        "answers": {"train_xor": _trainer(step="W2, b2 = W2 - lr * dW2, b2 - lr * db2")},
        "fails": ["train_xor_steps", "train_xor_learns"],
    },
    # Wrong steps, but the chosen 2-4-1 run learns XOR all the same: with the biases left at 0,
    # four sigmoid hidden units can still separate it, so only the steps lose their point.
    "train_biases_frozen": {
        "answers": {"train_xor": _trainer(step="W1, W2 = W1 - lr * dW1, W2 - lr * dW2")},
        "fails": ["train_xor_steps"],
    },
    "train_restarts_every_epoch": {
        "answers": {"train_xor": _trainer(before_loop=False)},
        "fails": ["train_xor_steps", "train_xor_learns"],
    },
    "train_calls_mlkit_mlp": {
        "answers": {"train_xor": (
            "from mlkit.numpy import MLP\n\n\n"
            "def train_xor(X, Y, num_hiddens=2, lr=1.0, num_epochs=3000, seed=0):\n"
            "    model = MLP((num_hiddens,), activation='sigmoid', loss='binary_cross_entropy',\n"
            "                lr=lr, num_epochs=num_epochs, batch_size=None, seed=seed)\n"
            "    model.fit(X, Y[:, 0])\n"
            "    (W1, b1), (W2, b2) = model.params_\n"
            "    return (W1, b1, W2, b2), model.history_['loss']\n"
        )},
        "fails": ["train_xor_steps", "train_xor_learns"],
        "uses_reference": True,
    },
    # The run: the chapter's stuck start, and a run stopped on the plateau.
    "run_stuck_seed": {
        "answers": {"train_run": _run('{"num_hiddens": 2, "lr": 1.0, "num_epochs": 3000, '
                                      '"seed": 9}')},
        "fails": ["train_xor_learns"],
    },
    "run_too_short": {
        "answers": {"train_run": _run('{"num_hiddens": 4, "lr": 1.0, "num_epochs": 200, '
                                      '"seed": 0}')},
        "fails": ["train_xor_learns"],
    },
}
