"""The set-up cell that makes a course notebook work on Colab and Binder.

Colab and Binder open a notebook in an environment without mlkit. The notebooks
students open there, the book's chapters (``book/*.ipynb``, written by
``book/_ext/notebooks.py``) and the assignments' releases (``exercises/``),
therefore start with one cell, made by :func:`cell_source`, that installs mlkit
from the course's public repository (``repository.url`` and ``.branch`` in
``_config.yml``), with the extras the notebook needs, when mlkit cannot be
imported. Where mlkit is installed (a student's own machine, the autograder's
sandbox) the cell does nothing: no pip, no network. The environment variable
``MLKIT_INSTALL_SOURCE``, a pip URL such as ``file:///path/to/course``, replaces
the repository, so that the cell can be tried against a local copy.

An assignment's cell is a locked, ungraded nbgrader cell (``grade_id``
``install_mlkit``), first in the source notebook ``solutions/<a>/*.ipynb`` so
that ``nbgrader generate_assignment`` releases it. Its extras come from the
notebook's imports (:func:`extras`). Run from the course directory
(``./dev.sh release`` runs the first before releasing)::

    python -m mlkit.grading.setup_cell           # write the cell into every source notebook
    python -m mlkit.grading.setup_cell --check   # exit 1 if one is missing or out of date
"""

import argparse
import ast
import sys
import types
from pathlib import Path

import nbformat
import yaml
from IPython.core.inputtransformer2 import TransformerManager

__all__ = ["ENVIRONMENT_VARIABLE", "EXTRAS", "GRADE_ID", "cell_source", "extras", "main",
           "report", "repository", "setup_cell", "with_setup_cell"]

GRADE_ID = "install_mlkit"
ENVIRONMENT_VARIABLE = "MLKIT_INSTALL_SOURCE"
#: The extra of mlkit (pyproject.toml's optional-dependencies) that installs what a notebook
#: imports, for the modules that mlkit's core (NumPy) does not install.
EXTRAS = types.MappingProxyType({
    "tensorflow": "tensorflow", "keras": "tensorflow", "mlkit.tensorflow": "tensorflow",
    "mlkit.keras_models": "tensorflow", "matplotlib": "plots", "mlkit.plotting": "plots",
    "tqdm": "progress"})

_TEMPLATE = '''\
# Setup for Colab and Binder: install mlkit, the course's package, when it is missing.
import importlib.util
import os

if importlib.util.find_spec("mlkit") is None:
    source = os.environ.get("{variable}", "git+{url}@{branch}")
    get_ipython().run_line_magic("pip", f"install --quiet '{requirement} @ {{source}}'")'''

# An assignment's test cells then say their texts in the notebook's language.
_ASSIGNMENT_LINES = '''
# Importing mlkit.testing lets the test cells speak the notebook's language.
try:
    import mlkit.testing
except ModuleNotFoundError:  # while graded: the checks run outside the notebook
    pass'''


def repository(root="."):
    """``(url, branch)`` of the course's public repository, from ``<root>/_config.yml``."""
    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))
    repo = (config or {}).get("repository") or {}
    if not repo.get("url"):
        raise ValueError("_config.yml must name the course's repository: `repository.url` is "
                         "missing; expected e.g. https://github.com/<owner>/<name>")
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def cell_source(url, branch, extras=(), *, assignment=False):
    """The source of the set-up cell: install mlkit with ``extras`` when it is missing.

    Args:
        url: the repository pip installs from, ``https://github.com/<owner>/<name>``.
        branch: its branch (or tag, or commit).
        extras: names of mlkit's extras, e.g. ``("tensorflow",)``.
        assignment: True for an assignment's cell, which then also imports
            :mod:`mlkit.testing` (:mod:`mlkit.testing.kernel_texts`): in a translated
            release the test cells run in Jupyter say their texts translated, from the
            first one on.

    Example:
        >>> print(cell_source("https://github.com/o/c", "main", ["tensorflow"]))
        # Setup for Colab and Binder: install mlkit, the course's package, when it is missing.
        import importlib.util
        import os
        <BLANKLINE>
        if importlib.util.find_spec("mlkit") is None:
            source = os.environ.get("MLKIT_INSTALL_SOURCE", "git+https://github.com/o/c@main")
            get_ipython().run_line_magic("pip", f"install --quiet 'mlkit[tensorflow] @ {source}'")
    """
    extras = sorted(set(extras))
    requirement = f"mlkit[{','.join(extras)}]" if extras else "mlkit"
    return _TEMPLATE.format(variable=ENVIRONMENT_VARIABLE, url=url, branch=branch,
                            requirement=requirement) + (_ASSIGNMENT_LINES if assignment else "")


def _imported_modules(source):
    """Every module a cell imports, ``from a import b`` giving both ``a`` and ``a.b``."""
    names = set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def extras(notebook):
    """The extras of mlkit that the imports of a notebook's code cells need, sorted.

    Example:
        >>> cells = [nbformat.v4.new_code_cell("import numpy as np\\nimport keras")]
        >>> extras(nbformat.v4.new_notebook(cells=cells))
        ['tensorflow']
    """
    found = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for module in _imported_modules(cell.source):
                parts = module.split(".")
                found |= {EXTRAS[prefix] for prefix in
                          (".".join(parts[:n]) for n in range(1, len(parts) + 1))
                          if prefix in EXTRAS}
    return sorted(found)


def setup_cell(source):
    """A locked, ungraded nbgrader code cell holding ``source``."""
    return nbformat.v4.new_code_cell(source, id=GRADE_ID.replace("_", "-"), metadata={
        "nbgrader": {"grade": False, "grade_id": GRADE_ID, "locked": True, "schema_version": 3,
                     "solution": False, "task": False}})


def with_setup_cell(notebook, url, branch):
    """Put the set-up cell first in a source notebook, or bring the one there up to date.

    Args:
        notebook: an ``nbformat`` notebook from ``solutions/``; it is changed in place.
        url: the repository (see :func:`cell_source`).
        branch: its branch.

    Returns:
        True if the notebook changed.
    """
    source = cell_source(url, branch, extras(notebook), assignment=True)
    first = notebook.cells[0] if notebook.cells else None
    if first is not None and first.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID:
        if first.source == source:
            return False
        first.source = source
    else:
        notebook.cells.insert(0, setup_cell(source))
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m mlkit.grading.setup_cell",
        description="Put the Colab and Binder set-up cell first in each source notebook.")
    parser.add_argument("--check", action="store_true",
                        help="only check that every source notebook has it, up to date")
    parser.add_argument("--source-dir", default="solutions",
                        help="the course's source folder (default: solutions)")
    args = parser.parse_args(argv)
    url, branch = repository()
    stale = []
    for path in sorted(Path(args.source_dir).glob("*/*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        if with_setup_cell(notebook, url, branch):
            stale.append(path)
            if not args.check:
                nbformat.write(notebook, str(path))
    return report(stale, args.check, "python -m mlkit.grading.setup_cell")


def report(stale, check, command):
    """The end of a command that writes generated files or, with ``--check``, only checks them.

    Args:
        stale: the paths that were out of date (and, unless ``check``, have been written).
        check: True if the command only checked.
        command: the command that brings them up to date, for the message.

    Returns:
        The exit status: 1 if checking found stale files (named on stderr), else 0.

    Example:
        >>> report(["a.ipynb"], check=False, command="make notebooks")
        wrote a.ipynb
        0
    """
    if check and stale:
        print(f"out of date (run {command}):", *map(str, stale), file=sys.stderr)
        return 1
    for path in stale:
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
