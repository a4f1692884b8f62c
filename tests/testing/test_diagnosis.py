"""Tests of mlkit.testing.diagnosis: a mistake is named only when the evidence singles it out.

Three kinds of oracle: hand-made catalogues where the right diagnosis is known;
mistakes that no catalogue lists, written here, run through the assignments'
own visible test cells, whose message must name no catalogued mistake (a
wrong "likely mistake" is worse than none); and every check of every
assignment, whose catalogue's entries must be told apart by the check's
inputs or by its probes.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from mlkit.testing import assert_close
from mlkit.testing.book import explained_in
from mlkit.testing.diagnosis import found_properties, matching, narrowed
from tests.helpers import ASSIGNMENTS, ROOT
from tests.testing.test_named_mistakes import visible_failure


@explained_in("neurons", "neurons-tlu")
def _tlu(x, w, b):
    z = np.asarray(x) @ np.asarray(w)
    return {"the bias was left out": (z > 0) * 1.0,
            "the bias was subtracted": (z - b > 0) * 1.0,
            "the comparison is the wrong way round": (z + b < 0) * 1.0}


def _right_tlu(x, w, b):
    return (np.asarray(x) @ w + b > 0) * 1.0


X = np.array([[0.5, -0.25], [0.25, 0.5], [-0.5, 0.25], [1.0, 1.0]])
W = np.array([1.0, 1.0])


def _keys(findings):
    return [finding.key for finding in findings]


class TestNaming:
    def test_coinciding_mistakes_are_named_together_without_a_probe(self):
        """With b = 0, bias left out and bias subtracted give the same: the message says either."""
        wrong = (X @ W > 0) * 1.0
        with pytest.raises(AssertionError) as info:
            assert_close(wrong * 0 + [1.0, 1.0, 1.0, 0.0], _right_tlu(X, W, 0.0),
                         mistakes=_tlu(X, W, 0.0))
        assert "Likely mistake" not in str(info.value)  # a wrong answer no mistake gives
        with pytest.raises(AssertionError) as info:
            assert_close(wrong, [0.0, 1.0, 0.0, 1.0], mistakes=_tlu(X, W, 0.0))
        assert ("Likely mistake: either the bias was left out; or the bias was subtracted"
                in str(info.value))

    def test_a_probe_tells_them_apart(self):
        """Called again on nearby inputs, the student's function shows which one it is."""
        def subtracts(x, w, b):
            return (np.asarray(x) @ w - b > 0) * 1.0

        with pytest.raises(AssertionError) as info:
            assert_close(subtracts(X, W, 0.0), [0.0, 1.0, 0.0, 1.0], mistakes=_tlu(X, W, 0.0),
                         probe=subtracts)
        assert "Likely mistake: the bias was subtracted\n" in str(info.value) + "\n"

    def test_an_unlisted_mistake_that_coincides_is_not_named(self):
        """np.sum of a bias vector is 0 here, as a missing bias: the probe rules it out."""
        def sums_the_biases(x, w, b):
            return (np.asarray(x) @ w + np.sum(np.atleast_1d(b)) * 0.5 > 0) * 1.0

        table = _tlu(X, W, 0.0)
        assert matching(sums_the_biases(X, W, 0.0), table) != []
        assert narrowed(matching(sums_the_biases(X, W, 0.0), table), table,
                        sums_the_biases) == []

    def test_a_probe_that_fails_names_nothing(self):
        """A function that raises on the probe's inputs gives no evidence: no mistake named."""
        calls = []

        def fragile(x, w, b):
            calls.append(1)
            if len(calls) > 1:
                raise ValueError("only the first call works")
            return (np.asarray(x) @ w > 0) * 1.0

        with pytest.raises(AssertionError) as info:
            assert_close(fragile(X, W, 0.0), [0.0, 1.0, 0.0, 1.0], mistakes=_tlu(X, W, 0.0),
                         probe=fragile)
        assert "Likely mistake" not in str(info.value)


class TestProperties:
    def _table(self, x):
        @explained_in("activations", "activations-relu")
        def relu(x):
            return {"the negative part was kept": np.abs(np.asarray(x, dtype=float))}
        return relu(x)

    def test_an_input_changed_in_place(self):
        """A ReLU that zeroes its input in place is told so."""
        def relu(x):
            x[x < 0] = 0.5
            return x

        x = np.array([[-1.0, 2.0], [3.0, -4.0]])
        expected = np.maximum(x, 0)
        result = relu(x.copy())
        assert _keys(found_properties(result, expected, relu, ([x], {}))) == ["in-place"]
        with pytest.raises(AssertionError) as info:
            assert_close(result, expected, mistakes=self._table(x), probe=relu)
        assert "changed its input array in place" in str(info.value)

    def test_booleans_and_the_transpose(self):
        """Booleans where floats are expected, and a transposed result, are named."""
        expected = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
        wrong = np.array([[1, 0, 1], [1, 0, 0]])
        assert _keys(found_properties(wrong, expected)) == ["not-float"]
        assert _keys(found_properties(expected.T, expected)) == ["transposed"]

    def test_a_batch_of_one_example(self):
        """A function that squeezes its output breaks on one example: found by a probe."""
        def squeezes(X):
            return np.squeeze(np.asarray(X) * 2.0 + (len(X) == 1))

        X = np.array([[1.0, 2.0], [3.0, 4.0]])
        wrong = squeezes(X) + 1.0  # wrong anyway, so that the property is looked for
        assert "batch-of-one" in _keys(found_properties(wrong, X * 2.0, squeezes, ([X], {})))


# Mistakes no catalogue lists, each in an assignment's visible test cell: the message must
# not name a catalogued mistake (it may name a property, or nothing).
UNLISTED = {
    "the biases of a layer added as np.sum(b)": (
        "neurons", "tlu_layer", "def tlu_layer(X, W, b):\n"
        "    return (np.asarray(X, dtype=float) @ W + np.sum(b) > 0).astype(float)",
        "tlu_layer_values"),
    "sigmoid with a hard-coded slope": (
        "activations", "sigmoid", "def sigmoid(x):\n"
        "    x = np.asarray(x, dtype=float)\n    return 1 / (1 + np.exp(-1.1 * x))",
        "sigmoid_values"),
    "softmax with a temperature of 2": (
        "softmax", "softmax", "def softmax(x, axis=-1):\n"
        "    z = np.asarray(x, dtype=float) / 2\n"
        "    e = np.exp(z - z.max(axis=axis, keepdims=True))\n"
        "    return e / e.sum(axis=axis, keepdims=True)",
        "softmax_values"),
    "mse of the first output only": (
        "matrix_notation", "mse", "def mse(y, y_hat):\n"
        "    e = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)\n"
        "    return np.mean(e.reshape(len(e), -1)[:, 0] ** 2)",
        "mse_values"),
}


@pytest.mark.parametrize("case", list(UNLISTED))
def test_an_unlisted_mistake_is_not_misnamed(case, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assignment, answer_id, wrong, test_id = UNLISTED[case]
    message = visible_failure(assignment, answer_id, wrong, test_id)
    named = [line for line in message.splitlines() if line.startswith("Likely mistake:")]
    assert named == [] or "changed its input" in named[0] or "the transpose" in named[0], message


SEPARATION = r"""
import itertools, json, os, sys
import numpy as np
import mlkit.testing, mlkit.testing.assertions as A, mlkit.testing.diagnosis as D
from mlkit.grading.notebooks import read
tables = []
original = A.assert_close
def spy(actual, expected, **kwargs):
    if kwargs.get("mistakes") is not None:
        tables.append((kwargs.get("name"), kwargs["mistakes"], np.asarray(expected, dtype=float)))
    return original(actual, expected, **kwargs)
mlkit.testing.assert_close = A.assert_close = spy
path = sys.argv[1]
os.chdir(os.path.dirname(path))
namespace = {}
for cell in read(path).cells:
    if cell.cell_type == "code":
        exec(compile(cell.source, path, "exec"), namespace)
apart = lambda a, b: not D._same(a, b, 1e-6, 1e-8)
found = []
for name, table, expected in tables:
    entries = [(d, v) for d, v in table.items() if apart(v, expected)]
    for (d1, v1), (d2, v2) in itertools.combinations(entries, 2):
        if apart(v1, v2):
            continue
        if not np.all(np.isfinite(np.asarray(v1, dtype=float))):
            continue  # both overflow: "either ... or ..." is all the evidence says
        separated = False
        if getattr(table, "inputs", None) is not None:
            rng = np.random.default_rng(0)
            for round_ in range(D.ROUNDS):
                args, kwargs = D.perturbed(*table.inputs, rng, table.parameters,
                                           D.SCALES[round_ % len(D.SCALES)])
                again = table.recompute(*args, **kwargs)
                if apart(again[d1], again[d2]):
                    separated = True
                    break
        if not separated:
            found.append([name, str(d1), str(d2)])
print(json.dumps({"tables": len(tables), "alike": found}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_check_tells_its_catalogued_mistakes_apart(assignment, tmp_path):
    """On every check of the reference run, no two catalogued mistakes stay alike.

    Two entries may give the same value on a check's inputs; then the probes'
    nearby inputs must tell them apart, or a student would be named both.
    Entries that both overflow are exempt: the message names them together.
    """
    script = tmp_path / "separation.py"
    script.write_text(SEPARATION)
    notebook = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    result = subprocess.run([sys.executable, str(script), str(notebook)], capture_output=True,
                            text=True, timeout=1200, cwd=ROOT,
                            env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["alike"] == []
