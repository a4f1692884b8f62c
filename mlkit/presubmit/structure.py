"""A notebook compared with its release: graded and locked cells deleted, copied, split, edited.

The release records its graded and locked cells in the notebook's metadata
(:class:`mlkit.grading.release.RecordRelease`). The autograder repairs the
structure before grading (:func:`mlkit.grading.repair.repair`); this module
runs the same repair on a copy, to say what the grader will do, and adds what
the repair does not see: a locked or test cell whose content was edited, and a
cell split in two.
"""

import copy

import nbformat
from nbgrader import utils

from mlkit.grading.repair import KINDS, RepairKind, repair
from mlkit.messages import tr

__all__ = ["release_skeleton", "structure_problems"]


def release_skeleton(record):
    """A notebook with the released nbgrader cells of ``record``, enough for :func:`repair`."""
    cells = []
    for entry in record["cells"]:
        kind = entry["kind"]
        meta = {"grade_id": entry["grade_id"], "grade": kind == "test",
                "solution": kind == "answer", "locked": kind in ("test", "locked"),
                "task": kind == "task", "points": entry["points"], "schema_version": 3}
        make = nbformat.v4.new_code_cell if entry["cell_type"] == "code" else (
            nbformat.v4.new_markdown_cell)
        cells.append(make(metadata={"nbgrader": meta}))
    return nbformat.v4.new_notebook(cells=cells)


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def structure_problems(notebook, record):
    """What differs from the release in the student's graded and locked cells.

    Args:
        notebook: the student's notebook.
        record: the release's record (``metadata["mlkit_release"]``).

    Returns:
        A list of sentences (:class:`~mlkit.messages.Message` s, English until
        shown), one per problem; empty when the structure is the released one.
    """
    released = {entry["grade_id"]: entry for entry in record["cells"]}
    positions = {}
    for index, cell in enumerate(notebook.cells):
        if _gid(cell) in released:
            positions.setdefault(_gid(cell), []).append(index)

    problems = []
    split = set()
    for gid, places in positions.items():
        entry = released[gid]
        copies = [notebook.cells[i] for i in places]
        adjacent = places == list(range(places[0], places[0] + len(places)))
        if len(places) > 1 and adjacent and (entry["kind"] == "answer" or all(
                utils.compute_checksum(c) != entry["checksum"] for c in copies)):
            split.add(gid)
            problems.append(tr(
                "the %(kind)s cell %(cell)s was split into %(count)s cells: the grader grades "
                "only the first part, the others run as ordinary cells. Merge them back into one "
                "cell (Edit > Merge cells).", kind=KINDS.get(entry["kind"], entry["kind"]),
                cell=repr(gid), count=len(places)))
        if len(places) == 1 and entry["kind"] in ("test", "locked"):
            cell = copies[0]
            if cell.cell_type == entry["cell_type"] and (
                    utils.compute_checksum(cell) != entry["checksum"]):
                problems.append(tr(
                    "the %(kind)s cell %(cell)s was edited: the grader runs the released version "
                    "instead, so what you see here is not what will be graded. Undo the edit "
                    "(copy the cell from a fresh copy of the assignment).",
                    kind=KINDS.get(entry["kind"], entry["kind"]), cell=repr(gid)))

    repaired = copy.deepcopy(notebook)
    for each in repair(repaired, release_skeleton(record)):
        if not (each.kind is RepairKind.DUPLICATED and set(each.cells) <= split):
            problems.append(each.sentence)
    return problems
