"""A pre-warmed fork server that runs one notebook per child process.

Run inside the sandbox as ``python -m mlkit.grading.zygote MODULE...``. The
zygote imports the given modules (NumPy, mlkit, TensorFlow...) once, takes a
:class:`~mlkit.grading.runner.Pristine` snapshot of them, says ``ready``, and
then serves jobs read from its standard input, one JSON object per line. For
each job it forks a child, which starts from the zygote's memory as it was
before any student code ran, so no state passes from one submission to the
next, and sends it the notebook's code cells one at a time (a cell's hidden
tests are not in the child's memory before that cell runs). The zygote itself
never runs student code: it watches each cell's time, and when the child is
done, killed or crashed, it kills every process left in the sandbox's PID
namespace and empties the writable directories before the next job.

Messages to the parent (one JSON object per line on the original stdout):
``{"event": "ready"}``, then per job ``{"event": "cell", "index", "outputs",
"execution_count"}`` for every code cell and ``{"event": "done", "status",
"reason"}`` where status is "ok" or "died".
"""

import base64
import contextlib
import importlib
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

__all__ = ["main"]

GRACE = 5.0  # seconds beyond a cell's limit before the child is killed from outside
SCRATCH = Path(os.environ.get("MLKIT_GRADING_SCRATCH", "/tmp"))


def _send(stream, message):
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def _recv_line(sock_file):
    line = sock_file.readline()
    return json.loads(line) if line else None


def _error(ename, evalue):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": [f"{ename}: {evalue}"]}


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


def _child(sock, job, runner):
    """In the forked child: run cells as the zygote sends them, reply with their outputs."""
    try:
        os.setsid()  # its own process group, which the zygote kills when the job ends
        workdir = SCRATCH / "work"
        workdir.mkdir(parents=True, exist_ok=True)
        for name, data in job.get("files", {}).items():
            path = (workdir / name).resolve()
            if workdir.resolve() in path.parents:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(base64.b64decode(data))
        os.chdir(workdir)
        os.environ["HOME"] = str(SCRATCH / "home")
        (SCRATCH / "home").mkdir(exist_ok=True)
        _limit(job.get("limits", {}))
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        runner.configure(timeout=job.get("timeout", 120),
                         max_output_bytes=job.get("max_output_bytes", 1_000_000))
        stream = sock.makefile("rw", encoding="utf-8")
        while (request := _recv_line(stream)) is not None:
            cell = {"cell_type": "code", "source": request["source"],
                    "metadata": {"nbgrader": request.get("nbgrader", {})}}
            runner.run({"cells": [cell]})
            _send(stream, {"outputs": cell["outputs"],
                           "execution_count": cell["execution_count"]})
    finally:
        os._exit(0)


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
        for target in ([-1] if sandboxed else []) + [-pid]:
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
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name
        why = {"SIGSEGV": "a segmentation fault", "SIGKILL": "it was killed (out of memory?)",
               "SIGABRT": "an abort"}.get(name, name)
        return f"the kernel crashed ({name}: {why})"
    return f"the kernel exited (status {os.WEXITSTATUS(status)}: sys.exit() or os._exit())"


def _serve(job, out, runner):
    parent_sock, child_sock = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        parent_sock.close()
        _child(child_sock, job, runner)
    child_sock.close()
    stream = parent_sock.makefile("rw", encoding="utf-8")
    cells = job["cells"]
    dead = None
    for index, cell in enumerate(cells):
        if dead is None:
            try:
                _send(stream, cell)
            except (BrokenPipeError, ConnectionResetError):
                dead = "the kernel stopped"
        reply = None
        if dead is None:
            parent_sock.settimeout(job.get("timeout", 120) + GRACE)
            try:
                reply = _recv_line(stream)
            except (TimeoutError, OSError):
                os.kill(pid, signal.SIGKILL)
                dead = (f"the kernel was stopped: cell {index} ran past the time limit of "
                        f"{job.get('timeout', 120)} s and could not be interrupted")
                _send(out, {"event": "cell", "index": cell["index"], "execution_count": None,
                            "outputs": [_error("CellTimeoutError", dead)]})
                continue
            if reply is None:
                _, status = os.waitpid(pid, 0)
                dead = _describe(status)
                _send(out, {"event": "cell", "index": cell["index"], "execution_count": None,
                            "outputs": [_error("DeadKernelError",
                                               f"{dead} while running this cell")]})
                continue
        if reply is None:
            _send(out, {"event": "cell", "index": cell["index"], "execution_count": None,
                        "outputs": [_error("DeadKernelError", f"not run: {dead} in an "
                                                              "earlier cell")]})
        else:
            _send(out, {"event": "cell", "index": cell["index"], **reply})
    parent_sock.close()
    _kill_everything_else(pid)
    _wipe()
    _send(out, {"event": "done", "status": "ok" if dead is None else "died", "reason": dead})


def main(argv=None):
    """Import the modules named in ``argv``, then serve jobs from stdin until it closes."""
    argv = sys.argv[1:] if argv is None else argv
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever else prints goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in argv:
        importlib.import_module(name)
    from mlkit.grading.runner import Pristine, Runner

    # made once, here: each child starts from a copy of this shell, before any student code
    runner = Runner(pristine=Pristine())
    SCRATCH.mkdir(parents=True, exist_ok=True)
    _send(out, {"event": "ready", "pid": os.getpid(), "time": time.time()})
    for line in sys.stdin:
        if line.strip():
            _serve(json.loads(line), out, runner)


if __name__ == "__main__":
    main()
