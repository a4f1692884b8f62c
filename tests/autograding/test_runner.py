"""Tests of mlkit.grading.runner: cells run as a kernel runs them, and checks cannot be patched."""

import pytest

from mlkit.grading.runner import Pristine, Runner


def _cell(source, **nbgrader):
    return {"cell_type": "code", "source": source, "metadata": {"nbgrader": nbgrader},
            "outputs": [], "execution_count": None}


def _run(*cells, timeout=5, max_output_bytes=100_000):
    runner = _run.runner
    runner.configure(timeout=timeout, max_output_bytes=max_output_bytes)
    notebook = {"cells": list(cells)}
    runner.run(notebook)
    return [cell["outputs"] for cell in notebook["cells"]]


@pytest.fixture(autouse=True)
def fresh_runner():
    """A runner over a fresh shell, with the modules as they are now as the pristine state."""
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.clear_instance()
    _run.runner = Runner(pristine=Pristine())
    yield
    _run.runner.pristine.restore()
    InteractiveShell.clear_instance()


def _solution_and_tests(solution, *tests):
    """Run a locked ``import numpy as np``, the solution cell, then locked graded test cells."""
    return _run(_cell("import numpy as np", locked=True), _cell(solution, solution=True),
                *(_cell(test, grade=True, locked=True) for test in tests))


def _errors(outputs):
    return [o["ename"] for o in outputs if o["output_type"] == "error"]


class TestOutputs:
    def test_streams_results_and_displays(self):
        """print, the last expression and display() give Jupyter's three kinds of output."""
        [outputs] = _run(_cell("from IPython.display import HTML, display\nprint('hi')\n"
                               "display(HTML('<b>x</b>'))\n6 * 7"))
        kinds = [o["output_type"] for o in outputs]
        assert kinds == ["stream", "display_data", "execute_result"]
        assert outputs[0]["text"] == "hi\n"
        assert outputs[1]["data"]["text/html"] == "<b>x</b>"
        assert outputs[2]["data"]["text/plain"] == "42"

    def test_state_carries_from_cell_to_cell(self):
        """A name defined in one cell is there in the next, as in a kernel."""
        _, second = _run(_cell("x = 20"), _cell("x + 1"))
        assert second[0]["data"]["text/plain"] == "21"

    def test_errors_carry_name_value_and_traceback(self):
        """An exception becomes an error output and the next cell still runs."""
        first, second = _run(_cell("raise ValueError('bad shape')"), _cell("print('next')"))
        assert first[0]["ename"] == "ValueError" and first[0]["evalue"] == "bad shape"
        assert any("bad shape" in line for line in first[0]["traceback"])
        assert second[0]["text"] == "next\n"

    def test_sys_exit_is_an_error_not_an_exit(self):
        """sys.exit() in a cell is reported as SystemExit, as Jupyter does."""
        first, second = _run(_cell("import sys\nsys.exit(1)"), _cell("print('alive')"))
        assert "SystemExit" in _errors(first)
        assert second[0]["text"] == "alive\n"

    def test_gigantic_output_is_cut(self):
        """Text beyond the limit is dropped, with a note saying so."""
        [outputs] = _run(_cell("for _ in range(1000):\n    print('x' * 1000)"),
                         max_output_bytes=10_000)
        text = "".join(o["text"] for o in outputs if o["output_type"] == "stream")
        assert len(text) < 11_000 and "output truncated" in text

    def test_timeout_interrupts_and_goes_on(self):
        """A sleeping cell is interrupted at the limit; the next cell runs."""
        first, second = _run(_cell("import time\ntime.sleep(10**6)"), _cell("print(1)"),
                             timeout=0.5)
        assert _errors(first) == ["CellTimeoutError"]
        assert second[0]["text"] == "1\n"

    def test_timeout_still_holds_after_test_cells(self):
        """Restoring the runner before a test cell keeps the notebook's time limit."""
        outputs = _run(_cell("x = 1", solution=True), _cell("assert x == 1", grade=True),
                       _cell("import time\ntime.sleep(10**6)"), timeout=0.5)
        assert _errors(outputs[2]) == ["CellTimeoutError"]


class TestPristine:
    @pytest.mark.parametrize("patch", [
        "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None",
        "import numpy\nnumpy.testing.assert_allclose.__code__ = (lambda *a, **k: None).__code__",
        "import mlkit.testing\nmlkit.testing.assert_close = lambda *a, **k: None",
        "import mlkit.testing.assertions as m\nm.assert_close.__code__ = "
        "(lambda *a, **k: None).__code__",
        "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})",
        "import sys, types\nfake = types.ModuleType('mlkit.testing')\n"
        "fake.assert_close = lambda *a, **k: None\nsys.modules['mlkit.testing'] = fake",
        "np = type('FakeNumpy', (), {'testing': type('T', (), {'assert_allclose': "
        "staticmethod(lambda *a, **k: None)})})()",
        "import builtins\n_real = builtins.__import__\nbuiltins.__import__ = "
        "lambda name, *a, **k: _real(name, *a, **k)",
        "__builtins__ = {}",
        "get_ipython().mlkit_runner.outputs = None\n"
        "get_ipython()._showtraceback = lambda *a: None",
    ])
    def test_patches_do_not_make_a_wrong_answer_pass(self, patch):
        """Monkeypatching what the tests use is undone before each graded test cell."""
        outputs = _solution_and_tests(
            "def f(x):\n    return x + 1\n" + patch,
            "np.testing.assert_allclose(f(1), 3)",
            "from mlkit.testing import assert_close\nassert_close(f(1), 3, name='f(1)')")
        assert _errors(outputs[2]) == ["AssertionError"], outputs[2]
        assert _errors(outputs[3]) == ["CheckError"], outputs[3]  # mlkit's AssertionError

    @pytest.mark.parametrize("patch", [
        "import contextlib, mlkit.testing\n"
        "mlkit.testing.check = lambda name: contextlib.suppress(Exception)",
        "import contextlib, mlkit.testing.checks as c\n"
        "c.check = lambda name: contextlib.suppress(Exception)",
    ])
    def test_patched_check_does_not_hide_a_failure(self, patch):
        """A hidden check fails even when the submission replaced mlkit.testing.check."""
        outputs = _solution_and_tests(
            "def f(x):\n    return x + 1\n" + patch,
            "from mlkit.testing import assert_close, check\n"
            "with check('f of 1'):\n    assert_close(f(1), 3, name='f(1)')")
        assert _errors(outputs[2]) == ["CheckError"], outputs[2]

    def test_right_answers_still_pass(self):
        """Restoring changes nothing for an honest notebook."""
        outputs = _solution_and_tests("def f(x):\n    return x + 2",
                                      "np.testing.assert_allclose(f(1), 3)")
        assert outputs[2] == []


def _hidden(visible, hidden):
    """A test cell's source: ``visible``, then ``hidden`` between nbgrader's markers."""
    return (f"{visible}\n### BEGIN HIDDEN TESTS\nfrom mlkit.testing import check\n{hidden}\n"
            "### END HIDDEN TESTS")


class TestHiddenTestsLeaveNoTrace:
    """After a test cell, the notebook holds what the student's own run gave it."""

    STUDENT = "X = 1\ndef check(value):\n    return value * 10"

    def _last_value(self, *cells):
        outputs = _run(*cells)
        return outputs, outputs[-1][0]["data"]["text/plain"]

    def test_names_the_hidden_part_bound_are_given_back(self):
        """The student's X and own check come back; a name only hidden code bound is gone."""
        outputs, last = self._last_value(
            _cell(self.STUDENT, solution=True),
            _cell(_hidden("assert X == 1", "with check('X'):\n    X = 2\n    only_hidden = 3\n"
                          "    assert X == 2"), grade=True, locked=True),
            _cell("X, check(1), 'only_hidden' in globals()"))
        assert outputs[1] == []
        assert last == "(1, 10, False)"

    def test_the_visible_part_keeps_its_bindings(self):
        """A name bound by the visible part and again by the hidden part keeps the visible value."""
        _, last = self._last_value(
            _cell("def f(x):\n    return 2 * x", solution=True),
            _cell(_hidden("result = f(1)\nassert result == 2",
                          "with check('f of 5'):\n    result = f(5)\n    assert result == 10"),
                  grade=True, locked=True),
            _cell("result"))
        assert last == "2"

    def test_a_failed_hidden_check_is_reported_and_undone(self):
        """The failure is the cell's error, at the line it is on; the name is still given back."""
        outputs, last = self._last_value(
            _cell(self.STUDENT, solution=True),
            _cell(_hidden("assert X == 1", "with check('X is 5'):\n    X = 2\n    assert X == 5"),
                  grade=True, locked=True),
            _cell("X"))
        [error] = [o for o in outputs[1] if o["output_type"] == "error"]
        assert error["ename"] == "CheckError" and "X is 5" in error["evalue"]
        # the line numbers are the cell's own: line 4 is the failed `with check(...)`
        assert any("----> 4 with check('X is 5')" in line for line in error["traceback"])
        assert last == "1"

    def test_a_replaced_hook_does_not_skip_the_checks(self):
        """A submission that rebinds the grader's hook only loses the undo, never a check."""
        outputs = _solution_and_tests(
            "def f(x):\n    globals()['_mlkit_hidden_tests_begin'] = lambda: None\n"
            "    return x + 1",
            _hidden("f(0)", "with check('f of 1'):\n    assert f(1) == 3"))
        assert _errors(outputs[2]) == ["CheckError"], outputs[2]

    def test_a_cell_without_hidden_tests_keeps_everything(self):
        """Names bound by a test cell with no hidden part stay, as before."""
        _, last = self._last_value(_cell("y = 3\nassert y == 3", grade=True, locked=True),
                                   _cell("y"))
        assert last == "3"
