"""Steps of ``nbgrader generate_assignment`` that prepare a release for its students.

:class:`AnnounceHiddenChecks` makes each test cell of the release say how many
hidden checks it holds and that they have not run yet, so that passing the
visible checks never reads as full marks. The count is read from the source
notebook's hidden code (:mod:`mlkit.grading.hidden`) at every release, never
typed by hand. :class:`RecordRelease` writes, into the released notebook's
metadata, what the pre-submit check (:mod:`mlkit.presubmit`) compares a
student's notebook with: the graded and locked cells and the time limit.

Both are listed in ``nbgrader_config.py``::

    c.GenerateAssignment.preprocessors = [..., "nbgrader.preprocessors.SaveCells",
        "mlkit.grading.release.AnnounceHiddenChecks", "nbgrader.preprocessors.ClearHiddenTests",
        ..., "mlkit.grading.release.RecordRelease"]

:class:`AnnounceHiddenChecks` must come after ``SaveCells``, so that the
gradebook (from which autograding takes the test cells) keeps the cell without
the note, and before ``ClearHiddenTests``, which removes the hidden code.
"""

from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from mlkit.grading.hidden import BEGIN, split

__all__ = ["METADATA_KEY", "AnnounceHiddenChecks", "RecordRelease", "hidden_checks", "note",
           "record"]

METADATA_KEY = "mlkit_release"


def hidden_checks(count):
    """``count`` hidden checks, in words: "1 hidden check", "2 hidden checks".

    Example:
        >>> hidden_checks(1), hidden_checks(3)
        ('1 hidden check', '3 hidden checks')
    """
    return f"{count} hidden check" + ("" if count == 1 else "s")


def note(count):
    """The lines a released test cell ends with, for ``count`` hidden checks.

    The printed sentence comes from :func:`mlkit.testing.hidden_checks_pending`,
    in the student's language (the Korean release's cells say it in Korean).

    Example:
        >>> print(note(2))
        # 2 hidden checks follow here in the graded version: they run only at grading.
        from mlkit.testing import hidden_checks_pending
        hidden_checks_pending(2)
    """
    checks = hidden_checks(count)
    follow, it, run = ("follows", "it", "runs") if count == 1 else ("follow", "they", "run")
    return (f"# {checks} {follow} here in the graded version: {it} {run} only at grading.\n"
            f"from mlkit.testing import hidden_checks_pending\n"
            f"hidden_checks_pending({count})")


class AnnounceHiddenChecks(NbGraderPreprocessor):
    """Put before each hidden part a note, and a print, of how many hidden checks it holds."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            part = split(cell.source)
            if part.has_hidden:
                if part.unnamed:
                    raise ValueError(
                        f"test cell {cell.metadata.nbgrader['grade_id']!r}: every top-level "
                        f"statement of its hidden tests must be a `with check(\"name\"):` block "
                        f"(mlkit.testing.check); lines {part.unnamed} of the hidden part are not")
                count = len(part.names)
                resources.setdefault("mlkit_hidden", {})[cell.metadata.nbgrader["grade_id"]] = count
                head, marker, tail = cell.source.partition(BEGIN)
                cell.source = f"{head.rstrip()}\n{note(count)}\n{marker}{tail}"
        return cell, resources


class RecordRelease(NbGraderPreprocessor):
    """Record in the notebook's metadata its graded and locked cells and the time limit.

    The record, under ``metadata["mlkit_release"]``, holds the assignment's
    name, ``timeout`` (nbgrader's ``Execute.timeout``, the time limit of each
    cell) and ``cells``: for each nbgrader cell in order, its ``grade_id``,
    ``cell_type``, ``kind`` (``"answer"``, ``"test"``, ``"locked"`` or ``"task"``),
    ``points``, ``hidden`` (its number of hidden checks, counted by
    :class:`AnnounceHiddenChecks`) and the ``checksum`` nbgrader computed for
    the released cell.
    """

    def preprocess(self, nb, resources):
        nb.metadata[METADATA_KEY] = record(
            nb, assignment=resources.get("nbgrader", {}).get("assignment"),
            timeout=Execute(config=self.config).timeout,
            hidden=resources.get("mlkit_hidden", {}))
        return nb, resources


def record(nb, *, assignment=None, timeout=None, hidden=None):
    """The record :class:`RecordRelease` writes, for a released notebook ``nb``.

    Args:
        nb: the released notebook.
        assignment: its assignment's name.
        timeout: the time limit of each cell, in seconds.
        hidden: ``grade_id -> number of hidden checks`` of its test cells.

    Returns:
        A dict with ``assignment``, ``timeout`` and ``cells``.
    """
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade_id"):
            continue
        kind = ("answer" if meta.get("solution") else "test" if meta.get("grade")
                else "task" if meta.get("task") else "locked")
        cells.append({"grade_id": meta["grade_id"], "cell_type": cell.cell_type, "kind": kind,
                      "points": float(meta.get("points", 0) or 0),
                      "hidden": (hidden or {}).get(meta["grade_id"], 0),
                      "checksum": utils.compute_checksum(cell)})
    return {"assignment": assignment, "timeout": timeout, "cells": cells}
