"""Run a notebook's code cells in this process, as a Jupyter kernel would, into nbformat outputs.

This is the kernel of :mod:`mlkit.grading.zygote`: a process that has already
imported NumPy, TensorFlow and mlkit forks, and the child runs one student's
notebook here with an IPython shell, so that no submission pays the start-up
of an interpreter and of its libraries. Each cell gets the outputs a Jupyter
kernel would give it (streams, ``execute_result``, ``display_data`` and
``error`` with IPython's traceback), so that nbgrader's own preprocessors
grade the result as if ``nbclient`` had run it.

Student code is not trusted, and these guards apply inside the process (the
sandbox around it is :mod:`mlkit.grading.sandbox`'s job):

- **Time.** Each cell runs under a ``SIGALRM`` timer: a cell that runs too long
  is interrupted with :class:`CellTimeoutError`, its error is recorded and the
  next cell runs, as nbgrader's ``interrupt_on_timeout`` does. (A cell that
  blocks the signal is stopped from outside, by the zygote.)
- **Output.** A cell's text output is cut at ``max_output_bytes``.

Nothing here protects the checks: test cells never run in this process. They
run in a trusted checker (:mod:`mlkit.grading.checker`) that reaches the
student's names through :meth:`Runner.serve`, so that whatever a submission
patches here (NumPy, IPython's hooks, the import system) cannot change a grade.
"""

import contextlib
import io
import signal
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

__all__ = ["CellTimeoutError", "Runner"]

class CellTimeoutError(Exception):
    """Raised inside a cell that ran longer than the time limit."""


class _Outputs:
    """The outputs of the running cell, in nbformat's JSON form, with a size limit for text."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.items = []
        self.text_bytes = 0
        self.truncated = False

    def stream(self, name, text):
        if self.truncated:
            return
        room = self.max_bytes - self.text_bytes
        data = text.encode("utf-8", "replace")
        if len(data) > room:
            text = data[:max(room, 0)].decode("utf-8", "ignore")
            text += (f"\n[output truncated: this cell printed more than {self.max_bytes} bytes; "
                     "the rest was dropped]\n")
            self.truncated = True
        self.text_bytes += len(data)
        if self.items and self.items[-1].get("output_type") == "stream" \
                and self.items[-1]["name"] == name:
            self.items[-1]["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, item):
        size = sum(len(str(v)) for v in item.get("data", {}).values())
        if self.text_bytes + size > self.max_bytes:
            self.stream("stderr", "[a display output was dropped: it is larger than the limit]\n")
            return
        self.text_bytes += size
        self.items.append(item)


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr for student code: writes become stream outputs."""

    def __init__(self, runner, name):
        self.runner, self.name = runner, name

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.runner.outputs is not None:
            self.runner.outputs.stream(self.name, text)
        return len(text)

    def isatty(self):
        return False


class _DisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                **kwargs):
        runner = self.shell.mlkit_runner
        if runner.outputs is not None:
            runner.outputs.rich({"output_type": "display_data", "data": data,
                                 "metadata": metadata or {}})

    def clear_output(self, wait=False):
        runner = self.shell.mlkit_runner
        if runner.outputs is not None:
            runner.outputs.items.clear()


class _DisplayHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        runner = self.shell.mlkit_runner
        if runner.outputs is not None:
            runner.outputs.rich({"output_type": "execute_result", "data": format_dict,
                                 "metadata": md_dict or {},
                                 "execution_count": self.shell.execution_count})

    def finish_displayhook(self):
        pass


class _Shell(InteractiveShell):
    """IPython's shell with its displays and tracebacks turned into nbformat outputs."""

    def _showtraceback(self, etype, evalue, stb):
        runner = self.mlkit_runner
        if runner.outputs is not None:
            ename = getattr(etype, "__name__", str(etype))
            runner.outputs.rich({"output_type": "error", "ename": ename, "evalue": str(evalue),
                                 "traceback": list(stb)})

    def init_io(self):  # keep our streams
        pass


class Runner:
    """Runs the code cells of one notebook, one after the other, in one IPython shell.

    Args:
        timeout: seconds each cell may run before :class:`CellTimeoutError` interrupts it.
        max_output_bytes: the most text output kept per cell.
    """

    def __init__(self, *, timeout=120, max_output_bytes=1_000_000):
        self.timeout = timeout
        self.outputs = None
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.xmode = "Context"
        # .instance(), so that get_ipython() finds it (matplotlib's inline backend does)
        self.shell = _Shell.instance(config=config, displayhook_class=_DisplayHook,
                                     display_pub_class=_DisplayPublisher)
        self.shell.mlkit_runner = self
        self.max_output_bytes = max_output_bytes

    def configure(self, *, timeout, max_output_bytes):
        """Set the limits for the notebook about to run."""
        self.timeout = timeout
        self.max_output_bytes = max_output_bytes

    def _on_alarm(self, signum, frame):
        raise CellTimeoutError(f"this cell ran for more than {self.timeout} s, the time limit "
                               "of a cell when the notebook is graded")

    def run_cell(self, source):
        """Run one cell's source; return its outputs as a list of nbformat output dicts."""
        outputs = self.outputs = _Outputs(self.max_output_bytes)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        try:
            with self.time_limit():
                self.shell.run_cell(source, store_history=True)
        except BaseException as error:  # an exception the shell let through (e.g. in a hook)
            outputs.rich({"output_type": "error", "ename": type(error).__name__,
                          "evalue": str(error), "traceback": [repr(error)]})
        finally:
            sys.stdout, sys.stderr = saved
        self.outputs = None
        return outputs.items

    def serve(self, sock):
        """Serve a trusted checker's requests on ``sock`` until it closes the channel.

        The checker (:mod:`mlkit.grading.checker`) sends the cells to run, then
        asks for names and calls; see :class:`mlkit.grading.channel.StudentPeer`.
        """
        from mlkit.grading.channel import StudentPeer

        def run_cell(source):
            outputs = self.run_cell(source)
            return outputs, self.shell.execution_count - 1

        StudentPeer(sock, self.shell.user_ns, run_cell, self.time_limit).serve()

    @contextlib.contextmanager
    def time_limit(self):
        """Interrupt the block with :class:`CellTimeoutError` after the cell's time limit."""
        saved = signal.getsignal(signal.SIGALRM)
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, saved)

    def run(self, notebook, on_cell=None):
        """Run every code cell of ``notebook`` (an nbformat dict) in place.

        Args:
            notebook: the notebook, as a dict in nbformat 4; its code cells get
                ``outputs`` and ``execution_count``.
            on_cell: optional ``on_cell(index, cell)`` called before (with
                ``cell["outputs"] is None``) and after each code cell.

        Returns:
            The notebook.
        """
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["outputs"] = None
            if on_cell:
                on_cell(index, cell)
            cell["outputs"] = self.run_cell(source)
            cell["execution_count"] = self.shell.execution_count - 1
            if on_cell:
                on_cell(index, cell)
        return notebook
