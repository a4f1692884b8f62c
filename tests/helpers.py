"""Small helpers shared by the test modules."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool_env(**extra):
    """The environment for the course's command-line tools (jupyter-book, nbgrader, ...).

    The interpreter's ``bin/`` comes first on PATH: nbgrader runs ``alembic`` and
    the book runs ``jupyter`` as subprocesses.
    """
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}
