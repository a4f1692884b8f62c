"""Synthetic submissions for the backprop assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``dense_backward``,
``sigmoid_backward``, ``tanh_backward``, ``relu_backward``, ``numerical_gradient``
and ``train_mlp`` (the whole cell, the given lines that pick the activation included).
"""

_TRAIN_HEAD = (
    "def train_mlp(X, y, num_hiddens=4, activation=\"tanh\", lr=0.5, num_epochs=1000, seed=0):\n"
    "    forward = {\"sigmoid\": sigmoid_forward, \"tanh\": tanh_forward, \"relu\": relu_forward}[activation]\n"
    "    backward = {\"sigmoid\": sigmoid_backward, \"tanh\": tanh_backward,\n"
    "                \"relu\": relu_backward}[activation]\n"
    "    params = init_params(X.shape[1], num_hiddens, y.shape[1], seed=seed)\n"
    "    losses = []\n"
)


def _train(step_w="W1 - lr * dW1", step_b1="b1 - lr * db1", step_w2="W2 - lr * dW2",
           step_b2="b2 - lr * db2"):
    """The reference training loop with the update lines given."""
    return _TRAIN_HEAD + (
        "    (W1, b1), (W2, b2) = params\n"
        "    for _ in range(num_epochs):\n"
        "        Z1, c1 = dense_forward(X, W1, b1)\n"
        "        H, ca = forward(Z1)\n"
        "        logits, c2 = dense_forward(H, W2, b2)\n"
        "        loss, dlogits = binary_cross_entropy(logits, y)\n"
        "        losses.append(loss)\n"
        "        dH, dW2, db2 = dense_backward(dlogits, c2)\n"
        "        _, dW1, db1 = dense_backward(backward(dH, ca), c1)\n"
        f"        W1, b1 = {step_w}, {step_b1}\n"
        f"        W2, b2 = {step_w2}, {step_b2}\n"
        "    params = [(W1, b1), (W2, b2)]\n"
        "    return params, losses\n"
    )


_DENSE = (
    "def dense_backward(dZ, cache):\n    X, W = cache\n"
    "    return {dX}, {dW}, {db}\n"
)


def _dense(dX="dZ @ W.T", dW="X.T @ dZ", db="dZ.sum(axis=0)"):
    return _DENSE.format(dX=dX, dW=dW, db=db)


ALTERNATIVES = {
    # einsum and np.where, an nditer loop, and parameters kept in a list updated in place.
    "einsum_where_nditer": {
        "dense_backward": (
            "def dense_backward(dZ, cache):\n    X, W = cache\n"
            "    dX = np.einsum('ij,kj->ik', dZ, W)\n"
            "    dW = np.einsum('ni,nj->ij', X, dZ)\n"
            "    db = np.einsum('nj->j', dZ)\n"
            "    return dX, dW, db\n"
        ),
        "sigmoid_backward": (
            "def sigmoid_backward(dH, Z):\n    s = sigmoid(Z)\n    return dH * s * sigmoid(-Z)\n"
        ),
        "tanh_backward": "def tanh_backward(dH, Z):\n    return dH / np.cosh(Z) ** 2\n",
        "relu_backward": "def relu_backward(dH, Z):\n    return np.where(Z > 0, dH, 0.0)\n",
        "numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    grad = np.empty_like(x)\n"
            "    it = np.nditer(x, flags=['multi_index'])\n"
            "    for _ in it:\n"
            "        i = it.multi_index\n"
            "        step = np.zeros_like(x)\n"
            "        step[i] = eps\n"
            "        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)\n"
            "    return grad\n"
        ),
        "train_mlp": _TRAIN_HEAD + (
            "    for epoch in range(num_epochs):\n"
            "        Z1, c1 = dense_forward(X, params[0][0], params[0][1])\n"
            "        H, ca = forward(Z1)\n"
            "        logits, c2 = dense_forward(H, params[1][0], params[1][1])\n"
            "        loss, dlogits = binary_cross_entropy(logits, y)\n"
            "        losses.append(loss)\n"
            "        dH, dW2, db2 = dense_backward(dlogits, c2)\n"
            "        dZ1 = backward(dH, ca)\n"
            "        dX, dW1, db1 = dense_backward(dZ1, c1)\n"
            "        grads = [(dW1, db1), (dW2, db2)]\n"
            "        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]\n"
            "    return params, losses\n"
        ),
    },
    # np.dot, a ones-vector product for db, derivatives from other formulas, flat indices.
    "dot_and_flat_indices": {
        "dense_backward": (
            "def dense_backward(dZ, cache):\n    X, W = cache\n"
            "    return np.dot(dZ, W.T), np.dot(X.T, dZ), np.ones(dZ.shape[0]) @ dZ\n"
        ),
        "sigmoid_backward": (
            "def sigmoid_backward(dH, Z):\n    return dH * 0.25 / np.cosh(Z / 2.0) ** 2\n"
        ),
        "tanh_backward": (
            "def tanh_backward(dH, Z):\n    t = np.tanh(Z)\n    return dH * (1.0 - t) * (1.0 + t)\n"
        ),
        "relu_backward": (
            "def relu_backward(dH, Z):\n    return dH * np.heaviside(Z, 0.0)\n"
        ),
        "numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    flat = np.array(x, dtype=float).ravel()\n"
            "    grad = np.zeros(flat.size)\n"
            "    for i in range(flat.size):\n"
            "        plus, minus = flat.copy(), flat.copy()\n"
            "        plus[i] += eps\n"
            "        minus[i] -= eps\n"
            "        shape = np.shape(x)\n"
            "        grad[i] = (f(plus.reshape(shape)) - f(minus.reshape(shape))) / (2 * eps)\n"
            "    return grad.reshape(np.shape(x))\n"
        ),
        "train_mlp": _TRAIN_HEAD + (
            "    (W1, b1), (W2, b2) = params\n"
            "    for _ in range(num_epochs):\n"
            "        Z1, cache1 = dense_forward(X, W1, b1)\n"
            "        H, cache_h = forward(Z1)\n"
            "        logits, cache2 = dense_forward(H, W2, b2)\n"
            "        loss, dlogits = binary_cross_entropy(logits, y)\n"
            "        losses.append(float(loss))\n"
            "        dH, dW2, db2 = dense_backward(dlogits, cache2)\n"
            "        _, dW1, db1 = dense_backward(backward(dH, cache_h), cache1)\n"
            "        W1 -= lr * dW1\n        b1 -= lr * db1\n"
            "        W2 -= lr * dW2\n        b2 -= lr * db2\n"
            "    return [(W1, b1), (W2, b2)], losses\n"
        ),
    },
    # Plain Python loops: dW as a sum of outer products, db by rows, a mask copied by hand.
    "python_loops": {
        "dense_backward": (
            "def dense_backward(dZ, cache):\n    X, W = cache\n"
            "    dW = np.zeros_like(W)\n    db = np.zeros(W.shape[1])\n"
            "    for x_i, dz_i in zip(X, dZ):\n"
            "        dW += np.outer(x_i, dz_i)\n"
            "        db += dz_i\n"
            "    dX = np.array([W @ dz_i for dz_i in dZ])\n"
            "    return dX, dW, db\n"
        ),
        "sigmoid_backward": (
            "def sigmoid_backward(dH, Z):\n"
            "    Z = np.asarray(Z, dtype=float)\n"
            "    s = np.exp(-np.logaddexp(0.0, -Z))\n"
            "    return dH * (s - s ** 2)\n"
        ),
        "relu_backward": (
            "def relu_backward(dH, Z):\n"
            "    dZ = np.array(dH, dtype=float, copy=True)\n"
            "    dZ[np.asarray(Z) <= 0] = 0.0\n"
            "    return dZ\n"
        ),
        "numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.array(x, dtype=float)\n"
            "    grad = np.zeros(x.shape)\n"
            "    for index in np.ndindex(*x.shape):\n"
            "        saved = x[index]\n"
            "        x[index] = saved + eps\n"
            "        up = f(x.copy())\n"
            "        x[index] = saved - eps\n"
            "        down = f(x.copy())\n"
            "        x[index] = saved\n"
            "        grad[index] = (up - down) / eps / 2\n"
            "    return grad\n"
        ),
    },
}

MISTAKES = {
    "dense_dW_without_transpose": {
        "answers": {"dense_backward": _dense(dW="X @ dZ")},
        "fails": ["dense_backward_values", "dense_backward_check"],
    },
    "dense_db_not_summed": {
        "answers": {"dense_backward": _dense(db="dZ")},
        "fails": ["dense_backward_values", "dense_backward_check"],
    },
    "dense_dX_without_transpose": {
        "answers": {"dense_backward": _dense(dX="dZ @ W")},
        "fails": ["dense_backward_values", "dense_backward_check"],
    },
    "dense_wraps_mlkit": {
        "answers": {"dense_backward": (
            "from mlkit import numpy as mk\n\n\n"
            "def dense_backward(dZ, cache):\n    return mk.dense_backward(dZ, cache)\n"
        )},
        "fails": ["dense_backward_values", "dense_backward_check"],
    },
    "sigmoid_backward_from_z": {
        "answers": {"sigmoid_backward": "def sigmoid_backward(dH, Z):\n    return dH * Z * (1 - Z)\n"},
        "fails": ["sigmoid_backward_values"],
    },
    "sigmoid_backward_without_upstream": {
        "answers": {"sigmoid_backward": (
            "def sigmoid_backward(dH, Z):\n    s = sigmoid(Z)\n    return s * (1 - s)\n"
        )},
        "fails": ["sigmoid_backward_values"],
    },
    "tanh_backward_from_z": {
        "answers": {"tanh_backward": "def tanh_backward(dH, Z):\n    return dH * (1 - Z ** 2)\n"},
        "fails": ["tanh_backward_values"],
    },
    "tanh_backward_without_upstream": {
        "answers": {"tanh_backward": "def tanh_backward(dH, Z):\n    return 1 - np.tanh(Z) ** 2\n"},
        "fails": ["tanh_backward_values"],
    },
    "relu_backward_one_at_zero": {
        "answers": {"relu_backward": "def relu_backward(dH, Z):\n    return dH * (Z >= 0)\n"},
        "fails": ["relu_backward_values"],
    },
    "relu_backward_times_output": {
        "answers": {"relu_backward": (
            "def relu_backward(dH, Z):\n    return dH * np.maximum(Z, 0)\n"
        )},
        "fails": ["relu_backward_values"],
    },
    "relu_backward_overwrites_upstream": {
        "answers": {"relu_backward": (
            "def relu_backward(dH, Z):\n    dH[Z <= 0] = 0.0\n    return dH\n"
        )},
        "fails": ["relu_backward_values"],
        "says": {"relu_backward_values": "relu_backward changed the dH it was given"},
    },
    "relu_backward_of_upstream": {
        "answers": {"relu_backward": "def relu_backward(dH, Z):\n    return np.maximum(dH, 0)\n"},
        "fails": ["relu_backward_values"],
    },
    "numerical_gradient_forward_difference": {
        "answers": {"numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n    fx = f(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        plus = x.copy()\n        plus[i] += eps\n"
            "        grad[i] = (f(plus) - fx) / eps\n"
            "    return grad\n"
        )},
        "fails": ["numerical_gradient_values", "numerical_gradient_matrix"],
    },
    "numerical_gradient_divides_by_eps": {
        "answers": {"numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        plus, minus = x.copy(), x.copy()\n"
            "        plus[i] += eps\n        minus[i] -= eps\n"
            "        grad[i] = (f(plus) - f(minus)) / eps\n"
            "    return grad\n"
        )},
        "fails": ["numerical_gradient_values", "numerical_gradient_matrix"],
    },
    # Works on the caller's array and never puts x[i] back.
    "numerical_gradient_not_restored": {
        "answers": {"numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        x[i] += eps\n        up = f(x)\n"
            "        x[i] -= 2 * eps\n        down = f(x)\n"
            "        grad[i] = (up - down) / (2 * eps)\n"
            "    return grad\n"
        )},
        "fails": ["numerical_gradient_values", "numerical_gradient_matrix"],
    },
    # np.copy keeps an integer x integer: x + eps is rounded back to x, the gradient is 0.
    "numerical_gradient_keeps_integers": {
        "answers": {"numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.copy(x)\n    grad = np.zeros(x.shape)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        saved = x[i]\n"
            "        x[i] = saved + eps\n        up = f(x)\n"
            "        x[i] = saved - eps\n        down = f(x)\n"
            "        x[i] = saved\n"
            "        grad[i] = (up - down) / (2 * eps)\n"
            "    return grad\n"
        )},
        "fails": ["numerical_gradient_values"],
        "says": {"numerical_gradient_values": "Right for floats, wrong for integers"},
    },
    # range(len(x)) visits the rows of a matrix, not its elements.
    "numerical_gradient_vectors_only": {
        "answers": {"numerical_gradient": (
            "def numerical_gradient(f, x, eps=1e-5):\n"
            "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
            "    for i in range(len(x)):\n"
            "        plus, minus = x.copy(), x.copy()\n"
            "        plus[i] += eps\n        minus[i] -= eps\n"
            "        grad[i] = (f(plus) - f(minus)) / (2 * eps)\n"
            "    return grad\n"
        )},
        "fails": ["numerical_gradient_matrix"],
    },
    "numerical_gradient_wraps_mlkit": {
        "answers": {"numerical_gradient": (
            "from mlkit.testing import numerical_gradient as _reference\n\n\n"
            "def numerical_gradient(f, x, eps=1e-5):\n    return _reference(f, x, eps=eps)\n"
        )},
        "fails": ["numerical_gradient_values", "numerical_gradient_matrix"],
        "uses_reference": True,
    },
    # Wrong backward passes elsewhere do not cost the training's points: it is graded
    # with correct ones in place. A wrong step does.
    "train_steps_uphill": {
        "answers": {"train_mlp": _train(step_w="W1 + lr * dW1", step_b1="b1 + lr * db1",
                                        step_w2="W2 + lr * dW2", step_b2="b2 + lr * db2")},
        "fails": ["train_mlp_xor", "train_mlp_steps"],
    },
    "train_biases_never_updated": {
        "answers": {"train_mlp": _train(step_b1="b1", step_b2="b2")},
        # Without biases the network cannot bring the loss of XOR below 0.05 either.
        "fails": ["train_mlp_xor", "train_mlp_steps"],
    },
    # The activation picked by the given lines is never used: a tanh layer whatever is asked.
    "train_always_tanh": {
        "answers": {"train_mlp": _train().replace("forward(Z1)", "tanh_forward(Z1)")
                    .replace("backward(dH, ca)", "tanh_backward(dH, ca)")},
        # relu's predictions from a network trained with tanh are wrong too (hidden check)
        "fails": ["train_mlp_xor", "train_mlp_steps"],
        "says": {"train_mlp_steps": "the activation argument was ignored: that is the loss of a "
                                    "tanh layer"},
    },
    "train_with_mlkit_layers": {
        "answers": {"train_mlp": _train().replace(
            "        Z1, c1 = dense_forward(X, W1, b1)\n",
            "        from mlkit import numpy as mk\n"
            "        Z1, c1 = mk.dense_forward(X, W1, b1)\n")},
        "fails": ["train_mlp_xor", "train_mlp_steps"],
    },
}
