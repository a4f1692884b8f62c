"""Tests of the trusted checker: test cells run outside the student's process.

The student's side is a real process (an IPython shell serving the channel, as
in the sandbox); the checker runs here. Each attack is one a clever student
would try against a grader whose tests share the student's interpreter.
"""

import ast
import socket
import subprocess
import sys

import numpy as np
import pytest

from mlkit.grading import wire
from mlkit.grading.channel import CheckerPeer, StudentNamespace
from mlkit.grading.checker import Cell, check_notebook
from mlkit.grading.notebooks import read
from tests.helpers import ASSIGNMENTS, ROOT

STUDENT = "import socket, sys; from mlkit.grading.runner import Runner; " \
          "Runner().serve(socket.socket(fileno=int(sys.argv[1])))"


def _spawn():
    """A student's process serving the channel, and the checker's end of it."""
    ours, theirs = socket.socketpair()
    process = subprocess.Popen([sys.executable, "-c", STUDENT, str(theirs.fileno())],
                               pass_fds=[theirs.fileno()], cwd=ROOT)
    theirs.close()
    return CheckerPeer(ours, timeout=60), process


@pytest.fixture
def student():
    """A student's process serving the channel, and the checker's end of it."""
    peer, process = _spawn()
    yield peer
    peer.sock.close()
    process.wait(timeout=30)


def _cells(notebook):
    return [Cell(i, c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
                 c.get("metadata", {}).get("nbgrader", {}))
            for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]


def _failed(results):
    return [r.index for r in results if any(o["output_type"] == "error" for o in r.outputs)]


def _activations():
    return _cells(read(ROOT / "solutions" / "activations" / "activations.ipynb"))


def _test_cells(cells):
    return [c.index for c in cells if c.is_test]


def _with_student_cell(cells, source, *, at=None):
    """The cells with one cell of the student's own added (at the end, or before index ``at``)."""
    extra = Cell(10_000, source, {})
    if at is None:
        return [*cells, extra]
    position = next(i for i, c in enumerate(cells) if c.index == at)
    return [*cells[:position], extra, *cells[position:]]


def _break_solutions(cells):
    """Every solution cell's functions replaced by ones that return 7.0 everywhere."""
    wrong = []
    for cell in cells:
        if cell.nbgrader.get("solution"):
            names = [line[4:].split("(")[0] for line in cell.source.splitlines()
                     if line.startswith("def ")]
            cell = Cell(cell.index, "".join(
                f"def {name}(x, *args, **kwargs):\n    return np.asarray(x) * 0 + 7.0\n"
                for name in names), cell.nbgrader)
        wrong.append(cell)
    return wrong


class TestGrading:
    def test_reference_passes_every_test_cell(self, student):
        """The activations assignment's reference passes all its tests, visible and hidden."""
        results = check_notebook(_activations(), student)
        assert _failed(results) == []
        checks = [c for r in results for c in r.checks]
        assert checks and all(c["passed"] for c in checks)

    def test_wrong_answers_fail_every_test_cell(self, student):
        """Wrong functions fail every test cell, with the failure recorded as data."""
        cells = _break_solutions(_activations())
        results = check_notebook(cells, student)
        assert _failed(results) == _test_cells(cells)
        first = next(r for r in results if r.index in _test_cells(cells))
        assert first.failure["summary"]

    def test_student_exceptions_keep_their_type(self, student):
        """A student's function that raises fails the test with the same exception type."""
        cells = [Cell(0, "def f(x):\n    return x[5]", {"solution": True}),
                 Cell(1, "f([1, 2])", {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert results[1].outputs[-1]["ename"] == "IndexError"
        assert results[1].outputs[-1]["evalue"] == "list index out of range"

    def test_other_exceptions_are_caught_as_their_builtin_bases(self, student):
        """numpy's AxisError, raised by the student's function, is caught by a test cell's
        ``except ValueError`` and ``except IndexError`` as in one process, and keeps its name."""
        cells = [Cell(0, "import numpy as np\n\n\ndef f(x):\n    return np.sum(x, axis=1)",
                      {"solution": True}),
                 Cell(1, "import numpy as np\nfor kind in (ValueError, IndexError):\n"
                         "    try:\n        f(np.ones(3))\n    except kind as err:\n"
                         "        assert type(err).__name__ == 'AxisError', type(err)\n"
                         "    else:\n        raise AssertionError('f did not raise')",
                      {"grade": True, "points": 1}),
                 Cell(2, "f(np.ones(3))", {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == [2]
        assert results[2].outputs[-1]["ename"] == "AxisError"

    def test_an_exception_posing_as_the_checkers_own_stop_is_a_plain_failure(self, student):
        """Attack: a student's exception that derives from SystemExit or KeyboardInterrupt
        (and, to pass, from AssertionError) crosses as a plain failure of its cell: it cannot
        stop the checker, skip the later test cells, or count as an assertion passing."""
        cells = [Cell(0, "class Stop(SystemExit, AssertionError):\n    pass\n\n\n"
                         "class Break(KeyboardInterrupt):\n    pass\n\n\n"
                         "def f(x):\n    raise Stop('done')\n\n\ndef g(x):\n    raise Break()",
                      {"solution": True}),
                 Cell(1, "f(1)", {"grade": True, "points": 1}),
                 Cell(2, "try:\n    g(1)\nexcept BaseException as err:\n"
                         "    assert not isinstance(err, (SystemExit, KeyboardInterrupt)), err\n"
                         "    raise", {"grade": True, "points": 1}),
                 Cell(3, "assert 1 + 1 == 2", {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == [1, 2]
        assert results[1].outputs[-1]["ename"] == "Stop"
        assert results[2].outputs[-1]["ename"] == "Break"


class TestAsIfInOneProcess:
    """What a check sees of a student's call is what it would see if the call ran in its process."""

    def test_an_input_changed_in_place_keeps_its_value_for_the_checker(self, student):
        """A function that scales its argument in place leaves the checker's array as it was."""
        cells = [Cell(0, "def scale(X, s=2.0):\n    X *= s\n    return X", {"solution": True}),
                 Cell(1, "import numpy as np\nfrom mlkit.testing import as_left\n"
                         "X = np.ones((2, 3))\nY = scale(X)\n"
                         "assert (X == 1.0).all() and (Y == 2.0).all()\n"
                         "assert (as_left(X) == 2.0).all()",
                      {"grade": True, "points": 1}),
                 Cell(2, "import numpy as np\nfrom mlkit.testing import as_left\n"
                         "Z = np.arange(4.0)\nscale(s=3.0, X=Z)\n"
                         "assert Z.tolist() == [0.0, 1.0, 2.0, 3.0]\n"
                         "assert as_left(Z).tolist() == [0.0, 3.0, 6.0, 9.0]",
                      {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == []
        assert "changed an input in place (scale, argument 1)" in results[1].outputs[-1]["text"]
        assert "(scale, argument X)" in results[2].outputs[-1]["text"]

    def test_a_declared_update_in_place_is_taken_in(self, student):
        """An input the test says the function updates takes the new value; the others do not."""
        cells = [Cell(0, "def step(W, dW, lr):\n    W -= lr * dW\n    dW[...] = 0.0",
                      {"solution": True}),
                 Cell(1, "import numpy as np\nfrom mlkit.testing import updates_in_place\n"
                         "W, dW = np.ones(3), np.full(3, 2.0)\n"
                         "with updates_in_place(W):\n    step(W, dW, 0.5)\n"
                         "assert W.tolist() == [0.0] * 3 and dW.tolist() == [2.0] * 3",
                      {"grade": True, "points": 1})]
        assert _failed(check_notebook(cells, student)) == []

    def test_a_variable_is_updated_only_where_the_test_says_so(self, student):
        """A tf.Variable an optimizer's step updates takes the new value only when declared."""
        pytest.importorskip("tensorflow")
        cells = [Cell(0, "import tensorflow as tf", {"locked": True}),
                 Cell(1, "def step(loss_fn, W, lr):\n    with tf.GradientTape() as tape:\n"
                         "        loss = loss_fn()\n    W.assign_sub(lr * tape.gradient(loss, W))\n"
                         "    return loss", {"solution": True}),
                 Cell(2, "from mlkit.testing import updates_in_place\n"
                         "W = tf.Variable([1.0, -2.0])\n"
                         "with updates_in_place(W):\n"
                         "    step(lambda: tf.reduce_sum(W ** 2), W, 0.25)\n"
                         "assert W.numpy().tolist() == [0.5, -1.0], W.numpy()",
                      {"grade": True, "points": 1}),
                 Cell(3, "from mlkit.testing import as_left\nV = tf.Variable([1.0, -2.0])\n"
                         "step(lambda: tf.reduce_sum(V ** 2), V, 0.25)\n"
                         "assert V.numpy().tolist() == [1.0, -2.0], V.numpy()\n"
                         "assert as_left(V).tolist() == [0.5, -1.0]",
                      {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == [], [r.outputs for r in results]

    def test_a_reference_computed_after_the_call_cannot_be_steered(self, student):
        """A wrong answer that writes its own inverse into the input fails the check."""
        cells = [Cell(0, "import numpy as np", {"locked": True}),
                 Cell(1, "def sigmoid(x):\n    y = np.full(x.shape, 0.7)\n"
                         "    x[...] = np.log(y / (1 - y))\n    return y", {"solution": True}),
                 Cell(2, "X = np.linspace(-3.0, 3.0, 6)\nresult = sigmoid(X)\n"
                         "assert np.allclose(result, 1 / (1 + np.exp(-X)))",
                      {"grade": True, "points": 1})]
        assert _failed(check_notebook(cells, student)) == [2]

    def test_each_test_cell_gets_its_own_copy_of_the_setup_data(self, student):
        """An input changed in place costs the test that catches it, not the tests after it."""
        cells = [Cell(0, "import numpy as np\nX = np.ones(3)", {"locked": True}),
                 Cell(1, "def scale(X):\n    X *= 2.0\n    return X.sum()", {"solution": True}),
                 Cell(2, "from mlkit.testing import as_left, updates_in_place\n"
                         "before = X.copy()\nwith updates_in_place(X):\n    scale(X)\n"
                         "assert (as_left(X) == before).all(), 'changed'",
                      {"grade": True, "points": 1}),
                 Cell(3, "assert scale(X) == 6.0 and (X == 1.0).all()",
                      {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == [2]

    def test_numpy_error_state_and_warnings_follow_the_check(self, student):
        """An overflow in the student's exp fails a no_overflow check, and only inside one."""
        cells = [Cell(0, "import numpy as np\ndef naive(x):\n    return 1 / (1 + np.exp(-x))",
                      {"solution": True}),
                 Cell(1, "import numpy as np\nfrom mlkit.testing import no_overflow\n"
                         "with no_overflow('naive(-1000)'):\n    naive(np.array([-1000.0]))",
                      {"grade": True, "points": 1}),
                 Cell(2, "import numpy as np, warnings\n"
                         "with warnings.catch_warnings():\n"
                         "    warnings.simplefilter('error', RuntimeWarning)\n"
                         "    naive(np.array([-1000.0]))", {"grade": True, "points": 1}),
                 Cell(3, "import numpy as np\n"
                         "with np.errstate(over='raise'):\n    naive(np.array([-1000.0]))",
                      {"grade": True, "points": 1}),
                 Cell(4, "import numpy as np, warnings\n"
                         "with warnings.catch_warnings():\n"
                         "    warnings.simplefilter('ignore')\n"
                         "    assert naive(np.array([-1000.0]))[0] == 0.0",
                      {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert _failed(results) == [1, 2, 3]
        assert "not numerically stable: overflow" in results[1].outputs[-1]["evalue"]
        assert results[2].outputs[-1]["ename"] == "RuntimeWarning"
        assert results[3].outputs[-1]["ename"] == "FloatingPointError"

    def test_a_student_class_keeps_its_name_in_messages(self, student):
        """A student's object seen from the checker is named by its class, not the proxy's."""
        cells = [Cell(0, "class Model:\n    pass\nm = Model()", {"solution": True}),
                 Cell(1, "assert m.__class__.__name__ == 'Model'\n"
                         "assert not isinstance(m, (int, float, list))",
                      {"grade": True, "points": 1})]
        assert _failed(check_notebook(cells, student)) == []


def _inputs_compared_after_the_call(notebook):
    """``(grade_id, name)`` of arrays a test cell passes to a student's function and then
    compares with ``np.array_equal`` as they are, not through ``as_left``."""
    students = {node.name for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get(
        "solution") for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}
    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        calls = [node for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Call)]
        passed = {arg.id for call in calls
                  if isinstance(call.func, ast.Name) and call.func.id in students
                  for arg in [*call.args, *(k.value for k in call.keywords)]
                  if isinstance(arg, ast.Name)}
        found += [(meta["grade_id"], arg.id) for call in calls
                  if isinstance(call.func, ast.Attribute) and call.func.attr == "array_equal"
                  for arg in call.args if isinstance(arg, ast.Name) and arg.id in passed]
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_test_of_an_unchanged_input_reads_it_with_as_left(assignment):
    """An array a test cell passes to a student's function is compared afterwards as_left(it).

    When graded, the test cell's own array keeps its value whatever the call
    did: compared as it is, it would always look unchanged.
    """
    notebook = read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    assert _inputs_compared_after_the_call(notebook) == []


class TestAttacks:
    def test_ipython_exception_handler_and_input_transformer(self, student):
        """IPython's own hooks, registered by a student's cell, change no test's outcome."""
        hooks = ("ip = get_ipython()\n"
                 "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
                 "ip.input_transformers_post.append(lambda lines: ['pass\\n'])\n")
        cells = _with_student_cell(_break_solutions(_activations()), hooks,
                                   at=_test_cells(_activations())[0])
        results = check_notebook(cells, student)
        assert _failed(results) == _test_cells(cells)

    def test_printing_the_interpreter_shows_no_hidden_test(self, student):
        """A last cell that prints all the interpreter holds shows nothing of the hidden tests."""
        spy = ("import gc, sys\n"
               "print(repr(get_ipython().user_ns))\n"
               "print(get_ipython().history_manager.input_hist_raw)\n"
               "print([repr(o)[:200] for o in gc.get_objects() if isinstance(o, str)])\n")
        cells = _with_student_cell(_activations(), spy)
        results = check_notebook(cells, student)
        printed = "".join(o.get("text", "") for o in results[-1].outputs)
        assert "x = np.array" in printed or "import numpy" in printed  # the spy did run
        for hidden in ("BEGIN HIDDEN TESTS", "with check(", "0.10499358540", "1e300",
                       "for a 2x3 array X"):
            assert hidden not in printed

    def test_builtins_defined_by_the_student_are_not_the_checker_s(self, student):
        """A student's own len, isinstance or float cannot answer the checker's assertions."""
        cells = [Cell(0, "def len(x):\n    return 2\ndef float(x):\n    return 1.0\n"
                         "def isinstance(a, b):\n    return True\nvalues = [1, 2, 3]",
                      {"solution": True}),
                 Cell(1, "assert len(values) == 2", {"grade": True, "points": 1}),
                 Cell(2, "assert float(values[2]) == 1.0", {"grade": True, "points": 1}),
                 Cell(3, "assert isinstance(values, dict)", {"grade": True, "points": 1})]
        assert _failed(check_notebook(cells, student)) == [1, 2, 3]

    def test_an_object_that_equals_everything_passes_nothing(self, student):
        """A student's object whose ==, bool and ordering always agree cannot pass a check."""
        cells = [Cell(0, "class Yes:\n    def __eq__(self, other):\n        return True\n"
                         "    __ne__ = lambda self, other: False\n"
                         "    __bool__ = lambda self: False\n"
                         "    __lt__ = __le__ = __gt__ = __ge__ = __eq__\n"
                         "    __contains__ = __eq__\n"
                         "answer = Yes()", {"solution": True}),
                 Cell(1, "assert answer == 42", {"grade": True, "points": 1}),
                 Cell(2, "assert not (answer != 42)", {"grade": True, "points": 1}),
                 Cell(3, "assert answer < 1 and answer > 1", {"grade": True, "points": 1}),
                 Cell(4, "assert 42 in answer", {"grade": True, "points": 1}),
                 Cell(5, "assert not answer", {"grade": True, "points": 1}),
                 Cell(6, "assert answer == answer and answer in [answer]",
                      {"grade": True, "points": 1})]
        assert _failed(check_notebook(cells, student)) == [1, 2, 3, 4, 5]

    def test_a_lent_function_expires_with_its_check(self, student):
        """A correct helper lent for one check cannot be kept and called in another."""
        cells = [
            Cell(0, "import numpy as np", {"locked": True}),
            Cell(1, "kept = []\ndef grad(x):\n    kept.append(sigmoid)\n"
                    "    s = sigmoid(x)\n    return s * (1 - s)\n"
                    "def my_sigmoid(x):\n    return kept[0](x)", {"solution": True}),
            Cell(2, "from mlkit.testing import own_work\n"
                    "with own_work(globals(), 'grad', uses=['sigmoid']):\n"
                    "    assert abs(grad(0.0) - 0.25) < 1e-12", {"grade": True, "points": 1}),
            Cell(3, "assert abs(my_sigmoid(0.0) - 0.5) < 1e-12", {"grade": True, "points": 1}),
        ]
        results = check_notebook(cells, student)
        assert _failed(results) == [3]
        assert results[3].outputs[-1]["ename"] == "PermissionError"

    def test_a_student_process_that_dies_fails_the_rest_and_nothing_hangs(self, student):
        """A student's cell that kills its own process: it and the cells after it fail."""
        cells = [Cell(0, "def f():\n    return 1", {"solution": True}),
                 Cell(1, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", {}),
                 Cell(2, "assert f() == 1", {"grade": True, "points": 1})]
        results = check_notebook(cells, student)
        assert results[1].lost == "running" and "closed the channel" in \
            results[1].outputs[-1]["evalue"]
        assert results[2].lost == "not run" and results[2].outputs[-1]["ename"] == \
            "DeadKernelError"

    def test_the_tests_before_a_death_are_graded_in_a_fresh_process(self, student):
        """After a death, the cells that completed run again in a fresh process for their tests."""
        cells = [Cell(0, "def f():\n    return 1", {"solution": True}),
                 Cell(1, "assert f() == 1", {"grade": True, "points": 1}),
                 Cell(2, "def g():\n    return 2", {"solution": True}),
                 Cell(3, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", {}),
                 Cell(4, "assert g() == 2", {"grade": True, "points": 1})]
        spawned = []

        def respawn():
            peer, process = _spawn()
            spawned.append((peer, process))
            return peer

        results = check_notebook(cells, student, respawn=respawn)
        for peer, process in spawned:
            peer.sock.close()
            process.wait(timeout=30)
        assert len(spawned) == 1
        assert _failed(results) == [3, 4] and results[4].lost == "not run"


class TestWire:
    def test_only_base_numeric_arrays_are_rebuilt(self):
        """An object or string array, or a lying shape, is refused; numbers cross exactly."""
        value = {"a": np.arange(6, dtype=np.int16).reshape(2, 3), "b": [1.5, float("nan")],
                 "c": np.float32(2.5), "d": (True, None, 3 + 4j, b"\x00"),
                 "e": np.array(1.5), "f": np.arange(6.0).reshape(2, 3).T}
        back = wire.decode(*wire.encode(value, None), None)
        assert back["a"].dtype == np.int16 and back["a"].tolist() == [[0, 1, 2], [3, 4, 5]]
        assert np.isnan(back["b"][1]) and back["c"].dtype == np.float32
        assert back["d"] == (True, None, 3 + 4j, b"\x00")
        assert back["e"].shape == () and back["f"].tolist() == [[0, 3], [1, 4], [2, 5]]
        for dtype in ("|O", "<U3", "|V8"):
            forged = b'{"$":"array","dtype":"%s","shape":[1],"b":0}' % dtype.encode()
            with pytest.raises(wire.WireError):
                wire.decode(forged, [bytearray(8)], None)
        with pytest.raises(wire.WireError, match="needs 800 bytes"):
            wire.decode(b'{"$":"array","dtype":"<f8","shape":[100],"b":0}', [b"\0" * 8], None)
        with pytest.raises(TypeError):
            wire.encode(np.array([object()]), None)

    def test_a_student_cannot_ask_the_checker_for_anything_but_a_lent_call(self):
        """A request from the student's side other than calling a lent function is refused."""
        ours, theirs = socket.socketpair()
        checker = CheckerPeer(ours, timeout=10)
        wire.send(theirs, wire.encode({"seq": 1, "op": "get", "args": ["secret"]}, None))
        wire.send(theirs, wire.encode({"re": 1, "ok": 0}, None))
        # the checker answers their request (refused), then takes the reply to its own
        assert StudentNamespace(checker)["x"] == 0
        request = wire.decode(*wire.recv(theirs), None)
        reply = wire.decode(*wire.recv(theirs), None)
        ours.close()
        theirs.close()
        assert request["op"] == "get" and reply["err"]["type"] == "PermissionError"
