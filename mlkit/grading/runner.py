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
- **The checks themselves.** Before every graded test cell, :class:`Pristine`
  puts back what a submission may have monkeypatched so that wrong answers
  pass: the attributes, and the code of every function and method, of the
  modules the tests rely on (``numpy``, ``numpy.testing``, ``mlkit.testing``,
  ``builtins``...), their entries in ``sys.modules``, the import system, and the
  names that locked cells bound in the notebook's namespace (such as ``np``).

Hidden tests run only when a notebook is graded, and leave no trace: after a
test cell, the names its hidden part bound (its ``check``, its own ``X``...)
get back the values they had when the hidden part began, or are removed if
they had none. The cells after it then see the namespace the student's own
run gave them: a student's function called ``check``, or their own ``X``,
is the same when graded as when they ran the notebook.
"""

import builtins
import contextlib
import importlib
import io
import signal
import sys
import types

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from mlkit.grading.hidden import BEGIN, global_names, split

__all__ = ["CellTimeoutError", "Pristine", "Runner"]

PROTECTED_MODULES = ("builtins", "math", "numpy", "numpy.testing", "mlkit", "mlkit.testing",
                     "mlkit.grading.runner", "IPython.core.interactiveshell",
                     "IPython.core.displayhook", "IPython.core.displaypub")


# the name the grader's hook has in the notebook while a test cell with hidden tests runs
HIDDEN_HOOK = "_mlkit_hidden_tests_begin"
_MISSING = object()


class CellTimeoutError(Exception):
    """Raised inside a cell that ran longer than the time limit."""


class Pristine:
    """A snapshot of modules, to undo a submission's monkeypatching before each check.

    Args:
        names: the modules to protect (those not imported are skipped); their
            sub-modules already in ``sys.modules`` are protected too.
    """

    def __init__(self, names=PROTECTED_MODULES):
        for name in names:  # a module first imported by a submission would not be protected
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        self.modules = {}
        for name in list(sys.modules):
            if any(name == n or name.startswith(n + ".") for n in names) \
                    and name != "mlkit" and isinstance(sys.modules[name], types.ModuleType):
                self.modules[name] = sys.modules[name]
        if "mlkit" in sys.modules:  # the package itself, not its backends, which tests don't use
            self.modules["mlkit"] = sys.modules["mlkit"]
        self.attributes = {name: dict(vars(module)) for name, module in self.modules.items()}
        self.functions = {}
        self.classes = {}
        for module_name, attributes in self.attributes.items():
            for value in attributes.values():
                if isinstance(value, types.FunctionType):
                    self._remember_function(value)
                elif isinstance(value, type) and value.__module__ == module_name:
                    self.classes[value] = dict(vars(value))
                    for member in vars(value).values():
                        function = getattr(member, "__func__", member)
                        if isinstance(function, types.FunctionType):
                            self._remember_function(function)
        self.meta_path = list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.import_function = builtins.__import__

    def _remember_function(self, function):
        self.functions[function] = (function.__code__, function.__defaults__,
                                    function.__kwdefaults__)

    def restore(self, namespace=None, bindings=None):
        """Put everything back as it was at the snapshot.

        Args:
            namespace: the notebook's namespace, whose ``__builtins__`` is reset.
            bindings: mapping name -> value that must hold again in ``namespace``.
        """
        for name, module in self.modules.items():
            sys.modules[name] = module
            current = vars(module)
            saved = self.attributes[name]
            for key in [key for key in current if key not in saved
                        and not _is_submodule(current[key], name, key)]:
                del current[key]
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value:
                    current[key] = value
        for cls, saved in self.classes.items():
            for key in [key for key in vars(cls) if key not in saved]:
                with contextlib.suppress(AttributeError, TypeError):
                    delattr(cls, key)
            for key, value in saved.items():
                if vars(cls).get(key, _MISSING) is not value:
                    with contextlib.suppress(AttributeError, TypeError):
                        setattr(cls, key, value)
        for function, (code, defaults, kwdefaults) in self.functions.items():
            if function.__code__ is not code:
                function.__code__ = code
            function.__defaults__ = defaults
            function.__kwdefaults__ = kwdefaults
        sys.meta_path[:] = self.meta_path
        sys.path_hooks[:] = self.path_hooks
        builtins.__import__ = self.import_function
        sys.setprofile(None)
        sys.settrace(None)
        if namespace is not None:
            namespace["__builtins__"] = builtins
            for name, value in (bindings or {}).items():
                namespace[name] = value


def _is_submodule(value, package, key):
    """True for the attribute that importing ``package.key`` sets: it must stay."""
    return isinstance(value, types.ModuleType) and value.__name__ == f"{package}.{key}"


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


def _hooked(source):
    """A test cell's source with a call to the hidden-tests hook, and the names to undo.

    The call, ``_mlkit_hidden_tests_begin()``, goes on the line of the
    ``### BEGIN HIDDEN TESTS`` marker, so that the cell's line numbers do not
    change; it records the values, at that moment, of the names the hidden part
    binds (and the code after it does not bind again).

    Returns:
        ``(source, names)``; the source unchanged and no names when the cell has
        no hidden part, or one the hook cannot be put into.
    """
    try:
        part = split(source)
        if not part.has_hidden:
            return source, set()
        names = global_names(part.hidden)[0] - global_names(part.after)[0]
        lines = source.split("\n")
        marker = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
        lines[marker] = f"{HIDDEN_HOOK}()  {BEGIN}"
        hooked = "\n".join(lines)
        global_names(hooked)  # still valid Python
    except (ValueError, SyntaxError):
        return source, set()
    return hooked, names


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


class Runner:
    """Runs the code cells of one notebook, one after the other, in one IPython shell.

    Args:
        timeout: seconds each cell may run before :class:`CellTimeoutError` interrupts it.
        max_output_bytes: the most text output kept per cell.
        pristine: the :class:`Pristine` snapshot to restore before each graded test
            cell; None protects nothing.
    """

    def __init__(self, *, timeout=120, max_output_bytes=1_000_000, pristine=None):
        self.timeout = timeout
        self.outputs = None
        self.pristine = pristine
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.xmode = "Context"
        # .instance(), so that get_ipython() finds it (matplotlib's inline backend does)
        self.shell = _Shell.instance(config=config, displayhook_class=_DisplayHook,
                                     display_pub_class=_DisplayPublisher)
        self.shell.mlkit_runner = self
        self.max_output_bytes = max_output_bytes
        self.bindings = {}
        # what a submission could rebind on these two objects to hide its failures
        self._own_state = dict(vars(self))
        self._shell_state = {key: value for key, value in vars(self.shell).items()
                             if callable(value) or key in {"displayhook", "display_pub"}}

    def configure(self, *, timeout, max_output_bytes):
        """Set the limits for the notebook about to run (they are restored with the rest)."""
        self.timeout = timeout
        self.max_output_bytes = max_output_bytes
        self._own_state.update(timeout=timeout, max_output_bytes=max_output_bytes)

    def _restore_own_state(self):
        for key, value in self._own_state.items():
            if key != "outputs":
                vars(self)[key] = value
        for key in [key for key in vars(self.shell) if key in dir(type(self.shell))
                    and key not in self._shell_state and callable(vars(self.shell)[key])]:
            del vars(self.shell)[key]
        vars(self.shell).update(self._shell_state)

    def _on_alarm(self, signum, frame):
        raise CellTimeoutError(f"this cell ran for more than {self.timeout} s, the time limit "
                               "of a cell when the notebook is graded")

    def run_cell(self, source, *, test=False):
        """Run one cell's source; return its outputs as a list of nbformat output dicts.

        A test cell (``test=True``) first gets back the pristine state, and the
        names its hidden part binds are put back as they were before it, once it ran.
        """
        if test and self.pristine is not None:
            self._restore_own_state()
            self.pristine.restore(self.shell.user_ns, self.bindings)
        source, hidden_names = _hooked(source) if test else (source, set())
        before_hidden = {}
        if hidden_names:
            namespace = self.shell.user_ns

            def hook():  # the first call counts: the marker's, unless a submission called it first
                for name in hidden_names:
                    before_hidden.setdefault(name, namespace.get(name, _MISSING))

            namespace[HIDDEN_HOOK] = hook
        try:
            return self._run_source(source)
        finally:
            if hidden_names:
                self._undo_hidden(before_hidden)

    def _undo_hidden(self, before_hidden):
        """Give back to the names the hidden part bound the values they had before it."""
        namespace = self.shell.user_ns
        namespace.pop(HIDDEN_HOOK, None)
        for name, value in before_hidden.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value

    def _run_source(self, source):
        outputs = self.outputs = _Outputs(self.max_output_bytes)
        saved = sys.stdout, sys.stderr, signal.getsignal(signal.SIGALRM)
        sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            self.shell.run_cell(source, store_history=True)
        except BaseException as error:  # an exception the shell let through (e.g. in a hook)
            outputs.rich({"output_type": "error", "ename": type(error).__name__,
                          "evalue": str(error), "traceback": [repr(error)]})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, saved[2])
            sys.stdout, sys.stderr = saved[0], saved[1]
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

        Locked cells that are not solutions (the setup cells) record the names
        they bind to modules, which test cells get back before they run.

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
            meta = _nbgrader(cell)
            test = bool(meta.get("grade")) and not meta.get("solution")
            cell["outputs"] = None
            if on_cell:
                on_cell(index, cell)
            before = dict(self.shell.user_ns)
            cell["outputs"] = self.run_cell(source, test=test)
            cell["execution_count"] = self.shell.execution_count - 1
            if meta.get("locked") and not meta.get("solution") and not test:
                for name, value in self.shell.user_ns.items():
                    if isinstance(value, types.ModuleType) and before.get(name) is not value:
                        self.bindings[name] = value
            if on_cell:
                on_cell(index, cell)
        return notebook
