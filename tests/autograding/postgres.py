"""A throw-away PostgreSQL server on 127.0.0.1 for the gradebook tests (Debian's postgresql)."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _binaries():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def available():
    """True when the PostgreSQL server binaries are installed."""
    return _binaries() is not None


PREFIX = "mlkit-postgres-"


def _alive(pid):
    """True when a process ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_as():
    """The command prefix that runs PostgreSQL's tools as ``postgres`` when we are root."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _stop(bin_dir, directory):
    """Stop the server of ``directory`` (if it runs) and remove the directory."""
    subprocess.run([*_run_as(), str(bin_dir / "pg_ctl"), "-D", str(directory / "data"),
                    "-m", "immediate", "stop"], capture_output=True)
    shutil.rmtree(directory, ignore_errors=True)


def stop_orphans(bin_dir=None):
    """Stop the servers of test runs that were killed before they could stop them.

    Each server's directory names the process that started it (``owner``); a
    directory whose owner is gone is a leftover, and only those are touched, so
    that another test run's server keeps running.

    Returns:
        The leftover directories that were stopped and removed.
    """
    bin_dir = bin_dir or _binaries()
    stopped = []
    for directory in sorted(Path(tempfile.gettempdir()).glob(f"{PREFIX}*")):
        try:
            owner = int((directory / "owner").read_text())
        except (OSError, ValueError):
            continue  # being set up right now, or not ours
        if not _alive(owner):
            _stop(bin_dir, directory)
            stopped.append(directory)
    return stopped


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server():
    """Start a PostgreSQL server in a new temporary directory; yield a URL maker.

    It listens on 127.0.0.1 only, with trust authentication for the local user
    ``grader``; it is stopped and its directory removed at exit. As root, the
    server runs as the ``postgres`` user, as PostgreSQL requires (hence a
    directory of its own under the system's temporary folder, which that user
    can reach). Servers that killed test runs left behind are stopped first
    (:func:`stop_orphans`).
    """
    bin_dir = _binaries()
    stop_orphans(bin_dir)
    directory = Path(tempfile.mkdtemp(prefix=PREFIX))
    data, sockets = directory / "data", directory / "sockets"
    sockets.mkdir(parents=True)
    run_as = _run_as()
    if run_as:
        shutil.chown(directory, "postgres")
        shutil.chown(sockets, "postgres")
    (directory / "owner").write_text(str(os.getpid()))
    port = _free_port()
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "grader",
                    "-A", "trust", "--no-sync"], check=True, capture_output=True)
    log = directory / "server.log"
    if run_as:
        log.touch()
        shutil.chown(log, "postgres")
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                    "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], check=True, capture_output=True)
    try:
        def url(database):
            for _ in range(50):
                created = subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p",
                                          str(port), "-U", "grader", database],
                                         capture_output=True, text=True)
                if created.returncode == 0 or "already exists" in created.stderr:
                    return f"postgresql://grader@127.0.0.1:{port}/{database}"
                time.sleep(0.1)
            raise RuntimeError(f"createdb failed: {created.stderr}")

        yield url
    finally:
        _stop(bin_dir, directory)
