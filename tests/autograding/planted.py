"""Planted submissions of the activations assignment: a copy with its names changed, and
two students who wrote alike by chance.

``ORIGINAL`` is one student's own way of writing four functions; ``RENAMED``
is that code copied, with every variable renamed, comments added and the
spacing changed: what a copier does to hide a copy. ``ALIKE_1`` and
``ALIKE_2`` are the reference answers written independently twice, in two
similar but different ways, as two students who read the same chapter would.
Keys are the solution cells' grade_ids (see ``tests/grading/variants/activations.py``).
"""

import random

from tests.grading.harness import load_variants

ORIGINAL = {
    "step": (
        "def step(x):\n    arr = np.asarray(x, dtype=float)\n    out = np.zeros_like(arr)\n"
        "    out[arr > 0] = 1.0\n    return out\n"
    ),
    "sigmoid": (
        "def sigmoid(x):\n    arr = np.asarray(x, dtype=float)\n    res = np.empty_like(arr)\n"
        "    pos = arr >= 0\n    res[pos] = 1.0 / (1.0 + np.exp(-arr[pos]))\n"
        "    ex = np.exp(arr[~pos])\n    res[~pos] = ex / (1.0 + ex)\n    return res\n"
    ),
    "sigmoid_grad": "def sigmoid_grad(x):\n    s_val = sigmoid(x)\n    return s_val - s_val ** 2\n",
    "relu": (
        "def relu(x):\n    arr = np.array(x, dtype=float, copy=True)\n    arr[arr < 0] = 0.0\n"
        "    return arr\n\n\n"
        "def relu_grad(x):\n    arr = np.asarray(x, dtype=float)\n    grad = np.zeros_like(arr)\n"
        "    grad[arr > 0] = 1.0\n    return grad\n"
    ),
}

RENAMED = {
    "step": (
        "def step(x):\n    # 1 where positive\n    values = np.asarray(x, dtype=float)\n"
        "    result = np.zeros_like(values)\n    result[values > 0] = 1.0\n\n    return result\n"
    ),
    "sigmoid": (
        "def sigmoid(x):\n    values = np.asarray(x, dtype=float)\n"
        "    answer = np.empty_like(values)\n    positive = values >= 0  # no overflow\n"
        "    answer[positive] = 1.0 / (1.0 + np.exp(-values[positive]))\n"
        "    e = np.exp(values[~positive])\n    answer[~positive] = e / (1.0 + e)\n"
        "    return answer\n"
    ),
    "sigmoid_grad": "def sigmoid_grad(x):\n    s = sigmoid(x)\n    return s - s ** 2\n",
    "relu": (
        "def relu(x):\n    v = np.array(x, dtype=float, copy=True)\n    v[v < 0] = 0.0\n"
        "    return v\n\n\n"
        "def relu_grad(x):\n    # derivative\n    v = np.asarray(x, dtype=float)\n"
        "    d = np.zeros_like(v)\n    d[v > 0] = 1.0\n    return d\n"
    ),
}

ALIKE_1 = {
    "step": "def step(x):\n    return np.where(np.asarray(x) > 0, 1.0, 0.0)\n",
    "sigmoid": (
        "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n"
        "    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))),\n"
        "                    np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))\n"
    ),
    "sigmoid_grad": "def sigmoid_grad(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n",
    "relu": (
        "def relu(x):\n    return np.maximum(x, 0.0)\n\n\n"
        "def relu_grad(x):\n    return np.where(np.asarray(x) > 0, 1.0, 0.0)\n"
    ),
}

ALIKE_2 = {
    "step": "def step(x):\n    x = np.asarray(x)\n    return (x > 0).astype(float)\n",
    "sigmoid": (
        "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n    z = np.exp(-np.abs(x))\n"
        "    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))\n"
    ),
    "sigmoid_grad": "def sigmoid_grad(x):\n    sx = sigmoid(x)\n    return sx * (1.0 - sx)\n",
    "relu": (
        "def relu(x):\n    return np.maximum(0, x).astype(float)\n\n\n"
        "def relu_grad(x):\n    return (np.asarray(x) > 0).astype(float)\n"
    ),
}

UNSAFE = "</pre><script>alert(1)</script>"


def variant_class(size, seed=0):
    """``size`` students whose answers mix the reference and the catalogued alternatives,
    cell by cell (answers dicts; unnamed cells keep the reference)."""
    alternatives, _ = load_variants("activations")
    options = [{}, *alternatives.values()]
    chooser = random.Random(seed)
    cells = ["step", "sigmoid", "sigmoid_grad", "tanh", "relu", "leaky_relu", "elu"]
    students = {}
    for index in range(size):
        answers = {}
        for cell in cells:
            choice = chooser.choice(options)
            if cell in choice:
                answers[cell] = choice[cell]
        students[f"s{index:03d}"] = answers
    return students
