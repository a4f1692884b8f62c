"""Put a damaged submission back into the released notebook's structure, and say what was done.

Students delete, duplicate, move and retype cells, mostly by accident. Stock
nbgrader then grades the damage rather than the work: a deleted test cell
silently scores nothing, a moved cell runs before what it needs, a duplicated
graded cell stops the whole submission. :class:`RepairStructure` runs first,
before nbgrader's own sanitizing steps (which then restore the content of
locked and test cells, hidden tests included, from the gradebook), and makes
the structure the released one again:

- a graded or locked cell that appears more than once is graded once (the
  first copy); the others run as ordinary cells;
- a deleted graded or locked cell is put back from the release (a deleted
  answer is then the release's unanswered cell, which scores nothing);
- cells moved out of the released order are put back in it, each cell the
  student added travelling with the released cell it followed;
- a graded cell whose type was changed gets its type back.

Each repair is a :class:`Repair`: what was done (:class:`RepairKind`), to
which cells, and a sentence for the instructor's report and the student's
feedback. The preprocessor hands them to the :class:`RepairRecords` of the
run that configured it, which alone holds them.
"""

import copy
import enum
import threading
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Instance

from mlkit.messages import Message, tr

__all__ = ["KINDS", "Repair", "RepairKind", "RepairRecords", "RepairStructure", "repair"]


# The kinds of graded and locked cells, as the sentences name them ("the answer cell 'x'").
KINDS = MappingProxyType({
    # Translators: the kind of a notebook cell, as in "the answer cell 'sigmoid'".
    "answer": tr("answer"),
    # Translators: the kind of a notebook cell, as in "the test cell 'sigmoid_values'".
    "test": tr("test"),
    # Translators: the kind of a notebook cell, as in "the locked cell 'setup'".
    "locked": tr("locked"),
    # Translators: the kind of a notebook cell, as in "the task cell 'discussion'".
    "task": tr("task"),
})


class RepairKind(enum.Enum):
    """What a repair did to the submitted notebook."""

    DUPLICATED = "duplicated"  # a graded or locked cell appears more than once
    FOREIGN = "foreign"  # cells with grade ids the assignment does not have
    OTHER_ASSIGNMENT = "other_assignment"  # none of the graded cells belongs to the assignment
    RETYPED = "retyped"  # a graded cell's type was changed
    MOVED = "moved"  # cells were moved out of the released order
    DELETED = "deleted"  # a graded or locked cell was deleted


@dataclass(frozen=True)
class Repair:
    """One repair of a submitted notebook.

    Attributes:
        kind: what was done.
        cells: the grade ids of the cells concerned (empty when it concerns the order).
        sentence: what was done, in words (English until shown, :mod:`mlkit.messages`).

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        ...     metadata={"nbgrader": {"grade_id": "f", "solution": True}})])
        >>> [(r.kind, r.cells) for r in repair(nb, nb)]
        []
    """

    kind: RepairKind
    cells: tuple
    sentence: Message


class RepairRecords:
    """The repairs of one grading run, by submitted notebook; safe to fill from several threads.

    A run makes its own and passes it to :class:`RepairStructure` through the
    configuration; configuration copies its values, but a record is shared by
    the steps of its run, never copied.

    Example:
        >>> records = RepairRecords()
        >>> records.record("kim", "softmax", "softmax", [Repair(RepairKind.MOVED, (), "moved")])
        >>> [(notebook, r.kind.value) for notebook, r in records.take("kim", "softmax")]
        [('softmax', 'moved')]
        >>> records.take("kim", "softmax")
        []
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._repairs = {}  # (student, assignment, notebook) -> list of Repair

    def __deepcopy__(self, memo):
        return self

    def record(self, student, assignment, notebook, repairs):
        """Keep the repairs of one notebook, replacing those recorded before for it."""
        with self._lock:
            self._repairs[(student, assignment, notebook)] = list(repairs)

    def take(self, student, assignment):
        """The ``(notebook, Repair)`` pairs of one submission, by notebook; then forget them."""
        with self._lock:
            keys = sorted(key for key in self._repairs if key[:2] == (student, assignment))
            return [(key[2], each) for key in keys for each in self._repairs.pop(key)]


def _gid(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("grade") or meta.get("solution") or meta.get("locked") or meta.get("task"):
        return meta.get("grade_id")
    return None


def _kind(cell):
    meta = cell["metadata"]["nbgrader"]
    if meta.get("solution"):
        return "answer"
    if meta.get("grade"):
        return "test"
    return "locked"


def repair(notebook, release):
    """Repair ``notebook`` in place against ``release``; return the list of repairs made.

    Args:
        notebook: the submitted notebook (an nbformat node).
        release: the released notebook of the same name.

    Returns:
        list of :class:`Repair`, empty when nothing was wrong.

    Example:
        >>> def cell(gid):
        ...     return nbformat.v4.new_code_cell(metadata={"nbgrader": {"grade_id": gid,
        ...                                                             "solution": True}})
        >>> release = nbformat.v4.new_notebook(cells=[cell("a"), cell("b")])
        >>> submitted = nbformat.v4.new_notebook(cells=[cell("b"), cell("a"), cell("a")])
        >>> [(r.kind.value, r.cells) for r in repair(submitted, release)]
        [('duplicated', ('a',)), ('moved', ())]
    """
    repairs = []
    released = [(gid, cell) for cell in release.cells if (gid := _gid(cell))]
    order = {gid: position for position, (gid, _) in enumerate(released)}

    seen = {}
    for cell in notebook.cells:
        gid = _gid(cell)
        if gid is None:
            continue
        if gid in seen:
            seen[gid] += 1
            del cell.metadata["nbgrader"]
        else:
            seen[gid] = 1
    for gid, count in seen.items():
        if count > 1:
            repairs.append(Repair(RepairKind.DUPLICATED, (gid,), tr(
                "cell %(cell)s appears %(count)s times: the first copy is graded, the others run "
                "as ordinary cells.", cell=repr(gid), count=count)))

    foreign = [gid for gid in seen if gid not in order]
    for cell in notebook.cells:
        if _gid(cell) in foreign:
            del cell.metadata["nbgrader"]
    graded = {gid for gid, cell in released if _kind(cell) != "locked"}
    another = bool(graded) and not graded & set(seen)
    if another:
        repairs.append(Repair(RepairKind.OTHER_ASSIGNMENT, tuple(foreign), tr(
            "none of its graded cells belong to this assignment (is it the notebook of another "
            "assignment?): it is graded as the unanswered release.")))
    elif foreign:
        repairs.append(Repair(RepairKind.FOREIGN, tuple(foreign), tr(
            "cells with grade ids this assignment does not have (%(ids)s) run as ordinary "
            "cells.", ids=", ".join(foreign))))

    for gid, cell in released:
        if gid not in seen:
            continue
        mine = next(c for c in notebook.cells if _gid(c) == gid)
        if mine.cell_type != cell.cell_type:
            repairs.append(Repair(RepairKind.RETYPED, (gid,), tr(
                "the %(kind)s cell %(cell)s was changed from %(released)s to %(now)s: it is "
                "graded as %(released)s again.", kind=KINDS[_kind(cell)], cell=repr(gid),
                released=cell.cell_type, now=mine.cell_type)))
            mine.cell_type = cell.cell_type
            if cell.cell_type == "code":
                mine.outputs, mine.execution_count = [], None
            else:
                mine.pop("outputs", None)
                mine.pop("execution_count", None)

    # segments: a released cell (or the start) and the student's own cells after it
    segments = {None: []}
    current = None
    present = []
    for cell in notebook.cells:
        gid = _gid(cell)
        if gid in order:
            current = gid
            present.append(gid)
            segments[gid] = [cell]
        else:
            segments[current].append(cell)
    if present != sorted(present, key=order.get):
        repairs.append(Repair(RepairKind.MOVED, (), tr(
            "cells were moved out of the released order: they are run in the released order, "
            "each added cell after the cell it followed.")))
    cells = list(segments[None])
    for gid, cell in released:
        if gid in segments:
            cells.extend(segments[gid])
        else:
            cells.append(copy.deepcopy(cell))
            if not another:
                repairs.append(Repair(RepairKind.DELETED, (gid,), (
                    tr("the %(kind)s cell %(cell)s was deleted: it was put back from the "
                       "released notebook (unanswered).", kind=KINDS["answer"], cell=repr(gid))
                    if _kind(cell) == "answer" else
                    tr("the %(kind)s cell %(cell)s was deleted: it was put back from the "
                       "released notebook.", kind=KINDS[_kind(cell)], cell=repr(gid)))))
    notebook.cells = cells
    return repairs


class RepairStructure(NbGraderPreprocessor):
    """The first sanitizing step of autograding: :func:`repair` against the released notebook.

    The repairs go to ``records``, the :class:`RepairRecords` of the run (set
    in the configuration: ``c.RepairStructure.records``), and to the log.
    """

    records = Instance(RepairRecords, allow_none=True,
                       help="Where the repairs of this run are kept (None: only logged).",
                       ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        folder = Path(coursedir.format_path(coursedir.release_directory, ".",
                                            info["assignment"]))
        path = folder / f"{info['notebook']}.ipynb"
        repairs = []
        if path.exists():
            repairs = repair(nb, nbformat.read(path, as_version=nbformat.NO_CONVERT))
        else:
            self.log.warning("No released notebook %s: the structure is not checked", path)
        if self.records is not None:
            self.records.record(info.get("student"), info["assignment"], info["notebook"],
                                repairs)
        for each in repairs:
            self.log.warning("%s: %s", info["notebook"], each.sentence)
        return nb, resources
