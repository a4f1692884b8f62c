"""Tests of mlkit.grading.sandbox: hostile cells are contained, and students do not meet."""

import os
import shutil
import socket
import threading

import pytest

from mlkit.grading.sandbox import Worker, execute, protections

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

if not shutil.which("bwrap"):
    if os.environ.get("MLKIT_REQUIRE_SANDBOX") == "1":
        raise RuntimeError("bubblewrap (bwrap) is required here: ./dev.sh setup installs it")
    pytest.skip("bubblewrap (bwrap) is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def worker():
    with Worker() as worker:
        yield worker


def _cell(source, **nbgrader):
    return {"cell_type": "code", "source": source, "metadata": {"nbgrader": nbgrader},
            "outputs": [], "execution_count": None}


def _run(worker, *sources, timeout=5):
    """Run a student's cells in one fresh child; return their outputs, the status and reason."""
    notebook = {"cells": [_cell(s, solution=True) for s in sources]}
    status, reason = execute(notebook, worker, timeout=timeout)
    return [cell["outputs"] for cell in notebook["cells"]], status, reason


def _text(outputs):
    return "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")


def _error(outputs):
    return next((o for o in outputs if o["output_type"] == "error"), None)


class TestHostileCells:
    def test_protections_are_on(self):
        """This machine has the sandbox and a process limit."""
        found = protections()
        assert found["sandbox"] and found["process_limit"], found["missing"]

    @pytest.mark.parametrize("source", ["while True:\n    pass", "import time\ntime.sleep(10**6)"])
    def test_endless_cells_are_interrupted(self, worker, source):
        """An endless cell gets a timeout error and the next cell still runs."""
        (first, last), status, _ = _run(worker, source, "print('next')", timeout=1)
        assert _error(first)["ename"] == "CellTimeoutError"
        assert _text(last) == "next\n" and status == "ok"

    def test_a_cell_that_ignores_the_alarm_is_killed(self, worker):
        """Blocking SIGALRM does not help: the zygote kills the child from outside."""
        (first, last), status, reason = _run(
            worker, "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
            "while True:\n    pass", "print('never')", timeout=1)
        assert status == "died" and "time limit" in reason
        assert _error(first)["ename"] == "CellTimeoutError"
        assert _error(last)["ename"] == "DeadKernelError"  # a cell that did not run fails

    @pytest.mark.parametrize(("source", "words"), [
        ("import os\nos._exit(0)", "process exited"),
        ("import ctypes\nctypes.string_at(0)", "SIGSEGV"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "SIGKILL"),
    ])
    def test_dead_kernels_are_reported_in_every_later_cell(self, worker, source, words):
        """A crash or exit is named in its cell and in each cell it kept from running."""
        (first, last), status, reason = _run(worker, source, "print('never')")
        assert status == "died" and words in reason
        assert words in _error(first)["evalue"] and words in _error(last)["evalue"]

    def test_memory_bomb(self, worker):
        """Allocating 50 GiB raises MemoryError in the cell; the notebook goes on."""
        (first, last), status, _ = _run(worker, "x = bytearray(50 * 2**30)", "print('ok')")
        assert _error(first)["ename"] == "MemoryError" and _text(last) == "ok\n"
        assert status == "ok"

    def test_fork_bomb_is_contained(self, worker):
        """A fork bomb hits the process limit and is killed; the next job runs normally."""
        (first, _), _, _ = _run(worker, "import os\nwhile True:\n    os.fork()", "1", timeout=2)
        assert _error(first) is not None
        (outputs,), status, _ = _run(worker, "print(len([p for p in __import__('os')"
                                             ".listdir('/proc') if p.isdigit()]))")
        assert status == "ok" and int(_text(outputs)) <= 3  # init, zygote, this child

    def test_killing_every_process_still_gives_the_cells_that_ran(self, worker):
        """A cell that kills every process of its sandbox: the earlier cells' outputs, a reason,
        and a fresh worker for the next job."""
        (first, _, last), status, reason = _run(
            worker, "print('before')", "import os, signal\nos.kill(-1, signal.SIGKILL)\n"
                                        "os.kill(0, signal.SIGKILL)", "print('after')")
        assert _text(first) == "before\n" and status == "died"
        assert "every process of the submission's sandbox was killed while cell 1 ran" in reason
        assert "not run" in _error(last)["evalue"]
        (outputs,), status, _ = _run(worker, "print('next student')")
        assert status == "ok" and _text(outputs) == "next student\n"

    def test_gigantic_output(self, worker):
        """100 MB of printing is cut to the limit."""
        (outputs,), status, _ = _run(worker, "print('x' * 10**8)")
        assert status == "ok" and len(_text(outputs)) < 1_100_000
        assert "output truncated" in _text(outputs)


class TestIsolation:
    def test_instructor_files_are_invisible(self, worker, tmp_path):
        """Files outside the sandbox (solutions, gradebook) cannot be read or written."""
        secret = tmp_path / "gradebook.db"
        secret.write_text("grades")
        (outputs,), _, _ = _run(worker, f"open({str(secret)!r}).read()")
        assert _error(outputs)["ename"] == "FileNotFoundError"
        (outputs,), _, _ = _run(worker, f"open({str(secret)!r}, 'w').write('A+')")
        assert _error(outputs) is not None and secret.read_text() == "grades"
        (outputs,), _, _ = _run(worker, "import os\nprint(os.path.exists("
                                        f"{str(secret.parent)!r}), os.listdir('/'))")
        assert _text(outputs).startswith("False")

    @pytest.mark.parametrize("module", ["mlkit.numpy", "mlkit.tensorflow", "mlkit.testing",
                                        "mlkit.testing.mistakes", "mlkit.keras_models"])
    def test_the_course_s_answers_are_not_there(self, worker, module):
        """The reference implementations and checks cannot be imported, nor found on disk."""
        (first, second), _, _ = _run(
            worker, f"import {module}",
            "import importlib.machinery, pathlib, sys, mlkit\n"
            "sys.meta_path[:] = [f for f in sys.meta_path if 'Withheld' not in type(f).__name__]\n"
            f"print(importlib.machinery.PathFinder.find_spec({module!r}.split('.')[1], "
            "mlkit.__path__))\n"
            "print(sorted(p.name for p in pathlib.Path(mlkit.__file__).parent.iterdir()))")
        assert _error(first)["ename"] == "ModuleNotFoundError"
        assert "not available while a notebook is graded" in _error(first)["evalue"]
        spec, files = _text(second).splitlines()
        assert spec == "None" and module.split(".")[1] not in files

    def test_no_network(self, worker):
        """A server listening on the host's loopback cannot be reached."""
        server = socket.create_server(("127.0.0.1", 0))
        port = server.getsockname()[1]
        accepted = []
        threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
        (outputs,), _, _ = _run(worker, "import socket\nsocket.create_connection("
                                        f"('127.0.0.1', {port}), timeout=2)")
        server.close()
        assert _error(outputs)["ename"] in {"ConnectionRefusedError", "OSError", "TimeoutError"}
        assert not accepted

    def test_nothing_passes_from_one_student_to_the_next(self, worker):
        """Files, module state, environment and processes of one job are gone in the next."""
        _run(worker, "import numpy, os, subprocess\nnumpy.leak = 'A'\nos.environ['LEAK'] = 'A'\n"
                     "open('/tmp/leak.txt', 'w').write('A')\nopen('answers.txt', 'w').write('A')\n"
                     "subprocess.Popen(['sleep', '1000'], start_new_session=True)\n1")
        (outputs,), status, _ = _run(
            worker, "import numpy, os\nprint(hasattr(numpy, 'leak'), 'LEAK' in os.environ, "
                    "os.path.exists('/tmp/leak.txt'), os.path.exists('answers.txt'), "
                    "len([p for p in os.listdir('/proc') if p.isdigit()]))")
        assert status == "ok"
        assert _text(outputs) == "False False False False 3\n"


def test_close_releases_everything():
    """Closing a worker stops its zygote, removes its cgroup and closes its log file."""
    worker = Worker()
    process, cgroup = worker.process, worker.cgroup
    worker.close()
    assert process.poll() is not None and worker.log is None
    assert cgroup is None or not cgroup.exists()
    assert worker.cgroup is None
