"""The checker's results of a graded class, read as data from the autograded notebooks.

Autograding records, in the metadata of each graded test cell of
``autograded/<student>/<assignment>/<notebook>.ipynb``, the named checks that
ran, as data (:func:`mlkit.grading.sandbox.execute`)::

    "mlkit": {"checks": [{"name", "passed", "summary", "mistake", "link"}, ...],
              "failure": {"summary", "mistake", "link"} or null}

``failure`` is a failure outside any named check (the cell's visible part).
:func:`read_class` turns them into one flat list of :class:`Outcome`, one per
check (and one per failure outside a check), which the class report ranks:
nothing here reads a message's words, only these fields.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["VISIBLE", "Outcome", "entries", "idea_of", "outcomes_of", "read_class",
           "read_json", "read_notebook"]

# The name given to the failure of a test cell outside its named checks.
VISIBLE = "the cell's visible checks"


@dataclass(frozen=True)
class Outcome:
    """One check of one student in one graded test cell.

    Attributes:
        assignment: the assignment's name.
        student: the student's id.
        notebook: the notebook's name, without ``.ipynb``.
        test: the test cell's ``grade_id``.
        check: the check's name (:data:`VISIBLE` for a failure outside a named check).
        passed: whether it passed.
        summary: what went wrong, in words that show no value (None when it passed).
        mistake: the likely mistake the check recognised, or None.
        link: the book section that explains the failure, or None.
    """

    assignment: str
    student: str
    notebook: str
    test: str
    check: str
    passed: bool
    summary: str | None = None
    mistake: str | None = None
    link: str | None = None

    @property
    def misconception(self):
        """What a failure is grouped by: the mistake it recognised, else its check's name
        (for a failure outside the named checks, the test cell's).

        Example:
            >>> Outcome("a", "s", "nb", "t", "f(x)", False, mistake="x >= 0").misconception
            'x >= 0'
            >>> Outcome("a", "s", "nb", "t", "f(x)", False).misconception
            'failed: f(x)'
            >>> Outcome("a", "s", "nb", "t", VISIBLE, False).misconception
            'failed: the visible checks of t'
        """
        if self.mistake:
            return self.mistake
        return f"failed: the visible checks of {self.test}" if self.check == VISIBLE else \
            f"failed: {self.check}"


def idea_of(outcome):
    """The idea a failed check is about: its book section, else its assignment and test.

    "Failing the same idea again" (the report's *struggling* students) means
    failing checks that link to the same book section, or, for checks that link
    to none, the same test cell.

    Example:
        >>> idea_of(Outcome("a", "s", "nb", "t", "c", False, link="book/x.html#y"))
        'book/x.html#y'
        >>> idea_of(Outcome("a", "s", "nb", "t", "c", False))
        'a: t'
    """
    return outcome.link or f"{outcome.assignment}: {outcome.test}"


def _text(value):
    return value if isinstance(value, str) and value else None


def read_json(path):
    """An autograded notebook as plain JSON data, or None if it cannot be read.

    A damaged file (autograde scored it zero and said why) gives None.
    """
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return notebook if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list) \
        else None


def outcomes_of(notebook, assignment, student, name):
    """The :class:`Outcome` of every check recorded in an autograded notebook's JSON data.

    A test cell with no record (graded before checks were recorded) gives
    nothing; a record that is not the expected shape is skipped rather than
    guessed at.

    Args:
        notebook: the notebook as JSON data (:func:`read_json`).
        assignment: its assignment's name.
        student: its student's id.
        name: the notebook's name, without ``.ipynb``.

    Returns:
        A list of :class:`Outcome`, in cell order.
    """
    outcomes = []
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        grading = metadata.get("nbgrader", {})
        record = metadata.get("mlkit")
        if not (isinstance(grading, dict) and grading.get("grade") and isinstance(record, dict)):
            continue
        test = str(grading.get("grade_id", ""))
        for item in record.get("checks") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                outcomes.append(Outcome(assignment, student, name, test, item["name"],
                                        bool(item.get("passed")), _text(item.get("summary")),
                                        _text(item.get("mistake")), _text(item.get("link"))))
        failure = record.get("failure")
        if isinstance(failure, dict):
            outcomes.append(Outcome(assignment, student, name, test, VISIBLE, False,
                                    _text(failure.get("summary")), _text(failure.get("mistake")),
                                    _text(failure.get("link"))))
    return outcomes


def read_notebook(path, assignment, student):
    """The :class:`Outcome` of every check recorded in one autograded notebook file."""
    notebook = read_json(path)
    return [] if notebook is None else outcomes_of(notebook, assignment, student,
                                                   Path(path).stem)


def entries(course, autograded="autograded"):
    """Every autograded notebook of a course: ``(assignment, student, path)``, sorted.

    Links and anything but regular files and folders are left out, as autograde refuses them.
    """
    root = Path(course) / autograded
    if not root.is_dir():
        return
    for student in sorted(os.scandir(root), key=lambda entry: entry.name):
        if not student.is_dir(follow_symlinks=False):
            continue
        for assignment in sorted(os.scandir(student.path), key=lambda entry: entry.name):
            if not assignment.is_dir(follow_symlinks=False):
                continue
            for notebook in sorted(Path(assignment.path).glob("*.ipynb")):
                if notebook.is_file() and not notebook.is_symlink():
                    yield assignment.name, student.name, notebook


def read_class(course, autograded="autograded"):
    """Every check of every autograded notebook of a course.

    Args:
        course: the course directory.
        autograded: its autograded folder (nbgrader's ``autograded_directory``).

    Returns:
        A list of :class:`Outcome`, sorted by student, assignment and notebook.
    """
    return [outcome for assignment, student, path in entries(course, autograded)
            for outcome in read_notebook(path, assignment, student)]
