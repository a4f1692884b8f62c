"""Run a notebook as the autograder will: a fresh kernel, top to bottom, each cell's time limit.

The run uses nbgrader's own :class:`~nbgrader.preprocessors.Execute`, in an
empty temporary folder holding only a copy of the notebook, so that a cell
that reads a file the grader will not have fails here as it would there.
Input is not allowed: ``input()`` raises, as under the grader. What the kernel
process itself writes (IPython's start-up warnings, TensorFlow's) goes where
the caller says: the command's details file (:mod:`mlkit.grading.details`).
"""

import ast
import dataclasses
import os
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import Any

from mlkit.grading.test_texts import in_kernel
from mlkit.messages.language import VARIABLE as LANGUAGE

__all__ = ["CellRun", "asks_for_input", "own_files", "run"]

# Set in the kernel that the pre-submit check starts, so that a `check()` call inside the
# notebook does not start another run.
RUNNING = "MLKIT_PRESUBMIT_RUNNING"
# Errors a read of a missing file raises.
FILE_ERRORS = frozenset({"FileNotFoundError", "IsADirectoryError", "NotADirectoryError",
                         "PermissionError", "DataFileError"})


@dataclasses.dataclass
class CellRun:
    """What happened to one code cell.

    Attributes:
        index: the cell's position in the notebook (0 for the first cell).
        grade_id: its nbgrader ``grade_id``, or None for a cell the student added.
        seconds: how long it ran, or None if it did not run.
        error: the ``(ename, first line of evalue)`` it ended with, or None.
    """

    index: int
    grade_id: str
    seconds: float
    error: tuple


def asks_for_input(source):
    """True if the code calls ``input()`` (or ``getpass``), which the grader cannot answer.

    Example:
        >>> asks_for_input("name = input('Your name? ')")
        True
        >>> asks_for_input("inputs = 3")
        False
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False  # IPython magics and the like: the run will tell
    return any(isinstance(node, ast.Call)
               and (getattr(node.func, "id", None) in ("input", "getpass")
                    or getattr(node.func, "attr", None) == "getpass")
               for node in ast.walk(tree))


def own_files(source):
    """The files of this machine a cell names by absolute or home path (the grader has none).

    A relative path shows when the notebook runs in an empty folder; an absolute
    one exists here and not under the grader, so it is looked for in the code.

    Example:
        >>> own_files("W = np.load('/nowhere/weights.npy')")
        []
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            # A notebook's own path (as in check("/.../notebook.ipynb")) is no data file.
            if (text.startswith(("/", "~")) and "\n" not in text and len(text) < 400
                    and not text.endswith(".ipynb") and Path(text).expanduser().is_file()):
                found.append(text)
    return found


class _Execute(Execute):
    """nbgrader's ``Execute``; what the kernel process itself prints goes to ``kernel_output``."""

    kernel_output = Any(None, help="A file for the kernel process's stdout and stderr, or None.")

    async def async_start_new_kernel(self, **kwargs):
        if self.kernel_output is not None:
            kwargs.setdefault("stdout", self.kernel_output)
            kwargs.setdefault("stderr", self.kernel_output)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)


def _seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def run(notebook, timeout, *, language=None, kernel_output=None, texts=None):
    """Execute a copy of ``notebook`` in a fresh kernel, in an empty folder.

    Args:
        notebook: the student's notebook (not modified).
        timeout: each cell's time limit in seconds, as the grader's ``Execute.timeout``.
        language: the language of the checks' messages in the kernel (``MLKIT_LANG``
            there), or None to leave the environment's choice.
        kernel_output: a file (opened for writing) for what the kernel process
            itself prints on its stdout and stderr, or None for this process's.
        texts: the translations of the test cells' texts (``{English: {language:
            translation}}``, :mod:`mlkit.grading.test_texts`), or None: with them the
            test cells say their texts in the kernel's language, as the grader's checker
            does (:func:`mlkit.grading.test_texts.in_kernel`).

    Returns:
        ``(executed notebook, list of CellRun for its code cells, seconds in all)``.
    """
    executed = nbformat.from_dict(notebook)
    for cell in executed.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            nbgrader = cell.get("metadata", {}).get("nbgrader", {})
            if texts and nbgrader.get("grade") and not nbgrader.get("solution"):
                cell.source = in_kernel(cell.source, texts)
    folder = Path(tempfile.mkdtemp(prefix="mlkit-check-"))
    # the kernel inherits this process's environment
    # TensorFlow's C++ start-up lines at the grader's level: errors only
    settings = {RUNNING: "1", "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
                **({LANGUAGE: language} if language else {})}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    started = time.monotonic()
    try:
        executor = _Execute(timeout=timeout, interrupt_on_timeout=True, allow_errors=True,
                            record_timing=True, kernel_output=kernel_output)
        executor.preprocess(executed, {"metadata": {"path": str(folder)}})
    finally:
        elapsed = time.monotonic() - started
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)
    runs = []
    for index, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        error = None
        if errors:
            error = (errors[0].get("ename", "Error"),
                     (errors[0].get("evalue", "") or "").split("\n", 1)[0])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        runs.append(CellRun(index, grade_id, _seconds(cell), error))
    return executed, runs, elapsed
