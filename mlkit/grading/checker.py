"""The trusted checker: runs a notebook's test cells outside the student's process.

A graded notebook runs in two processes. The student's cells run in the
sandbox (:class:`~mlkit.grading.channel.StudentPeer`); the test cells, visible
and hidden, run here, in the checker, which the student's code cannot reach:
it sees the student's names only through the channel, as plain data or as
:class:`~mlkit.grading.channel.Remote` objects, and it alone decides every pass
and fail. Nothing of a test cell (its code, its expected values, the names it
binds, the references it calls) enters the student's process; only the
arguments of the calls it makes do.

:func:`check_notebook` runs in two phases:

1. every cell but the test cells, in order, in the student's process. A locked
   set-up cell (instructor's code, not a solution) runs here too when it reads
   nothing but what earlier trusted cells bound: its imports, data and helper
   functions are then the checker's own, not the student's;
2. the test cells, in order, here. The student's process answers their
   requests but runs none of its own cells any more, so what a hidden test
   passes to a student's function can never reach the output of a later cell,
   and so the feedback.

Example:
    >>> import socket, threading
    >>> from mlkit.grading.channel import StudentPeer
    >>> a, b = socket.socketpair()
    >>> namespace = {}
    >>> def run_cell(source):
    ...     exec(source, namespace)
    ...     return [], None
    >>> student = threading.Thread(target=StudentPeer(b, namespace, run_cell).serve)
    >>> student.start()
    >>> cells = [Cell(0, "def double(x):\\n    return 2 * x", {"solution": True}),
    ...          Cell(1, "assert double(21) == 42", {"grade": True, "points": 1})]
    >>> results = check_notebook(cells, CheckerPeer(a, timeout=10))
    >>> a.close(); student.join(); b.close()
    >>> [r.outputs for r in results]
    [[], []]
"""

import ast
import builtins
import contextlib
import io
import sys
import traceback
from dataclasses import dataclass, field

import numpy as np

from mlkit.grading.channel import ChannelError, CheckerPeer, StudentNamespace
from mlkit.grading.hidden import global_names
from mlkit.grading.test_texts import NAMESPACE_KEY, translate
from mlkit.messages import shown, tr
from mlkit.testing import in_place
from mlkit.testing.checks import CheckError, recording
from mlkit.testing.guards import student_elsewhere

__all__ = ["Cell", "CellResult", "CheckerPeer", "check_notebook"]


@dataclass(frozen=True)
class Cell:
    """A code cell to run: its index in the notebook, its source and its nbgrader metadata."""

    index: int
    source: str
    nbgrader: dict = field(default_factory=dict)

    @property
    def is_test(self):
        return bool(self.nbgrader.get("grade")) and not self.nbgrader.get("solution")

    @property
    def is_setup(self):
        return bool(self.nbgrader.get("locked")) and not self.nbgrader.get("solution") \
            and not self.nbgrader.get("grade")


@dataclass
class CellResult:
    """What running one cell gave.

    Attributes:
        index: the cell's index in the notebook.
        outputs: its outputs, as nbformat output dicts.
        execution_count: its number in the order the notebook runs in.
        checks: for a test cell, the named checks that ran, as plain dicts
            (:meth:`~mlkit.testing.checks.CheckResult.record`).
        failure: for a test cell that failed, ``{"summary", "mistake", "link"}``
            of the failure (outside a named check: its visible part), else None.
        lost: why the student's process did not complete the cell, when it
            did not: "timeout" (it ran past the time limit and did not answer),
            "running" (the process ended while it ran) or "not run" (ended earlier).
    """

    index: int
    outputs: list
    execution_count: int | None
    checks: list = field(default_factory=list)
    failure: dict | None = None
    lost: str | None = None


def _error(ename, evalue, lines=None):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": lines or [f"{ename}: {evalue}"]}


class _Capture(io.TextIOBase):
    """stdout or stderr of a test cell: writes become one stream output each."""

    def __init__(self, outputs, name):
        self.outputs, self.name = outputs, name

    def writable(self):
        return True

    def write(self, text):
        if self.outputs and self.outputs[-1].get("name") == self.name:
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        return len(text)


def _traceback(error):
    """The error's traceback from the test cell's own frames on (none of the checker's)."""
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, frame in enumerate(frames) if frame.filename.startswith("<cell")), 0)
    lines = traceback.format_list(frames[start:])
    remote = getattr(error, "remote_traceback", "")
    if remote:
        lines.append(f"In the student's code:\n{remote}")
    return ["Traceback (most recent call last):\n" + "".join(lines),
            f"{type(error).__name__}: {error}"]


def _english(value):
    """A recorded field as a plain string (a Message's English), or None."""
    return str(value) if isinstance(value, str) else value


def run_test_cell(cell, namespace, execution_count, *, texts=None):
    """Run a test cell's source in ``namespace``; its :class:`CellResult`.

    A last bare expression is shown as the cell's result, as a kernel would.
    With ``texts`` (a :class:`~mlkit.grading.test_texts.Texts`), the cell's
    texts are said in the language chosen now (:func:`~mlkit.grading.test_texts.translate`).
    The cell's inputs that a student's function changed in place, and that
    the cell had not declared it may update (:mod:`mlkit.testing.in_place`),
    kept their values; a note at the end of the outputs names them.
    """
    outputs = []
    result = CellResult(cell.index, outputs, execution_count)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Capture(outputs, "stdout"), _Capture(outputs, "stderr")
    try:
        with recording() as checks, student_elsewhere(), in_place.tracking() as changes:
            try:
                tree = ast.parse(cell.source)
                if texts is not None:
                    tree = translate(tree)
                    dict.__setitem__(namespace, NAMESPACE_KEY, texts)
                last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) \
                    else None
                exec(compile(tree, f"<cell {cell.index}>", "exec"), namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), f"<cell {cell.index}>",
                                         "eval"), namespace)
                    if value is not None:
                        outputs.append({"output_type": "execute_result", "metadata": {},
                                        "execution_count": execution_count,
                                        "data": {"text/plain": repr(value)}})
            except Exception as error:
                if isinstance(error, ChannelError):
                    result.lost = _lost(error)
                name = "DeadKernelError" if isinstance(error, ChannelError) else \
                    getattr(error, "type_name", type(error).__name__)
                outputs.append(_error(name, str(error), _traceback(error)))
                # English, whatever the language of the messages: what the class report counts
                result.failure = {key: _english(getattr(error, key, None))
                                  for key in ("summary", "mistake", "link")}
                if not isinstance(error, CheckError | AssertionError):
                    result.failure["summary"] = str(tr("the code raised %(error)s", error=name))
    finally:
        sys.stdout, sys.stderr = saved
    result.checks = [check.record() for check in checks]
    if changes:
        outputs.append({"output_type": "stream", "name": "stdout", "text": _note(changes)})
    return result


def _note(changes):
    """A note naming the inputs the student's functions changed in place (no values)."""
    places = list(dict.fromkeys(change.where for change in changes))
    where = "; ".join(places)
    note = (shown("Note: your function changed an input in place (%(where)s).", where=where)
            if len(places) == 1 else
            shown("Note: your function changed inputs in place (%(where)s).", where=where))
    return (note + " " + shown("The test went on with the values it had passed; a function "
                               "should leave the arrays it is given unchanged unless its task "
                               "is to update them.") + "\n")


def check_notebook(cells, peer, *, respawn=None, texts=None):
    """Run a notebook's code cells: the student's in their process, the tests here.

    When the student's process ends in the middle of a cell (a crash, a kill,
    a cell that ran past its time limit), that cell and the student's cells
    after it are not run, as in a kernel that died; the test cells after it
    fail. The test cells before it are still graded: ``respawn`` gives a
    fresh student process, in which the cells that completed run again.

    Args:
        cells: the notebook's code cells, as :class:`Cell`, in order.
        peer: the :class:`~mlkit.grading.channel.CheckerPeer` of the student's process.
        respawn: ``respawn() -> CheckerPeer`` of a fresh student process, or None.
        texts: the :class:`~mlkit.grading.test_texts.Texts` of the test cells, or None
            (their texts are then said as written).

    Returns:
        A :class:`CellResult` for every cell, in the order of ``cells``.
    """
    namespace = StudentNamespace(_tracked(peer))
    trusted = set(dir(builtins))
    results = {}
    ended = None  # the position of the cell during which the student's process ended
    for position, cell in enumerate(cells):
        if cell.is_test:
            continue
        if ended is not None:
            results[cell.index] = CellResult(cell.index, [_error("DeadKernelError", "not run")],
                                             position + 1, lost="not run")
            continue
        try:
            reply = namespace.student.request("run", cell.source)
            outputs = reply.get("outputs") if isinstance(reply, dict) else []
            results[cell.index] = CellResult(cell.index, outputs if isinstance(outputs, list)
                                             else [], position + 1)
        except ChannelError as error:
            results[cell.index] = CellResult(cell.index, [_error("DeadKernelError", str(error))],
                                             position + 1, lost=_lost(error))
            ended = position
            if respawn is not None:
                namespace.student = _replay(_tracked(respawn()), cells[:position])
            continue
        if cell.is_setup:
            _run_trusted(cell, namespace, trusted)
    # Each test cell gets its own copy of the set-up's arrays: what one test cell did to them
    # (or let a student's call do, with updates_in_place) is not what the next one starts from.
    shared = {name: value.copy() for name, value in dict.items(namespace)
              if isinstance(value, np.ndarray)}
    for position, cell in enumerate(cells):
        if not cell.is_test:
            continue
        if ended is not None and position > ended:
            results[cell.index] = CellResult(cell.index, [_error("DeadKernelError", "not run")],
                                             position + 1, lost="not run")
        else:
            for name, value in shared.items():
                dict.__setitem__(namespace, name, value.copy())
            results[cell.index] = run_test_cell(cell, namespace, position + 1, texts=texts)
    return [results[cell.index] for cell in cells]


def _tracked(peer):
    """``peer``, taking in only the in-place updates the running test cell declared."""
    peer.may_update, peer.kept = in_place.may_update, in_place.record
    return peer


def _replay(peer, cells):
    """``peer``, after running again the student's cells among ``cells`` (their outputs unused)."""
    for cell in cells:
        if not cell.is_test:
            try:
                peer.request("run", cell.source)
            except ChannelError:
                break  # the tests that need this process fail with the channel's error
    return peer


def _lost(error):
    """How a :class:`ChannelError` lost the cell: "timeout", "running" or "not run"."""
    if error.earlier:
        return "not run"
    return "timeout" if error.timed_out else "running"


def _run_trusted(cell, namespace, trusted):
    """Run a set-up cell in the checker too, if it reads only what trusted cells bound."""
    try:
        bound, read_first = global_names(cell.source)
    except SyntaxError:
        return
    if not read_first <= trusted:
        return
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            exec(compile(cell.source, f"<cell {cell.index}>", "exec"), namespace)
        except Exception:  # the student's run of the same cell shows the error
            return
    trusted |= bound
