"""Small helpers shared by the test modules."""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# the course's assignments: the folders of solutions/
ASSIGNMENTS = sorted(path.name for path in (ROOT / "solutions").iterdir() if path.is_dir())


def load_module(path, name):
    """The module of a Python file that is not on the import path (a script, an extension)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def book_extension(name):
    """A module of book/_ext (the book's Sphinx extensions and tools), loaded from its file."""
    return load_module(ROOT / "book" / "_ext" / f"{name}.py", f"book_ext_{name}")


def tool_env(**extra):
    """The environment for the course's command-line tools (jupyter-book, nbgrader, ...).

    The interpreter's ``bin/`` comes first on PATH: nbgrader runs ``alembic`` and
    the book runs ``jupyter`` as subprocesses.
    """
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}
