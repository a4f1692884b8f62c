"""Fixtures of the dataset tests: an isolated cache, synthetic datasets and a local HTTP server.

Every test runs with its own cache folder, without ``MLKIT_DATA_DIR``, with
Fashion-MNIST's Debian folder pointed at a folder that does not exist, and with
``MLKIT_DATA_MIRRORS`` pointed at a closed local port: no test can read a
developer's real cache or reach the real mirrors.
"""

import dataclasses
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import mlkit.datasets.mnist as mnist_module
from tests.datasets.idx import closed_port_url, synthetic_dataset

# Read before the autouse fixture removes it: CI sets it to ../shared/datasets.
SHARED_DATA_DIR = os.environ.get("MLKIT_DATA_DIR")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test's own cache, no data folder, no Debian copy, and no reachable mirror."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MLKIT_DATA_DIR", raising=False)
    monkeypatch.setenv("MLKIT_DATA_MIRRORS", closed_port_url())
    monkeypatch.setattr(mnist_module, "FASHION_MNIST", dataclasses.replace(
        mnist_module.FASHION_MNIST, debian_dir=tmp_path / "no-debian"))


@pytest.fixture(scope="session")
def shared_data():
    """The folder of the original files, from MLKIT_DATA_DIR; the test is skipped without it."""
    if not SHARED_DATA_DIR:
        pytest.skip("MLKIT_DATA_DIR is not set: set it to a folder holding mnist/ and "
                    "fashion-mnist/ with the original files (CI: ../shared/datasets)")
    return Path(SHARED_DATA_DIR)


@pytest.fixture
def synthetic(monkeypatch):
    """Small synthetic files standing in for both datasets: only the expected checksums change.

    Returns ``(arrays, files)``: the four arrays and a dict from file name to .gz bytes.
    """
    arrays, files, specs = synthetic_dataset()
    for name in ("MNIST", "FASHION_MNIST"):
        spec = getattr(mnist_module, name)
        monkeypatch.setattr(mnist_module, name, dataclasses.replace(spec, files=specs))
    return arrays, files


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.routes``: path -> (body, mode); 404 for anything else."""

    def do_GET(self):
        """Send the route's body: whole, or cut in half with or without a Content-Length."""
        self.server.requests.append(self.path)
        if self.path not in self.server.routes:
            self.send_error(404)
            return
        body, mode = self.server.routes[self.path]
        self.send_response(200)
        if mode != "cut-unannounced":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body if mode == "whole" else body[:len(body) // 2])

    def log_message(self, *args):
        """Keep the test output quiet."""


class LocalServer:
    """An HTTP server on 127.0.0.1 in a thread; ``serve`` adds files under a URL prefix."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    @property
    def requests(self):
        """The paths requested so far."""
        return self.httpd.requests

    def url(self, prefix):
        """The base URL of the files served under ``prefix``."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{prefix}/"

    def serve(self, prefix, files, mode="whole"):
        """Serve ``files`` (name -> bytes) under ``prefix``; return its base URL."""
        for name, body in files.items():
            self.httpd.routes[f"/{prefix}/{name}"] = (body, mode)
        return self.url(prefix)

    def close(self):
        """Stop serving and release the port."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server():
    """A local HTTP server for download tests."""
    local = LocalServer()
    yield local
    local.close()
