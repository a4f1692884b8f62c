"""Advice of the perceptron catalogue that must not point the wrong way."""

import numpy as np

from mlkit.testing import mistakes
from tests.testing.test_named_mistakes import visible_failure

ONE_EPOCH_SHORT = '''def train_perceptron(X, y, lr=1.0, num_epochs=20):
    w, b = np.zeros(X.shape[1]), 0.0
    errors = []
    for _ in range(num_epochs - 1):
        num_errors = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if np.dot(w, x_i) + b > 0 else 0
            if y_hat != y_i:
                w, b = perceptron_update(w, b, x_i, y_i, lr)
                num_errors += 1
        errors.append(num_errors)
        if num_errors == 0:
            break
    return w, b, errors
'''
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_a_loop_one_epoch_short_on_xor_is_told_so(monkeypatch):
    """XOR has no epoch without a mistake: the advice must not speak of one."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    message = visible_failure("perceptron", "train_perceptron", ONE_EPOCH_SHORT,
                              "train_perceptron_errors")
    assert "for XOR, num_epochs=7" in message, message
    assert "Likely mistake: one epoch too few" in message, message
    assert "without a mistake" not in message, message


def test_the_missing_last_epoch_is_listed_only_when_training_stopped():
    """AND stops after its sixth epoch, without a mistake; XOR never stops."""
    and_gate = mistakes.train_perceptron_errors(X, [0, 0, 0, 1], 1.0, 20)
    xor_gate = mistakes.train_perceptron_errors(X, [0, 1, 1, 0], 1.0, 7)
    ids = {table: {m.id for m in wrong} for table, wrong in [("AND", and_gate), ("XOR", xor_gate)]}
    assert "perceptron/last-epoch-missing" in ids["AND"] - ids["XOR"]
    assert "perceptron/too-few-epochs" in ids["XOR"] - ids["AND"]
    # worked by hand in the book: AND makes 1, 3, 3, 2, 1 and 0 mistakes; XOR 2, 3, then 4s
    [last_missing] = [v for m, v in and_gate.items() if m.id == "perceptron/last-epoch-missing"]
    [too_few] = [v for m, v in xor_gate.items() if m.id == "perceptron/too-few-epochs"]
    np.testing.assert_array_equal(last_missing, [1, 3, 3, 2, 1])
    np.testing.assert_array_equal(too_few, [2, 3, 4, 4, 4, 4])
