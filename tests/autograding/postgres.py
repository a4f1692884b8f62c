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
    can reach).
    """
    bin_dir = _binaries()
    directory = Path(tempfile.mkdtemp(prefix="mlkit-postgres-"))
    data, sockets = directory / "data", directory / "sockets"
    sockets.mkdir(parents=True)
    run_as = []
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        shutil.chown(sockets, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
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
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
