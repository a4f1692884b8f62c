"""Synthetic submissions for the neurons assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``tlu``, ``tlu_layer``,
``gate_weights`` (``w_and, b_and``, ``w_or, b_or``, ``w_nand, b_nand``), ``not_gate``
(``w_not, b_not``) and ``gate_layer`` (``W_gates, b_gates``).
"""

_REFERENCE_GATES = (
    "w_and, b_and = np.array([1.0, 1.0]), -1.5\n"
    "w_or, b_or = np.array([1.0, 1.0]), -0.5\n"
    "w_nand, b_nand = np.array([-1.0, -1.0]), 1.5\n"
)

ALTERNATIVES = {
    # np.where and np.dot; every weight and bias scaled by 2.
    "where_dot_scaled_weights": {
        "tlu": (
            "def tlu(x, w, b):\n"
            "    return np.where(np.dot(x, w) + b > 0, 1.0, 0.0)\n"
        ),
        "tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return np.where(np.dot(X, W) + b > 0, 1.0, 0.0)\n"
        ),
        "gate_weights": (
            "w_and, b_and = np.array([2.0, 2.0]), -3.0\n"
            "w_or, b_or = np.array([2.0, 2.0]), -1.0\n"
            "w_nand, b_nand = np.array([-2.0, -2.0]), 3.0\n"
        ),
        "not_gate": "w_not, b_not = np.array([-2.0]), 1.0\n",
        "gate_layer": (
            "W_gates = np.stack([w_and, w_or, w_nand], axis=1)\n"
            "b_gates = np.array([b_and, b_or, b_nand])\n"
        ),
    },
    # A layer as a loop over units of tlu; weights that put some inputs exactly on the
    # threshold, where the unit must stay silent; the stacking by transposing rows.
    "loop_over_units_thresholds_at_zero": {
        "tlu": (
            "def tlu(x, w, b):\n"
            "    z = np.sum(np.asarray(x, dtype=float) * np.asarray(w, dtype=float), axis=-1) + b\n"
            "    return 1.0 * (z > 0)\n"
        ),
        "tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    W = np.asarray(W, dtype=float)\n"
            "    columns = [tlu(X, W[:, j], b[j]) for j in range(W.shape[1])]\n"
            "    return np.stack(columns, axis=-1)\n"
        ),
        "gate_weights": (
            "w_and, b_and = np.array([1.0, 1.0]), -1.0\n"
            "w_or, b_or = np.array([1.0, 1.0]), 0.0\n"
            "w_nand, b_nand = np.array([-1.0, -1.0]), 2.0\n"
        ),
        "not_gate": "w_not, b_not = np.array([-1.0]), 1.0\n",
        "gate_layer": (
            "W_gates = np.array([w_and, w_or, w_nand]).T\n"
            "b_gates = [b_and, b_or, b_nand]\n"
        ),
    },
    # einsum, integer and unequal weights, biases that are not halves.
    "einsum_uneven_weights": {
        "tlu": (
            "def tlu(x, w, b):\n"
            "    z = np.einsum('...i,i->...', np.asarray(x, dtype=float), np.asarray(w, dtype=float))\n"
            "    return (z + b > 0).astype(np.float64)\n"
        ),
        "tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    Z = np.einsum('...i,ij->...j', np.asarray(X, dtype=float), np.asarray(W, dtype=float))\n"
            "    return (Z + np.asarray(b) > 0).astype(float)\n"
        ),
        "gate_weights": (
            "w_and, b_and = np.array([1, 2]), -2.5\n"
            "w_or, b_or = np.array([3, 3]), -2\n"
            "w_nand, b_nand = np.array([-0.5, -0.5]), 0.75\n"
        ),
        "not_gate": "w_not, b_not = np.array([-3]), 2\n",
        "gate_layer": (
            "W_gates = np.column_stack((w_and, w_or, w_nand)).astype(float)\n"
            "b_gates = np.array([b_and, b_or, b_nand], dtype=float)\n"
        ),
    },
    # Plain Python loops over the examples and the units.
    "python_loops": {
        "tlu": (
            "def tlu(x, w, b):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    if x.ndim == 1:\n"
            "        z = sum(xi * wi for xi, wi in zip(x, w)) + b\n"
            "        return np.float64(1.0 if z > 0 else 0.0)\n"
            "    return np.array([tlu(row, w, b) for row in x])\n"
        ),
        "tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)\n"
            "    rows = np.atleast_2d(X)\n"
            "    H = np.zeros((rows.shape[0], W.shape[1]))\n"
            "    for i in range(rows.shape[0]):\n"
            "        for j in range(W.shape[1]):\n"
            "            z = sum(rows[i, k] * W[k, j] for k in range(W.shape[0])) + b[j]\n"
            "            H[i, j] = 1.0 if z > 0 else 0.0\n"
            "    return H if X.ndim == 2 else H[0]\n"
        ),
    },
}

MISTAKES = {
    # the right values, as booleans: the assignment asks for floats
    "tlu_returns_booleans": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    return np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b > 0\n"
        )},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
        "says": {"tlu_batch": "the result holds booleans (dtype bool) where floats are asked for"},
    },
    "tlu_layer_returns_integers": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.asarray(X, dtype=float) @ W + b > 0).astype(int)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
    # np.squeeze turns a batch of one, shape (1,), into a single number.
    "tlu_squeezes_a_batch_of_one": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    z = np.squeeze(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)) + b\n"
            "    return (z > 0).astype(float)\n"
        )},
        "fails": ["tlu_batch"],
        "says": {"tlu_batch": "expected shape (1,), received shape ()"},
    },
    # The squeeze of a batch of one patched by its length: one example with a single input,
    # shape (1,), comes back as an array too.
    "tlu_length_one_taken_for_a_batch": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    out = (np.squeeze(x @ np.asarray(w, dtype=float)) + b > 0).astype(float)\n"
            "    return out.reshape(1) if len(x) == 1 else out\n"
        )},
        "fails": ["tlu_one_example"],
        "says": {"tlu_one_example": "expected shape (), received shape (1,)"},
    },
    "tlu_fires_at_zero": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    return (np.asarray(x) @ np.asarray(w) + b >= 0).astype(float)\n"
        )},
        "fails": ["tlu_threshold"],
    },
    "tlu_forgets_the_bias": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    return (np.asarray(x) @ np.asarray(w) > 0).astype(float)\n"
        )},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
    },
    "tlu_subtracts_the_bias": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    return (np.asarray(x) @ np.asarray(w) - b > 0).astype(float)\n"
        )},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
    },
    # w @ X only works for one example: the batch checks fail with a shape error.
    "tlu_w_at_x": {
        "answers": {"tlu": (
            "def tlu(x, w, b):\n"
            "    return (np.asarray(w) @ np.asarray(x) + b > 0).astype(float)\n"
        )},
        "fails": ["tlu_batch", "tlu_threshold"],
    },
    "tlu_sign": {
        "answers": {"tlu": "def tlu(x, w, b):\n    return np.sign(np.asarray(x) @ np.asarray(w) + b)\n"},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
    },
    "tlu_returns_the_sum": {
        "answers": {"tlu": "def tlu(x, w, b):\n    return np.asarray(x) @ np.asarray(w) + b\n"},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
    },
    "tlu_layer_fires_at_zero": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.asarray(X) @ np.asarray(W) + b >= 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_values"],
        "says": {"tlu_layer_values": "the unit fires when w·x + b = 0"},
    },
    "tlu_layer_forgets_the_bias": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.asarray(X) @ np.asarray(W) > 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
    "tlu_layer_W_at_X": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.asarray(W) @ np.asarray(X) + b > 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
    "tlu_layer_transposed_weights": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.asarray(X) @ np.asarray(W).T + b > 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
    "tlu_layer_bias_per_example": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    b = np.asarray(b)\n"
            "    return (np.asarray(X) @ np.asarray(W) + b[:, None] > 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
    # Right for a batch, but one example comes back as a (1, n_units) matrix.
    "tlu_layer_keeps_one_example_2d": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    return (np.atleast_2d(X) @ np.asarray(W) + b > 0).astype(float)\n"
        )},
        "fails": ["tlu_layer_one_example"],
    },
    # A loop over the rows of X breaks for one example, whose "rows" are numbers.
    "tlu_layer_loops_over_rows": {
        "answers": {"tlu_layer": (
            "def tlu_layer(X, W, b):\n"
            "    W = np.asarray(W)\n"
            "    return np.array([[tlu(x, W[:, j], b[j]) for j in range(W.shape[1])] for x in X])\n"
        )},
        "fails": ["tlu_layer_one_example"],
    },
    "and_with_or_weights": {
        "answers": {"gate_weights": _REFERENCE_GATES.replace("-1.5\nw_or", "-0.5\nw_or")},
        "fails": ["and_weights"],
    },
    "and_always_fires": {
        "answers": {"gate_weights": _REFERENCE_GATES.replace("-1.5\nw_or", "1.5\nw_or")},
        "fails": ["and_weights"],
    },
    "or_with_and_weights": {
        "answers": {"gate_weights": _REFERENCE_GATES.replace("-0.5\n", "-1.5\n")},
        "fails": ["or_weights"],
    },
    "nand_computes_and": {
        "answers": {"gate_weights": _REFERENCE_GATES.replace(
            "np.array([-1.0, -1.0]), 1.5", "np.array([1.0, 1.0]), -1.5")},
        "fails": ["nand_weights"],
    },
    "nand_computes_nor": {
        "answers": {"gate_weights": _REFERENCE_GATES.replace(
            "np.array([-1.0, -1.0]), 1.5", "np.array([-1.0, -1.0]), 0.5")},
        "fails": ["nand_weights"],
    },
    "not_returns_its_input": {
        "answers": {"not_gate": "w_not, b_not = np.array([1.0]), -0.5\n"},
        "fails": ["not_weights"],
    },
    "not_weight_is_a_number": {
        "answers": {"not_gate": "w_not, b_not = -1.0, 0.5\n"},
        "fails": ["not_weights"],
    },
    "gate_layer_weights_as_rows": {
        "answers": {"gate_layer": (
            "W_gates = np.array([w_and, w_or, w_nand])\n"
            "b_gates = np.array([b_and, b_or, b_nand])\n"
        )},
        "fails": ["gate_layer_values"],
    },
    "gate_layer_biases_in_another_order": {
        "answers": {"gate_layer": (
            "W_gates = np.column_stack([w_and, w_or, w_nand])\n"
            "b_gates = np.array([b_or, b_and, b_nand])\n"
        )},
        "fails": ["gate_layer_values"],
    },
    "gate_layer_units_in_another_order": {
        "answers": {"gate_layer": (
            "W_gates = np.column_stack([w_and, w_nand, w_or])\n"
            "b_gates = np.array([b_and, b_nand, b_or])\n"
        )},
        "fails": ["gate_layer_values"],
    },
    # Calling the course's own implementation is not writing one.
    "imports_mlkit_tlu": {
        "answers": {"tlu": "from mlkit.numpy import tlu\n"},
        "fails": ["tlu_one_example", "tlu_batch", "tlu_threshold"],
        "uses_reference": True,
    },
    "wraps_mlkit_tlu_layer": {
        "answers": {"tlu_layer": (
            "from mlkit import numpy as mk\n\n\n"
            "def tlu_layer(X, W, b):\n    return mk.tlu_layer(X, W, b)\n"
        )},
        "fails": ["tlu_layer_values", "tlu_layer_matches_units", "tlu_layer_one_example"],
    },
}
