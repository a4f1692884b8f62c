"""Tests of mlkit.grading.runner: cells run as a kernel runs them."""

import pytest

from mlkit.grading.runner import Runner


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
    """A runner over a fresh shell."""
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.clear_instance()
    _run.runner = Runner()
    yield
    InteractiveShell.clear_instance()


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
