"""Sandboxed, pre-warmed workers that execute student notebooks.

A :class:`Worker` is one :mod:`mlkit.grading.zygote` process inside a
bubblewrap sandbox (``bwrap``, Debian package ``bubblewrap``): its own user, PID,
network, IPC and mount namespaces; a file system that holds only the system's
``/usr``, the Python installation, the ``mlkit`` package and the data
directory, all read-only, and an empty ``/tmp``. The course directory
(``solutions/``, the gradebook, the other submissions) is not in it, and there
is no network. A cgroup (when this process may create one) or
``RLIMIT_NPROC`` caps the number of processes; ``RLIMIT_AS`` caps memory.

:class:`Pool` runs several workers side by side and grades notebooks on
whichever is free. Without ``bwrap`` a worker can still run with
``sandbox=False``, but then the submission runs as you, next to your files:
:func:`protections` says what is on and off, and the command-line tool refuses
to go on unless told to.
"""

import contextlib
import itertools
import json
import os
import queue
import shutil
import signal
import site
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import mlkit

__all__ = ["Pool", "SandboxError", "Worker", "execute", "protections", "run_on",
           "worker_environment"]

# What each kind of zygote imports before any job (TensorFlow is added when an assignment needs it)
STUDENT_MODULES = ("numpy", "mlkit", "mlkit.datasets")
CHECKER_MODULES = ("numpy", "mlkit.testing", "mlkit.numpy", "mlkit.grading.checker")
SANDBOX_HOME = "/tmp/home"
# one thread per numerical library: the pool already runs one worker per CPU
_THREAD_COUNTS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                  "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
_counter = itertools.count()


class SandboxError(RuntimeError):
    """The sandbox could not be started, or a worker stopped answering."""


def _pids_cgroup_root():
    """A writable cgroup directory whose children get a ``pids.max`` control, or None."""
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").exists() and os.access(v1, os.W_OK):
        return v1
    v2 = Path("/sys/fs/cgroup")
    with contextlib.suppress(OSError):
        if "pids" in (v2 / "cgroup.subtree_control").read_text().split() \
                and os.access(v2, os.W_OK):
            return v2
    return None


def protections():
    """What protects the instructor from a submission on this machine.

    Returns:
        dict with "sandbox" (bwrap found and working: isolated files, no network,
        own PIDs), "process_limit" ("cgroup", "rlimit" or None) and "memory_limit"
        ("rlimit"), each a value or None when that protection is off, and
        "missing", a list of sentences naming what is off and why.
    """
    bwrap = shutil.which("bwrap")
    works = False
    if bwrap:
        probe = subprocess.run([bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"],
                               capture_output=True, text=True, check=False)
        works = probe.returncode == 0
    process_limit = "cgroup" if os.geteuid() == 0 and _pids_cgroup_root() else (
        "rlimit" if os.geteuid() != 0 else None)
    missing = []
    if not bwrap:
        missing.append("bubblewrap (bwrap) is not installed: submissions would run as you, "
                       "able to read the solutions, the gradebook and other submissions, and "
                       "to use the network (install the Debian package `bubblewrap`)")
    elif not works:
        missing.append(f"bubblewrap is installed but cannot create namespaces here "
                       f"({probe.stderr.strip()}): enable unprivileged user namespaces")
    if process_limit is None:
        missing.append("no process limit: running as root, RLIMIT_NPROC does not apply and "
                       "no writable pids cgroup was found, so a fork bomb is not contained")
    return {"sandbox": bwrap if works else None, "process_limit": process_limit,
            "memory_limit": "rlimit", "missing": missing}


def _count_processes(uid):
    """Processes and threads of ``uid`` now (RLIMIT_NPROC counts both)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += sum(1 for _ in (entry / "task").iterdir())
    return count


def _import_path():
    """The folder to put on the worker's ``PYTHONPATH`` so that it imports this very mlkit.

    None when the interpreter finds it anyway (mlkit installed in site-packages).
    An editable install or a source checkout on the grader's ``PYTHONPATH`` needs
    it: the worker inherits nothing from the grader's environment.
    """
    root = Path(mlkit.__file__).resolve().parent.parent
    sites = {Path(p).resolve() for p in [*site.getsitepackages(), site.getusersitepackages()]}
    return None if root in sites else root


def worker_environment(*, sandbox, data_dir=None, scratch=None):
    """The whole environment of a grading worker: an allow-list, nothing inherited.

    Nothing of the instructor's shell (a database password, a cloud token)
    reaches student code, whose printed output goes into its feedback.

    Args:
        sandbox: True for a worker inside bubblewrap, False for an unsandboxed one.
        data_dir: the data directory (``MLKIT_DATA_DIR``), or None.
        scratch: the unsandboxed worker's writable folder (its ``/tmp``).

    Returns:
        dict of every variable the worker's processes get.
    """
    home = SANDBOX_HOME if sandbox else str(Path(scratch) / "home")
    path_dirs = [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    env = {"HOME": home, "PATH": os.pathsep.join(dict.fromkeys(path_dirs)),
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONUNBUFFERED": "1",
           "PYTHONNOUSERSITE": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           **dict.fromkeys(_THREAD_COUNTS, "1")}
    if sandbox:
        env["MLKIT_GRADING_SANDBOX"] = "1"  # the zygote may kill every process in the sandbox
    else:
        env["MLKIT_GRADING_SCRATCH"] = env["TMPDIR"] = str(scratch)
    if data_dir:
        env["MLKIT_DATA_DIR"] = str(data_dir)
    if os.environ.get("MLKIT_BOOK_URL"):  # the course's public book, linked from messages
        env["MLKIT_BOOK_URL"] = os.environ["MLKIT_BOOK_URL"]
    if (folder := _import_path()) is not None:
        env["PYTHONPATH"] = str(folder)
    return env


# What of the mlkit package the students' processes may import: no reference
# implementation (mlkit.numpy, mlkit.tensorflow, mlkit.testing and its mistake
# tables), so that no route leads a submission to the course's answers.
STUDENT_PACKAGE = ("__init__.py", "datasets", "grading", "plotting.py")


def _bwrap_command(bwrap, python, modules, data_dir, env, control):
    """The bwrap command line of a worker; ``env`` is all its environment (``--clearenv``)."""
    package = Path(mlkit.__file__).resolve().parent
    command = [bwrap, "--die-with-parent", "--unshare-all", "--new-session",
               "--uid", "65534", "--gid", "65534",
               "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
               "--tmpfs", "/tmp", "--chdir", "/tmp", "--clearenv"]
    for name, value in sorted(env.items()):
        command += ["--setenv", name, value]
    for name in ("lib", "lib32", "lib64", "bin", "sbin"):
        if Path("/" + name).is_symlink():
            command += ["--symlink", os.readlink("/" + name), "/" + name]
        elif Path("/" + name).is_dir():
            command += ["--ro-bind", "/" + name, "/" + name]
    for path in ("/etc/fonts", "/etc/ld.so.cache", "/etc/localtime", "/etc/ssl"):
        command += ["--ro-bind-try", path, path]
    for path in sorted({Path(sys.base_prefix), Path(sys.prefix)}):
        command += ["--ro-bind", str(path), str(path)]
    command += ["--tmpfs", str(package)]  # hides a copy installed in site-packages, too
    for name in STUDENT_PACKAGE:
        command += ["--ro-bind", str(package / name), str(package / name)]
    if data_dir:
        command += ["--ro-bind", str(data_dir), str(data_dir)]
    return [*command, python, "-m", "mlkit.grading.zygote", "--control", str(control), *modules]


class _Zygote:
    """One zygote process (:mod:`mlkit.grading.zygote`) and its pipes, control socket and log."""

    def __init__(self, command, *, env, cwd=None, preexec=None):
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.ready = False
        self.control, theirs = socket.socketpair()
        try:  # "{control}" in the command is the number of the zygote's end of the socket
            self.process = subprocess.Popen(
                [part.replace("{control}", str(theirs.fileno())) for part in command],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env,
                cwd=cwd, text=True, bufsize=1, preexec_fn=preexec, pass_fds=[theirs.fileno()])
        finally:
            theirs.close()

    def wait_ready(self, what):
        if self.ready:
            return
        ready = self.read()
        if ready is None or ready.get("event") != "ready":
            raise SandboxError(f"the {what} did not start: {self.stderr()[-2000:]}")
        self.ready = True

    def read(self):
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def send(self, job, sock):
        """Send a job and its end of the channel; False if the zygote is gone."""
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            socket.send_fds(self.control, [b"J"], [sock.fileno()])
        except (BrokenPipeError, ConnectionError):
            return False
        return True

    def say(self, line):
        with contextlib.suppress(BrokenPipeError, ConnectionError, ValueError):
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def close(self):
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.control.close()
        self.log.close()


class Worker:
    """A pre-warmed student zygote, in a sandbox unless ``sandbox=False``, and its checker.

    Each notebook runs in two processes: the student's cells in a child of the
    sandboxed zygote, the test cells in a child of the checker zygote, which
    runs outside the sandbox with the course's checks and references and
    reaches the student's child only through the channel of
    :mod:`mlkit.grading.channel` (see :mod:`mlkit.grading.checker`).

    Args:
        modules: modules the student zygote imports before any submission runs
            (include "tensorflow" for assignments that use it: that is where the
            time goes). mlkit's reference implementations are not in its sandbox.
        checker_modules: modules the checker zygote imports.
        sandbox: run the students' code inside bubblewrap (the default); False
            runs it unconfined, for machines without bwrap, when you accept the risk.
        data_dir: a data directory to mount read-only as ``MLKIT_DATA_DIR``
            (default: the ``MLKIT_DATA_DIR`` of this process, if set).
        max_processes: the most processes and threads a submission may have.
    """

    def __init__(self, modules=STUDENT_MODULES, *, checker_modules=CHECKER_MODULES,
                 sandbox=True, data_dir=None, max_processes=512, wait=True):
        self.modules = list(modules)
        self.checker_modules = list(checker_modules)
        self.sandbox = sandbox
        self.data_dir = data_dir or os.environ.get("MLKIT_DATA_DIR")
        self.max_processes = max_processes
        self.student = self.checker = None
        self.cgroup = None
        self.start(wait=wait)

    @property
    def process(self):
        """The student zygote's process (the sandbox)."""
        return self.student.process if self.student else None

    @property
    def log(self):
        return self.student.log if self.student else None

    def start(self, wait=True):
        """Start both zygotes; with ``wait``, wait until they have imported their modules.

        The thread that starts a worker must outlive it: the sandbox dies with
        the thread that made it (``--die-with-parent``).
        """
        if self.checker is None:
            self.checker = _Zygote([sys.executable, "-m", "mlkit.grading.zygote", "--checker",
                                    "--control", "{control}", *self.checker_modules],
                                   env=dict(os.environ, PYTHONUNBUFFERED="1",
                                            TF_CPP_MIN_LOG_LEVEL="2"))
        self._start_student()
        if wait:
            self.wait_ready()

    def _start_student(self):
        preexec = None
        workdir = None
        if self.sandbox:
            bwrap = shutil.which("bwrap")
            if not bwrap:
                raise SandboxError("bubblewrap (bwrap) is not installed; install the Debian "
                                   "package `bubblewrap`, or accept running unsandboxed")
            # bwrap itself gets the allow-list too: its environment stays readable as
            # /proc/1/environ inside the sandbox
            env = worker_environment(sandbox=True, data_dir=self.data_dir)
            command = _bwrap_command(bwrap, sys.executable, self.modules, self.data_dir, env,
                                     "{control}")
            root = _pids_cgroup_root() if os.geteuid() == 0 else None
            if root is not None:
                self.cgroup = root / f"mlkit-grading-{os.getpid()}-{next(_counter)}"
                self.cgroup.mkdir(exist_ok=True)
                (self.cgroup / "pids.max").write_text(str(self.max_processes))
                procs = str(self.cgroup / "cgroup.procs")

                def preexec():
                    with open(procs, "w") as f:
                        f.write(str(os.getpid()))
        else:
            workdir = tempfile.mkdtemp(prefix="mlkit-grading-")
            env = worker_environment(sandbox=False, data_dir=self.data_dir, scratch=workdir)
            command = [sys.executable, "-m", "mlkit.grading.zygote", "--control", "{control}",
                       *self.modules]
        self.student = _Zygote(command, env=env, cwd=workdir, preexec=preexec)

    def wait_ready(self):
        """Wait until both zygotes have imported their modules, or raise :class:`SandboxError`."""
        self.student.wait_ready("grading worker")
        self.checker.wait_ready("checker")

    def stderr(self):
        """What the student zygote printed on stderr (import warnings, crashes), as text."""
        return self.student.stderr()

    def limits(self):
        """The resource limits each child sets before it runs student code."""
        limits = {"memory_bytes": 4 * 2**30, "file_bytes": 100 * 2**20}
        if self.sandbox and self.cgroup is None and os.geteuid() != 0:
            limits["processes"] = _count_processes(os.geteuid()) + self.max_processes
        return limits

    def run(self, cells, *, timeout=120, files=None, language="en", texts=None):
        """Run a notebook's code cells: the student's in the sandbox, the tests in the checker.

        Args:
            cells: list of dicts with "index", "source" and "nbgrader" (the cell's metadata).
            timeout: seconds per cell.
            files: optional dict relative path -> base64 content, written in the
                child's working directory first.
            language: the language of the test cells' messages, ``"en"`` or ``"ko"``
                (:func:`mlkit.messages.language.of_submission`).
            texts: the translations of the test cells' texts
                (:func:`mlkit.grading.test_texts.table`), or None to leave them as written.

        Returns:
            ``(results, status, reason)``: results maps a cell index to
            ``{"outputs", "execution_count", "checks", "failure"}`` (see
            :class:`mlkit.grading.checker.CellResult`); status is "ok" or
            "died", with ``reason`` saying what happened to the student's
            process. A sandbox whose processes were all killed (a submission
            that kills every process it can) is started again for the next job.

        Raises:
            SandboxError: when the checker itself failed.
        """
        student_job = {"timeout": timeout, "files": files or {}, "limits": self.limits()}
        ours, theirs = socket.socketpair()
        try:
            sent = self.student.send(student_job, theirs)
            if not self.checker.send({"timeout": timeout, "cells": cells, "files": files or {},
                                      "language": language, "texts": texts}, ours):
                raise SandboxError(f"the checker had stopped: {self.checker.stderr()[-1000:]}")
        finally:
            ours.close()
            theirs.close()
        results, ends = None, []
        while (message := self.checker.read()) is not None and message["event"] != "done":
            if message["event"] == "result":
                results = {cell["index"]: cell for cell in message["cells"]}
            elif message["event"] == "respawn":  # the student's process ended: a fresh one
                ends.append(self._end_student_job(sent))
                ours, theirs = socket.socketpair()
                sent = self.student.send(student_job, theirs)
                socket.send_fds(self.checker.control, [b"S"], [ours.fileno()])
                ours.close()
                theirs.close()
        if results is None:
            reason = f"the checker stopped: {self.checker.stderr()[-2000:]}"
            self._restart_checker()
            raise SandboxError(reason)
        ends.append(self._end_student_job(sent))
        lost = [results[c["index"]] for c in cells if results.get(c["index"], {}).get("lost")]
        status, reason = next(((s, r) for s, r in ends if s != "ok"), ends[-1])
        if status == "killed":
            reason = ("every process of the submission's sandbox was killed{where} (by the "
                      "submission's own code, or for lack of memory)")
        elif lost and lost[0]["lost"] == "timeout":
            reason = (f"the submission's process was stopped{{where}}: the cell ran past the time "
                      f"limit of {timeout} s and could not be interrupted")
        elif lost and status == "ok":
            reason = "the submission's process stopped{where}"
        elif lost:
            reason = reason + "{where}"
        if lost or status != "ok":
            status = "died"
            _explain(lost, reason.format(where=""), timeout)
            reason = reason.format(where=f" while cell {lost[0]['index']} ran" if lost else "")
        return results, status, reason

    def _end_student_job(self, sent):
        """Stop the student's child of the current job; ``(status, reason)`` of its end.

        The status is "killed" when the zygote itself was killed (it is started again).
        """
        self.student.say("stop")
        done = self.student.read() if sent else None
        if done is None:
            self._restart_student()
            return "killed", None
        return done["status"], done.get("reason")

    def _restart_student(self):
        self.student.close()
        if self.cgroup is not None:
            self._remove_cgroup()
        self._start_student()
        self.student.wait_ready("grading worker")

    def _restart_checker(self):
        self.checker.close()
        self.checker = None
        self.start()

    def restart(self):
        """Stop both zygotes, whatever their state, and start fresh ones."""
        self.close()
        self.start()

    def close(self):
        """Stop both zygotes and remove the cgroup."""
        for zygote in (self.student, self.checker):
            if zygote is not None:
                zygote.close()
        self.student = self.checker = None
        if self.cgroup is not None:
            self._remove_cgroup()

    def _remove_cgroup(self):
        """Kill whatever is left in the worker's cgroup, then remove it (it must be empty)."""
        for _ in range(200):
            with contextlib.suppress(OSError):
                for pid in (self.cgroup / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
            try:
                self.cgroup.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # busy until the killed processes are gone
                time.sleep(0.01)
        self.cgroup = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _explain(lost, reason, timeout):
    """Give each cell the student's process did not complete the error that says why."""
    for result in lost:
        if result["lost"] == "timeout":
            error = ("CellTimeoutError", f"this cell ran for more than {timeout} s, the time "
                                         "limit of a cell when the notebook is graded, and could "
                                         "not be interrupted")
        elif result["lost"] == "running":
            error = ("DeadKernelError", f"{reason} while running this cell")
        else:
            error = ("DeadKernelError", f"not run: {reason} in an earlier cell")
        result["outputs"] = [o for o in result["outputs"] if o.get("output_type") != "error"]
        result["outputs"].append({"output_type": "error", "ename": error[0], "evalue": error[1],
                                  "traceback": [f"{error[0]}: {error[1]}"]})


def _cells(notebook):
    return [{"index": index, "source": cell["source"] if isinstance(cell["source"], str)
             else "".join(cell["source"]), "nbgrader": cell.get("metadata", {}).get("nbgrader", {})}
            for index, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"]


def execute(notebook, worker, *, timeout=120, files=None):
    """Execute a notebook (an nbformat node or dict) on a worker; fill in its outputs in place.

    Every code cell gets outputs: a cell that could not run because the
    student's process died before it gets an error output saying so, so that
    nbgrader never mistakes a test cell that did not run for one that passed.
    Each test cell's named checks are recorded, as data, in its metadata
    (``mlkit.checks``, and ``mlkit.failure`` when it failed). The test cells'
    messages are in the language of the notebook's release
    (:func:`mlkit.messages.language.of_submission`); what is recorded is not.
    The translations of the test cells' texts are those the grader put in the
    notebook's metadata (:func:`mlkit.grading.test_texts.attach`).

    Returns:
        ``(status, reason)`` as from :meth:`Worker.run`.
    """
    # imported here: the student's zygote imports this module, and has no mlkit.messages
    from mlkit.grading.test_texts import METADATA_KEY
    from mlkit.messages.language import of_submission

    # the grader's (test_texts.attach); a notebook given as bare cells has none
    texts = notebook.get("metadata", {}).pop(METADATA_KEY, None)
    results, status, reason = worker.run(_cells(notebook), timeout=timeout, files=files,
                                         language=of_submission(notebook), texts=texts)
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            result = results.get(index) or {"outputs": [{
                "output_type": "error", "ename": "DeadKernelError",
                "evalue": f"not run: {reason}", "traceback": [f"not run: {reason}"]}],
                "execution_count": None}
            cell["outputs"] = result["outputs"]
            cell["execution_count"] = result["execution_count"]
            # the checks' records are the checker's, never what the notebook held
            cell.setdefault("metadata", {}).pop("mlkit", None)
            if result.get("checks") or result.get("failure"):
                cell["metadata"]["mlkit"] = {
                    "checks": result.get("checks", []), "failure": result.get("failure")}
    return status, reason


def run_on(worker, notebook, timeout):
    """Execute ``notebook`` (a dict, changed in place) on ``worker``; its results as data.

    Returns:
        ``(cells, status, reason)``: for each code cell in order, its outputs,
        execution count and checker results (``mlkit`` metadata, or None); the
        status and reason of :func:`execute`.
    """
    status, reason = execute(notebook, worker, timeout=timeout)
    return [(cell["outputs"], cell["execution_count"], cell.get("metadata", {}).get("mlkit"))
            for cell in notebook["cells"] if cell["cell_type"] == "code"], status, reason


class Pool:
    """Several workers, each serving notebooks from one queue; :meth:`submit` returns a future.

    Args:
        workers: the number of zygotes (default: the number of CPUs).
        **kwargs: passed to each :class:`Worker`.
    """

    def __init__(self, workers=None, **kwargs):
        count = workers or os.cpu_count() or 1
        self.workers = []
        self.queue = queue.Queue()
        try:  # started here, in the thread that owns the pool, and warmed up side by side
            for _ in range(count):
                self.workers.append(Worker(**kwargs, wait=False))
            for worker in self.workers:
                worker.wait_ready()
        except Exception:
            self.close()
            raise
        self.threads = [threading.Thread(target=self._serve, args=(w,), daemon=True)
                        for w in self.workers]
        for thread in self.threads:
            thread.start()

    def _serve(self, worker):
        while (item := self.queue.get()) is not None:
            future, function = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function(worker))
                except Exception as error:  # the caller gets it from the future
                    future.set_exception(error)

    def submit(self, function):
        """Run ``function(worker)`` on the next free worker; return its ``Future``."""
        future = Future()
        self.queue.put((future, function))
        return future

    def close(self):
        """Stop every worker (after the work already submitted)."""
        for _ in getattr(self, "threads", []):
            self.queue.put(None)
        for thread in getattr(self, "threads", []):
            thread.join()
        for worker in self.workers:
            worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
