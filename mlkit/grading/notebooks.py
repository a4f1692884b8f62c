"""nbgrader notebooks as data: cells by ``grade_id``, reference answers, built submissions.

A source notebook (``solutions/<assignment>/*.ipynb``) holds solution cells
whose code sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the
released notebook (``exercises/<assignment>/*.ipynb``) holds the same cells
with a stub in place of that code. A *submission* is the released notebook
with the solution cells filled in. These functions build one from a mapping
``grade_id -> source``, exactly as a student's edits would, so that the grading
harness and the autograding tests can make any number of them.
"""

import copy
import re
from pathlib import Path

import nbformat

__all__ = [
    "assignment_notebooks",
    "grade_ids",
    "make_submission",
    "read",
    "reference_answers",
    "solution_cells",
    "write",
]

_SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def assignment_notebooks(directory):
    """The notebooks of an assignment folder, sorted by name.

    Args:
        directory: e.g. ``solutions/activations``.

    Returns:
        A list of ``Path`` objects.

    Raises:
        FileNotFoundError: if the folder is missing or holds no notebook.
    """
    directory = Path(directory)
    notebooks = sorted(directory.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"No notebook (*.ipynb) in the assignment folder {directory}")
    return notebooks


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(notebook):
    """The solution cells of a notebook, as a dict ``grade_id -> cell``, in notebook order."""
    return {_nbgrader(cell)["grade_id"]: cell for cell in notebook.cells
            if _nbgrader(cell).get("solution")}


def grade_ids(notebook, *, graded=True):
    """The ``grade_id`` of every graded cell (or, with ``graded=False``, of every nbgrader cell)."""
    return [_nbgrader(cell)["grade_id"] for cell in notebook.cells
            if _nbgrader(cell) and (_nbgrader(cell).get("grade") or not graded)]


def reference_answers(source_notebook):
    """The reference solution of each solution cell of a source notebook.

    The cell's source with the ``### BEGIN/END SOLUTION`` marker lines removed:
    what a student who wrote the reference solution would submit.

    Args:
        source_notebook: an ``nbformat.NotebookNode`` from ``solutions/``.

    Returns:
        A dict ``grade_id -> source``.
    """
    return {grade_id: _SOLUTION_MARKER.sub("", cell.source)
            for grade_id, cell in solution_cells(source_notebook).items()}


def make_submission(release_notebook, answers):
    """A copy of a released notebook with some solution cells filled in.

    Args:
        release_notebook: an ``nbformat.NotebookNode`` from ``exercises/``.
        answers: a dict ``grade_id -> source`` for some of its solution cells;
            the cells not named keep the release's stub.

    Returns:
        A new ``nbformat.NotebookNode``; the release is not modified.

    Raises:
        KeyError: if a ``grade_id`` in ``answers`` is not a solution cell of the notebook.
    """
    submission = copy.deepcopy(release_notebook)
    cells = solution_cells(submission)
    unknown = sorted(set(answers) - set(cells))
    if unknown:
        raise KeyError(
            f"`answers` names cells that are not solution cells of the notebook: {unknown}. "
            f"Expected some of: {sorted(cells)}"
        )
    for grade_id, source in answers.items():
        cells[grade_id].source = source
    return submission


def read(path):
    """Read a notebook file (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


def write(notebook, path):
    """Write a notebook file, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
