"""Synthetic submissions for the activations assignment (see ``tests/grading/harness.py``).

Keys of the answer dicts are the solution cells' grade_ids: ``step``, ``sigmoid``,
``sigmoid_grad``, ``tanh`` (tanh and tanh_grad), ``relu`` (relu and relu_grad),
``leaky_relu`` (both functions) and ``elu`` (both functions).
"""

ALTERNATIVES = {
    # np.where everywhere, a tanh-identity sigmoid, and derivatives from other formulas.
    "where_and_identities": {
        "step": "def step(x):\n    return np.where(np.asarray(x) > 0, 1.0, 0.0)\n",
        "sigmoid": "def sigmoid(x):\n    return 0.5 * (1.0 + np.tanh(np.asarray(x) / 2.0))\n",
        "sigmoid_grad": "def sigmoid_grad(x):\n    return sigmoid(x) * sigmoid(-np.asarray(x))\n",
        "tanh": (
            "def tanh(x):\n    return 2.0 * sigmoid(2.0 * np.asarray(x)) - 1.0\n\n\n"
            "def tanh_grad(x):\n    return 1.0 / np.cosh(x) ** 2\n"
        ),
        "relu": (
            "def relu(x):\n    x = np.asarray(x, dtype=float)\n    return np.where(x > 0, x, 0.0)\n\n\n"
            "def relu_grad(x):\n    return np.heaviside(x, 0.0)\n"
        ),
        "leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n"
            "    return np.maximum(x, negative_slope * np.asarray(x))\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    x = np.asarray(x)\n    return (x > 0) + negative_slope * (x <= 0)\n"
        ),
        "elu": (
            "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0.0)) - 1.0))\n\n\n"
            "def elu_grad(x, alpha=1.0):\n"
            "    return np.where(np.asarray(x) > 0, 1.0, elu(x, alpha) + alpha)\n"
        ),
    },
    # np.maximum and masks; a sigmoid built with np.where on -|x|, so nothing can overflow.
    "maximum_and_masks": {
        "step": "def step(x):\n    return 1.0 * (np.asarray(x) > 0)\n",
        "sigmoid": (
            "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n    z = np.exp(-np.abs(x))\n"
            "    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))\n"
        ),
        "relu": (
            "def relu(x):\n    return np.maximum(0, x) * 1.0\n\n\n"
            "def relu_grad(x):\n    return (np.asarray(x) > 0) * 1.0\n"
        ),
        "elu": (
            "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n    out = x.copy()\n"
            "    mask = x <= 0\n    out[mask] = alpha * np.expm1(x[mask])\n    return out\n\n\n"
            "def elu_grad(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    out = np.ones_like(x)\n    out[x <= 0] = alpha * np.exp(x[x <= 0])\n    return out\n"
        ),
    },
    # Plain Python loops over the elements with the math module.
    "python_loops": {
        "step": (
            "def step(x):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.array([1.0 if v > 0 else 0.0 for v in x.ravel()]).reshape(x.shape)\n"
        ),
        "sigmoid": (
            "import math\n\n\ndef _sigmoid_scalar(v):\n    if v >= 0:\n"
            "        return 1.0 / (1.0 + math.exp(-v))\n    e = math.exp(v)\n    return e / (1.0 + e)\n\n\n"
            "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.array([_sigmoid_scalar(v) for v in x.ravel()]).reshape(x.shape)\n"
        ),
        "leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    values = [v if v > 0 else negative_slope * v for v in x.ravel()]\n"
            "    return np.array(values).reshape(x.shape)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    values = [1.0 if v > 0 else negative_slope for v in x.ravel()]\n"
            "    return np.array(values).reshape(x.shape)\n"
        ),
    },
    # The log-sum-exp form of the sigmoid and tanh from exponentials of -2|x|.
    "logaddexp": {
        "sigmoid": "def sigmoid(x):\n    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))\n",
        "tanh": (
            "def tanh(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(-2.0 * np.abs(x))\n"
            "    return np.sign(x) * (1.0 - e) / (1.0 + e)\n\n\n"
            "def tanh_grad(x):\n    t = tanh(x)\n    return (1.0 - t) * (1.0 + t)\n"
        ),
    },
}

_REFERENCE_RELU_GRAD = "def relu_grad(x):\n    return (np.asarray(x) > 0).astype(float)\n"
_REFERENCE_TANH_GRAD = "def tanh_grad(x):\n    t = tanh(x)\n    return 1.0 - t * t\n"

MISTAKES = {
    "step_fires_at_zero": {
        "answers": {"step": "def step(x):\n    return (np.asarray(x) >= 0).astype(float)\n"},
        "fails": ["step_values"],
    },
    # The wrong sign also breaks sigmoid_grad's formula, but sigmoid_grad is graded
    # with a correct sigmoid in place: the reference sigmoid_grad keeps its points.
    "sigmoid_exponent_sign": {
        "answers": {"sigmoid": "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(np.asarray(x)))\n"},
        "fails": ["sigmoid_values", "sigmoid_stable"],
    },
    "sigmoid_overflows": {
        "answers": {"sigmoid": "def sigmoid(x):\n    return 1.0 / (1.0 + np.exp(-np.asarray(x)))\n"},
        "fails": ["sigmoid_stable"],
    },
    "sigmoid_where_evaluates_both_branches": {
        "answers": {"sigmoid": (
            "def sigmoid(x):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))\n"
        )},
        "fails": ["sigmoid_stable"],
    },
    "sigmoid_grad_of_x": {
        "answers": {"sigmoid_grad": "def sigmoid_grad(x):\n    return x * (1 - x)\n"},
        "fails": ["sigmoid_grad_values", "sigmoid_grad_check"],
    },
    "tanh_is_sigmoid": {
        "answers": {"tanh": "def tanh(x):\n    return sigmoid(x)\n\n\n" + _REFERENCE_TANH_GRAD},
        "fails": ["tanh_values"],
    },
    "tanh_grad_of_x": {
        "answers": {"tanh": (
            "def tanh(x):\n    return np.tanh(x)\n\n\n"
            "def tanh_grad(x):\n    return 1 - np.asarray(x) ** 2\n"
        )},
        "fails": ["tanh_grad_values"],
    },
    "relu_with_np_max": {
        "answers": {"relu": "def relu(x):\n    return np.max(x, 0)\n\n\n" + _REFERENCE_RELU_GRAD},
        "fails": ["relu_values"],
    },
    "relu_grad_one_at_zero": {
        "answers": {"relu": (
            "def relu(x):\n    return np.maximum(x, 0.0)\n\n\n"
            "def relu_grad(x):\n    return (np.asarray(x) >= 0).astype(float)\n"
        )},
        "fails": ["relu_grad_values"],
    },
    "leaky_relu_ignores_slope": {
        "answers": {"leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, 0.01 * x)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    return np.where(np.asarray(x) > 0, 1.0, negative_slope)\n"
        )},
        "fails": ["leaky_relu_values"],
    },
    "leaky_relu_grad_zero_slope": {
        "answers": {"leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, negative_slope * x)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    return (np.asarray(x) > 0).astype(float)\n"
        )},
        "fails": ["leaky_relu_grad_values"],
    },
    "elu_without_minus_one": {
        "answers": {"elu": (
            "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, alpha * np.exp(np.minimum(x, 0.0)))\n\n\n"
            "def elu_grad(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))\n"
        )},
        "fails": ["elu_values"],
    },
    "elu_grad_is_elu": {
        "answers": {"elu": (
            "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))\n\n\n"
            "def elu_grad(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, 1.0, alpha * np.expm1(np.minimum(x, 0.0)))\n"
        )},
        "fails": ["elu_grad_values"],
    },
    # Booleans or integers where the task asks for 1.0 and 0.0: the values are right, the type not.
    "step_returns_booleans": {
        "answers": {"step": "def step(x):\n    return np.asarray(x) > 0\n"},
        "fails": ["step_values"],
        "says": {"step_values": "the result holds booleans (dtype bool) where floats are asked for"},
    },
    "step_returns_integers": {
        "answers": {"step": "def step(x):\n    return (np.asarray(x) > 0).astype(int)\n"},
        "fails": ["step_values"],
        "says": {"step_values": "the result holds integers (dtype int64) where floats are asked for"},
    },
    "relu_grad_returns_booleans": {
        "answers": {"relu": (
            "def relu(x):\n    return np.maximum(x, 0.0)\n\n\n"
            "def relu_grad(x):\n    return np.asarray(x) > 0\n"
        )},
        "fails": ["relu_grad_values"],
        "says": {"relu_grad_values": "the result holds booleans (dtype bool) where floats are asked for"},
    },
    # A slope written into the code that no catalogued mistake knows: found by changing it.
    "leaky_relu_fixed_slope": {
        "answers": {"leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, 0.05 * x)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    return np.where(np.asarray(x) > 0, 1.0, negative_slope)\n"
        )},
        "fails": ["leaky_relu_values"],
        "says": {"leaky_relu_values": "the parameter negative_slope is ignored"},
    },
    # A default slope other than Keras's 0.01.
    "leaky_relu_default_slope": {
        "answers": {"leaky_relu": (
            "def leaky_relu(x, negative_slope=0.1):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, negative_slope * x)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    return np.where(np.asarray(x) > 0, 1.0, negative_slope)\n"
        )},
        "fails": ["leaky_relu_values"],
        "says": {"leaky_relu_values": "leaky_relu(x) should use the default slope 0.01"},
    },
    "leaky_relu_grad_fixed_slope": {
        "answers": {"leaky_relu": (
            "def leaky_relu(x, negative_slope=0.01):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, negative_slope * x)\n\n\n"
            "def leaky_relu_grad(x, negative_slope=0.01):\n"
            "    return np.where(np.asarray(x) > 0, 1.0, 0.2)\n"
        )},
        "fails": ["leaky_relu_grad_values"],
        "says": {"leaky_relu_grad_values": "the parameter negative_slope is ignored"},
    },
    # alpha = 1 is the default: only a check with another alpha sees that it is ignored.
    "elu_ignores_alpha": {
        "answers": {"elu": (
            "def elu(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))\n\n\n"
            "def elu_grad(x, alpha=1.0):\n    x = np.asarray(x, dtype=float)\n"
            "    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))\n"
        )},
        "fails": ["elu_values"],
        "says": {"elu_values": "alpha was ignored"},
    },
    # Calling the course's own implementation is not writing one.
    "imports_mlkit_sigmoid": {
        "answers": {"sigmoid": "from mlkit.numpy import sigmoid\n"},
        "fails": ["sigmoid_values", "sigmoid_stable"],
        "uses_reference": True,
    },
    "wraps_mlkit_relu": {
        "answers": {"relu": (
            "from mlkit import numpy as mk\n\n\n"
            "def relu(x):\n    return mk.relu(x)\n\n\n"
            "def relu_grad(x):\n    return mk.relu_grad(x)\n"
        )},
        "fails": ["relu_values", "relu_grad_values"],
    },
}
