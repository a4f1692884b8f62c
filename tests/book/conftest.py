"""The book, both editions, built once per test session, strictly, into a temporary folder."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import BIN, ROOT, tool_env


@dataclass
class BuiltBook:
    """The result of one build of the whole book: the English edition, then the Korean one."""

    returncode: int
    log: str
    html: Path

    @property
    def korean(self):
        """The Korean edition's HTML folder, as the English site reaches it."""
        return self.html / "ko"

    def page(self, name, language="en"):
        """The HTML text of a chapter, e.g. ``page("activations")``, ``page("neurons", "ko")``."""
        folder = self.html if language == "en" else self.html / language
        return (folder / "book" / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A full build (``--all``) with warnings as errors (``-W -n --keep-going``), as CI needs."""
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(BIN / "python"), str(ROOT / "book" / "_ext" / "editions.py"), "build", "--all",
         "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True, text=True, timeout=1800, env=tool_env(),
    )
    return BuiltBook(result.returncode, result.stdout + result.stderr, out / "_build" / "html")
