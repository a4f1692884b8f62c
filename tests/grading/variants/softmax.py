"""Synthetic submissions for the softmax assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``softmax``,
``cross_entropy``, ``sparse_cross_entropy``, ``batch_cross_entropy`` and
``softmax_cross_entropy_grad``.
"""

ALTERNATIVES = {
    # log-sum-exp with np.logaddexp, np.maximum instead of a clip, one-hot labels for the
    # sparse loss, and len() for the number of examples.
    "logaddexp_and_one_hot": {
        "softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.exp(x - np.logaddexp.reduce(x, axis=axis, keepdims=True))\n"
        ),
        "cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            "    return -np.sum(np.asarray(y_true) * np.log(np.maximum(y_pred, 1e-7)), axis=-1)\n"
        ),
        "sparse_cross_entropy": (
            "def sparse_cross_entropy(y_true, y_pred):\n    k = np.shape(y_pred)[-1]\n"
            "    return cross_entropy(np.eye(k)[np.asarray(y_true)], y_pred)\n"
        ),
        "batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    log_p = z - np.logaddexp.reduce(z, axis=-1, keepdims=True)\n"
            "    return -np.sum(np.asarray(y_true) * log_p) / z.shape[0]\n"
        ),
        "softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n"
            "    return (softmax(logits) - np.asarray(y_true)) / len(logits)\n"
        ),
    },
    # Plain Python loops over the examples with the math module.
    "python_loops": {
        "softmax": (
            "import math\n\n\ndef softmax(x, axis=-1):\n"
            "    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)\n"
            "    out = np.empty_like(x)\n"
            "    for index in np.ndindex(x.shape[:-1]):\n"
            "        row = x[index]\n        m = max(row)\n"
            "        exps = [math.exp(v - m) for v in row]\n        total = sum(exps)\n"
            "        out[index] = [e / total for e in exps]\n"
            "    return np.moveaxis(out, -1, axis)\n"
        ),
        "cross_entropy": (
            "import math\n\n\ndef _loss(labels, probs):\n"
            "    return -sum(t * math.log(min(max(p, 1e-7), 1 - 1e-7)) for t, p in zip(labels, probs))\n\n\n"
            "def cross_entropy(y_true, y_pred):\n"
            "    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)\n"
            "    if y_pred.ndim == 1:\n        return _loss(y_true, y_pred)\n"
            "    return np.array([_loss(t, p) for t, p in zip(y_true, y_pred)])\n"
        ),
        "sparse_cross_entropy": (
            "import math\n\n\ndef sparse_cross_entropy(y_true, y_pred):\n"
            "    return np.array([-math.log(min(max(row[label], 1e-7), 1 - 1e-7))\n"
            "                     for row, label in zip(y_pred, y_true)])\n"
        ),
        "batch_cross_entropy": (
            "import math\n\n\ndef batch_cross_entropy(y_true, logits):\n    total = 0.0\n"
            "    for labels, row in zip(y_true, logits):\n        m = max(row)\n"
            "        log_sum = m + math.log(sum(math.exp(v - m) for v in row))\n"
            "        total -= sum(t * (v - log_sum) for t, v in zip(labels, row))\n"
            "    return total / len(logits)\n"
        ),
        "softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n"
            "    P, n = softmax(np.asarray(logits, dtype=float)), len(logits)\n"
            "    return np.array([[(p - t) / n for p, t in zip(p_row, t_row)]\n"
            "                     for p_row, t_row in zip(P, y_true)])\n"
        ),
    },
    # apply_along_axis, einsum, take_along_axis, and a softmax written again in the gradient.
    "einsum_and_take": {
        "softmax": (
            "def _softmax_1d(row):\n    e = np.exp(row - row.max())\n    return e / e.sum()\n\n\n"
            "def softmax(x, axis=-1):\n"
            "    return np.apply_along_axis(_softmax_1d, axis, np.asarray(x, dtype=float))\n"
        ),
        "cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            "    log_p = np.log(np.clip(y_pred, 1e-7, 1 - 1e-7))\n"
            "    return -np.einsum('...k,...k->...', np.asarray(y_true, dtype=float), log_p)\n"
        ),
        "sparse_cross_entropy": (
            "def sparse_cross_entropy(y_true, y_pred):\n"
            "    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)\n"
            "    picked = np.take_along_axis(p, np.asarray(y_true)[:, None], axis=1)\n"
            "    return -np.log(picked[:, 0])\n"
        ),
        # For one-hot rows, -sum(y * log_softmax(z)) = logsumexp(z) - sum(y * z).
        "batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    m = z.max(axis=1)\n    log_sum = m + np.log(np.exp(z - m[:, None]).sum(axis=1))\n"
            "    return float(np.mean(log_sum - np.einsum('ij,ij->i', y_true, z)))\n"
        ),
        "softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
            "    return (e / e.sum(axis=1, keepdims=True) - y_true) / z.shape[0]\n"
        ),
    },
}

_CLIPPED_LOG = "np.log(np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7))"

MISTAKES = {
    "softmax_over_axis_0": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    e = np.exp(x - np.max(x, axis=0, keepdims=True))\n"
            "    return e / np.sum(e, axis=0, keepdims=True)\n"
        )},
        "fails": ["softmax_rows", "softmax_stable"],
    },
    "softmax_sums_whole_array": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    e = np.exp(x - np.max(x))\n    return e / np.sum(e)\n"
        )},
        "fails": ["softmax_rows", "softmax_stable"],
    },
    # One max for the whole batch: right wherever no row lies far below the largest score.
    "softmax_max_over_whole_batch": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    e = np.exp(x - np.max(x))\n"
            "    return e / np.sum(e, axis=axis, keepdims=True)\n"
        )},
        "fails": ["softmax_stable"],
        "says": {"softmax_stable": "the result for one example depends on the other examples"},
    },
    # Thinking in matrices: another axis than the last is the rows of the transpose. Right for
    # axis=0 of a matrix; for axis=1 of a 3-D array, x.T reverses all the axes.
    "softmax_transposes_for_another_axis": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    if axis != -1:\n        return softmax(x.T).T\n"
            "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
            "    return e / np.sum(e, axis=-1, keepdims=True)\n"
        )},
        "fails": ["softmax_rows"],
        "says": {"softmax_rows": "softmax over the wrong axis"},
    },
    "softmax_no_max_shift": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    e = np.exp(np.asarray(x, dtype=float))\n"
            "    return e / np.sum(e, axis=axis, keepdims=True)\n"
        )},
        "fails": ["softmax_stable"],
    },
    "softmax_divides_by_sum_of_scores": {
        "answers": {"softmax": (
            "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.exp(x) / np.sum(x, axis=axis, keepdims=True)\n"
        )},
        "fails": ["softmax_values", "softmax_rows", "softmax_stable"],
    },
    "cross_entropy_log_of_zero": {
        "answers": {"cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            "    return -np.sum(np.asarray(y_true) * np.log(y_pred), axis=-1)\n"
        )},
        "fails": ["cross_entropy_log_zero"],
    },
    "cross_entropy_mean_over_classes": {
        "answers": {"cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            f"    return -np.mean(np.asarray(y_true) * {_CLIPPED_LOG}, axis=-1)\n"
        )},
        "fails": ["cross_entropy_values", "cross_entropy_log_zero"],
    },
    "cross_entropy_sums_the_batch": {
        "answers": {"cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            f"    return -np.sum(np.asarray(y_true) * {_CLIPPED_LOG})\n"
        )},
        "fails": ["cross_entropy_values", "cross_entropy_log_zero"],
    },
    # -log of the probability given to the labels: right for one-hot labels only.
    "cross_entropy_log_of_the_sum": {
        "answers": {"cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            "    picked = np.sum(np.asarray(y_true) * np.asarray(y_pred), axis=-1)\n"
            "    return -np.log(np.clip(picked, 1e-7, 1 - 1e-7))\n"
        )},
        "fails": ["cross_entropy_values"],
        "says": {"cross_entropy_values": "soft labels"},
    },
    # The classes on axis 1: there is no axis 1 for one example.
    "cross_entropy_sums_over_axis_1": {
        "answers": {"cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            f"    return -np.sum(np.asarray(y_true) * {_CLIPPED_LOG}, axis=1)\n"
        )},
        "fails": ["cross_entropy_values"],
        "says": {"cross_entropy_values": "sum over axis=-1"},
    },
    # Indexing y_pred as given: a list takes no pair of indices.
    "sparse_indexes_a_list": {
        "answers": {"sparse_cross_entropy": (
            "def sparse_cross_entropy(y_true, y_pred):\n"
            "    picked = y_pred[np.arange(len(y_true)), y_true]\n"
            "    return -np.log(np.clip(picked, 1e-7, 1 - 1e-7))\n"
        )},
        "fails": ["sparse_cross_entropy_values"],
        "says": {"sparse_cross_entropy_values": "turn y_true and y_pred into arrays first"},
    },
    "sparse_labels_used_as_one_hot": {
        "answers": {"sparse_cross_entropy": (
            "def sparse_cross_entropy(y_true, y_pred):\n"
            f"    return -np.sum(np.asarray(y_true) * {_CLIPPED_LOG}, axis=-1)\n"
        )},
        "fails": ["sparse_cross_entropy_values", "sparse_cross_entropy_log_zero"],
    },
    "sparse_log_of_zero": {
        "answers": {"sparse_cross_entropy": (
            "def sparse_cross_entropy(y_true, y_pred):\n"
            "    return -np.log(np.asarray(y_pred)[np.arange(len(y_true)), y_true])\n"
        )},
        "fails": ["sparse_cross_entropy_log_zero"],
    },
    "batch_sum_instead_of_mean": {
        "answers": {"batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    shifted = z - np.max(z, axis=-1, keepdims=True)\n"
            "    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))\n"
            "    return -np.sum(y_true * log_p)\n"
        )},
        "fails": ["batch_cross_entropy_values", "batch_cross_entropy_stable"],
    },
    "batch_per_example": {
        "answers": {"batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    shifted = z - np.max(z, axis=-1, keepdims=True)\n"
            "    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))\n"
            "    return -np.sum(y_true * log_p, axis=-1)\n"
        )},
        "fails": ["batch_cross_entropy_values", "batch_cross_entropy_stable"],
    },
    # Uses the (correct) softmax the tests put in place: log of an underflowed 0.
    "batch_log_of_softmax": {
        "answers": {"batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n"
            "    return -np.mean(np.sum(y_true * np.log(softmax(logits)), axis=-1))\n"
        )},
        "fails": ["batch_cross_entropy_stable"],
    },
    "batch_log_sum_exp_without_shift": {
        "answers": {"batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n    z = np.asarray(logits, dtype=float)\n"
            "    log_p = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))\n"
            "    return -np.mean(np.sum(y_true * log_p, axis=-1))\n"
        )},
        "fails": ["batch_cross_entropy_stable"],
    },
    "batch_from_clipped_probabilities": {
        "answers": {"batch_cross_entropy": (
            "def batch_cross_entropy(y_true, logits):\n"
            "    return np.mean(cross_entropy(y_true, softmax(logits)))\n"
        )},
        "fails": ["batch_cross_entropy_stable"],
    },
    "grad_forgets_one_over_n": {
        "answers": {"softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n"
            "    return softmax(logits) - np.asarray(y_true)\n"
        )},
        "fails": ["softmax_cross_entropy_grad_values", "softmax_cross_entropy_grad_check"],
    },
    "grad_sign_flipped": {
        "answers": {"softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n"
            "    return (np.asarray(y_true) - softmax(logits)) / len(logits)\n"
        )},
        "fails": ["softmax_cross_entropy_grad_values", "softmax_cross_entropy_grad_check"],
    },
    "grad_divides_by_n_times_k": {
        "answers": {"softmax_cross_entropy_grad": (
            "def softmax_cross_entropy_grad(y_true, logits):\n"
            "    logits = np.asarray(logits, dtype=float)\n"
            "    return (softmax(logits) - y_true) / logits.size\n"
        )},
        "fails": ["softmax_cross_entropy_grad_values", "softmax_cross_entropy_grad_check"],
    },
    # Calling the course's own implementation is not writing one.
    "imports_mlkit_softmax": {
        "answers": {"softmax": "from mlkit.numpy import softmax\n"},
        "fails": ["softmax_values", "softmax_rows", "softmax_stable"],
        "uses_reference": True,
    },
    "wraps_mlkit_sparse_cross_entropy": {
        "answers": {"sparse_cross_entropy": (
            "from mlkit import numpy as mk\n\n\n"
            "def sparse_cross_entropy(y_true, y_pred):\n"
            "    return mk.sparse_cross_entropy(y_true, y_pred)\n"
        )},
        "fails": ["sparse_cross_entropy_values", "sparse_cross_entropy_log_zero"],
    },
    "batch_with_mlkit_from_logits": {
        "answers": {"batch_cross_entropy": (
            "from mlkit import numpy as mk\n\n\n"
            "def batch_cross_entropy(y_true, logits):\n"
            "    return mk.cross_entropy(y_true, logits, from_logits=True).mean()\n"
        )},
        "fails": ["batch_cross_entropy_values", "batch_cross_entropy_stable"],
    },
}
