"""The book, built once per test session, strictly, into a temporary folder."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import BIN, ROOT, tool_env


@dataclass
class BuiltBook:
    """The result of one ``jupyter-book build`` of the whole book."""

    returncode: int
    log: str
    html: Path

    def page(self, name):
        """The HTML text of a chapter, e.g. ``page("activations")``."""
        return (self.html / "book" / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A full build (``--all``) with warnings as errors (``-W -n --keep-going``), as CI needs."""
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "--all", "-W", "-n", "--keep-going",
         "--path-output", str(out)],
        capture_output=True, text=True, timeout=1800, env=tool_env(),
    )
    return BuiltBook(result.returncode, result.stdout + result.stderr, out / "_build" / "html")
