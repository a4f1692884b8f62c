"""Pre-warmed fork servers: one for the students' code, in the sandbox, one for the checker.

Run as ``python -m mlkit.grading.zygote [--checker] --control FD MODULE...``.
A zygote imports the given modules (NumPy, mlkit, TensorFlow...) once, says
``ready``, then serves jobs read from its standard input, one JSON object per
line, each with a connected socket passed on the control socket ``FD``
(``SCM_RIGHTS``). For each job it forks a child that starts from the zygote's
memory as it was before any job ran, so nothing passes from one submission to
the next.

- The **student zygote** runs in the sandbox. Its child writes the
  submission's files, sets its limits and serves the checker's requests on
  the job's socket (:meth:`mlkit.grading.runner.Runner.serve`): it runs the
  student's cells and answers for the student's names. When the parent sends
  ``stop`` (the checker is done) or the child ends, the zygote kills every
  process left in the sandbox's PID namespace and empties the writable
  directories, then says ``done`` with the child's fate.
- The **checker zygote** runs outside the sandbox, trusted, with the course's
  checks imported. Its child runs :func:`mlkit.grading.checker.check_notebook`
  on the job's cells over the socket and sends the results.

Messages to the parent (one JSON object per line on the original stdout):
``{"event": "ready"}``; per job, from the checker ``{"event": "result",
"cells": [...]}`` then ``{"event": "done"}``, and from the student zygote
``{"event": "done", "status", "reason"}`` where status is "ok" or "died".
"""

import argparse
import base64
import contextlib
import dataclasses
import importlib
import importlib.abc
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from mlkit.grading.sandbox import STUDENT_PACKAGE

__all__ = ["main"]

GRACE = 5.0  # seconds beyond a cell's limit before a request counts as unanswered
SERVED = 86  # the exit status of a student's child that served until the checker was done
SCRATCH = Path(os.environ.get("MLKIT_GRADING_SCRATCH", "/tmp"))
# what of mlkit a student's process may import while graded: what the sandbox binds (the
# rest, mlkit.numpy, mlkit.tensorflow, mlkit.testing..., holds the course's answers and checks)
STUDENT_SUBPACKAGES = tuple(name.removesuffix(".py") for name in STUDENT_PACKAGE
                            if name != "__init__.py")


class _Withheld(importlib.abc.MetaPathFinder):
    """Says, on import, why the course's reference implementations are not there when graded.

    In the sandbox they are not installed at all; this finder only makes the
    error say so, and outside a sandbox it keeps them out of the student's process.
    """

    def find_spec(self, name, path=None, target=None):
        parts = name.split(".")
        if parts[0] == "mlkit" and len(parts) > 1 and parts[1] not in STUDENT_SUBPACKAGES:
            raise ModuleNotFoundError(
                f"{name} is not available while a notebook is graded: it holds the course's "
                "reference implementations and checks, and graded work must be your own code "
                "(NumPy and the assignment's libraries are there as usual)", name=name)
        return None


def _send(stream, message):
    stream.write(json.dumps(message) + "\n")
    stream.flush()


class _Lines:
    """Lines of a file descriptor, read without buffering so that ``select`` stays exact."""

    def __init__(self, fd):
        self.fd, self.pending = fd, b""

    def ready_line(self):
        """The next complete line if one is buffered, else None."""
        if b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            return line.decode()
        return None

    def read_line(self):
        """The next line, blocking; None at the end of the input."""
        while (line := self.ready_line()) is None:
            data = os.read(self.fd, 1 << 20)
            if not data:
                return None
            self.pending += data
        return line

    def fill(self):
        """Read what is available now; False at the end of the input."""
        data = os.read(self.fd, 1 << 20)
        self.pending += data
        return bool(data)


def _limit(limits):
    """Resource limits of a child, set before it runs any student code."""
    page = resource.getpagesize()
    with open("/proc/self/statm") as statm:
        virtual = int(statm.read().split()[0]) * page
    memory = limits.get("memory_bytes")
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (virtual + memory, virtual + memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    file_size = limits.get("file_bytes", 100 * 2**20)
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    nproc = limits.get("processes")
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _write_files(folder, files):
    """Write the job's files (relative path -> base64) under ``folder``, and nowhere else."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = (folder / name).resolve()
        if folder.resolve() in path.parents:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))


def _student_child(sock, job, runner):
    """In the forked child: set up the submission's folder and limits, then serve the checker."""
    try:
        os.setsid()  # its own process group, which the zygote kills when the job ends
        # nothing but the job's socket: not the zygote's messages to the parent, nor its control
        os.closerange(3, sock.fileno())
        os.closerange(sock.fileno() + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        workdir = SCRATCH / "work"
        _write_files(workdir, job.get("files", {}))
        os.chdir(workdir)
        os.environ["HOME"] = str(SCRATCH / "home")
        (SCRATCH / "home").mkdir(exist_ok=True)
        _limit(job.get("limits", {}))
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        runner.configure(timeout=job.get("timeout", 120),
                         max_output_bytes=job.get("max_output_bytes", 1_000_000))
        runner.serve(sock)
        os._exit(SERVED)
    finally:
        os._exit(1)


def _others():
    """PIDs in this PID namespace other than init and the zygote."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]


def _kill_everything_else(pid):
    """Kill the child's process group and, in the sandbox, every other process too; reap them.

    In the sandbox's own PID namespace ``kill(-1)`` reaches every process a
    submission may have left behind, even one that left the child's group; it
    is repeated until none is left, since a fork bomb forks while it is killed.
    Outside a sandbox only the child's group can be killed.
    """
    sandboxed = os.environ.get("MLKIT_GRADING_SANDBOX") == "1"
    for _ in range(1000):
        for target in ([-1] if sandboxed else []) + [-pid, pid]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG) == (0, 0):
                    break
            except ChildProcessError:
                break
        if not sandboxed or not _others():
            return
        time.sleep(0.01)  # orphans are reaped by the sandbox's init


def _wipe():
    for path in SCRATCH.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _describe(status):
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        why = {"SIGSEGV": "a segmentation fault", "SIGKILL": "it was killed (out of memory?)",
               "SIGABRT": "an abort"}.get(name, name)
        return f"the submission's process crashed ({name}: {why})"
    return (f"the submission's process exited (status {os.WEXITSTATUS(status)}: sys.exit() or "
            "os._exit())")


def _receive_socket(control):
    _, fds, _, _ = socket.recv_fds(control, 1, 1)
    if len(fds) != 1:
        raise RuntimeError("a job came without its socket")
    return socket.socket(fileno=fds[0])


def _serve_student(job, sock, lines, out, runner):
    """Run one job's child; end it when the parent says ``stop``; clean up; say ``done``."""
    pid = os.fork()
    if pid == 0:
        _student_child(sock, job, runner)
    sock.close()
    selector = selectors.DefaultSelector()
    selector.register(lines.fd, selectors.EVENT_READ)
    fate = None
    while True:
        if fate is None:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                fate = status
        if lines.ready_line() is not None:  # "stop": the checker is done with this submission
            break
        if selector.select(timeout=0.05) and not lines.fill():
            break  # the parent is gone
    selector.close()
    for _ in range(100):  # the checker closed the channel: the child ends by itself, soon
        if fate is not None:
            break
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            fate = status
        else:
            time.sleep(0.01)
    _kill_everything_else(pid)
    _wipe()
    died = fate is not None and not (os.WIFEXITED(fate) and os.WEXITSTATUS(fate) == SERVED)
    _send(out, {"event": "done", "status": "died" if died else "ok",
                "reason": _describe(fate) if died else None})


def _serve_checker(job, sock, out, control):
    """Fork a child that checks one notebook over ``sock``; pass its results on.

    When the student's process ends early, the child asks the parent for a
    fresh one (``{"event": "respawn"}``) and gets its socket on ``control``.
    """
    pid = os.fork()
    if pid == 0:
        # the test cells run in a folder of their own, with the assignment's files
        workdir = Path(tempfile.mkdtemp(prefix="mlkit-checker-"))
        try:
            _write_files(workdir, job.get("files", {}))
            os.chdir(workdir)
            from mlkit.grading.channel import CheckerPeer
            from mlkit.grading.checker import Cell, check_notebook
            from mlkit.messages import using

            tensor = None
            if "tensorflow" in sys.modules:
                tensor = sys.modules["tensorflow"].constant

            def connect(sock):
                return CheckerPeer(sock, timeout=job.get("timeout", 120) + GRACE, tensor=tensor)

            def respawn():
                _send(out, {"event": "respawn"})
                return connect(_receive_socket(control))

            from mlkit.grading.test_texts import Texts

            texts = Texts(job["texts"]) if isinstance(job.get("texts"), dict) else None
            with using(job.get("language", "en")):
                results = check_notebook([Cell(**cell) for cell in job["cells"]], connect(sock),
                                         respawn=respawn, texts=texts)
            sock.close()
            _send(out, {"event": "result", "cells": [dataclasses.asdict(r) for r in results]})
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            os._exit(0)
    sock.close()
    _, status = os.waitpid(pid, 0)
    _send(out, {"event": "done", "status": "ok" if status == 0 else "died",
                "reason": None if status == 0 else _describe(status)})


def main(argv=None):
    """Import the modules named in ``argv``, then serve jobs from stdin until it closes."""
    parser = argparse.ArgumentParser(prog="python -m mlkit.grading.zygote")
    parser.add_argument("--checker", action="store_true", help="serve as the trusted checker")
    parser.add_argument("--control", type=int, required=True, help="the control socket's fd")
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args(argv)
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever else prints goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in args.modules:
        importlib.import_module(name)
    if args.checker:  # the catalogues are read here once, not by every child that checks
        from mlkit.messages.catalogue import translations
        from mlkit.messages.language import LANGUAGES

        for language in LANGUAGES:
            translations(language)
    control = socket.socket(fileno=args.control)
    lines = _Lines(0)
    runner = None
    if not args.checker:
        from mlkit.grading.runner import Runner

        runner = Runner()  # made once, here: each child starts from a copy of this shell
        sys.meta_path.insert(0, _Withheld())
        SCRATCH.mkdir(parents=True, exist_ok=True)
    _send(out, {"event": "ready", "pid": os.getpid(), "time": time.time()})
    while (line := lines.read_line()) is not None:
        if not line.strip() or line.strip() == "stop":
            continue
        job = json.loads(line)
        sock = _receive_socket(control)
        if args.checker:
            _serve_checker(job, sock, out, control)
        else:
            _serve_student(job, sock, lines, out, runner)


if __name__ == "__main__":
    main()
