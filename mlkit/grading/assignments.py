"""The course's assignments in the gradebook, recorded by nbgrader's own ``generate_assignment``.

nbgrader grades a submission against the gradebook's record of its assignment:
its notebooks, its graded cells and their points, the source of its locked and
test cells. ``nbgrader generate_assignment`` writes that record while it
writes the release. :func:`register` runs the same converter, with the
course's own preprocessors, whenever an assignment of ``solutions/`` is missing
from the gradebook (a new course, a new gradebook) or has changed since it was
recorded, but writes the release into a temporary folder: the course's
committed release folder (``exercises/``) is never rewritten.

What was recorded is kept in ``.mlkit-assignments.json`` in the course
directory: for each gradebook, the fingerprint of each assignment's source
(its folder and ``nbgrader_config.py``) when it was last recorded.
"""

import contextlib
import copy
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

__all__ = ["RECORD", "Registration", "register", "source_assignments", "source_fingerprint"]

RECORD = ".mlkit-assignments.json"


@dataclass
class Registration:
    """The state of one assignment in the gradebook after :func:`register`.

    Attributes:
        assignment: its name (a folder of ``solutions/``).
        status: "current" (already recorded from this source), "added" (it was
            missing from the gradebook), "updated" (its source had changed),
            "unknown" (no such folder in ``solutions/``) or "failed".
        reason: for "unknown" and "failed", why, in one sentence.
    """

    assignment: str
    status: str
    reason: str = ""


def _source(coursedir, assignment):
    return Path(coursedir.format_path(coursedir.source_directory, ".", assignment))


def source_assignments(coursedir):
    """The names of the course's assignments: the folders of ``solutions/`` holding a notebook."""
    root = Path(coursedir.format_path(coursedir.source_directory, ".", "")).resolve()
    return sorted(p.name for p in root.glob("*") if p.is_dir() and any(p.glob("*.ipynb")))


def source_fingerprint(coursedir, assignment):
    """A hash of what the gradebook's record of ``assignment`` is made from.

    Its folder in ``solutions/`` (the instructor's own files) and the course's
    ``nbgrader_config.py`` (which sets the release's preprocessors).
    """
    digest = hashlib.sha256()
    folder = _source(coursedir, assignment)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    config = Path(coursedir.root) / "nbgrader_config.py"
    if config.is_file():
        digest.update(config.read_bytes())
    return digest.hexdigest()


def _recorded(coursedir, assignment):
    """True if the gradebook has ``assignment`` with the notebooks of its source."""
    notebooks = {p.stem for p in _source(coursedir, assignment).glob("*.ipynb")}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return False
        return {notebook.name for notebook in found.notebooks} == notebooks


def _first_error(result):
    """nbgrader's own explanation of a failed run, in one line."""
    lines = [line.split("]", 1)[-1].strip() for line in (result.get("log") or "").splitlines()
             if "ERROR" in line]
    lines = [line for line in lines if line and "see the error log" not in line.lower()
             and "see the above traceback" not in line.lower()]
    error = (result.get("error") or "").strip().splitlines()
    return (lines or error[-1:] or ["unknown error"])[0][:300]


def _generate(config, assignment):
    """Run nbgrader's GenerateAssignment for ``assignment``, releasing into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="mlkit-release-") as release:
        config = copy.deepcopy(config)
        config.CourseDirectory.release_directory = release  # absolute: replaces exercises/
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        return api.generate_assignment(assignment, force=True, create=True)


def register(coursedir, config, assignments):
    """Put ``assignments`` into the gradebook, or bring them up to date with ``solutions/``.

    Args:
        coursedir: the course's nbgrader ``CourseDirectory``.
        config: the course's nbgrader configuration (``traitlets`` ``Config``).
        assignments: names of assignments (each a folder of ``solutions/``).

    Returns:
        dict name -> :class:`Registration`.
    """
    record_path = Path(coursedir.root) / RECORD
    record = {}
    with contextlib.suppress(OSError, ValueError):
        record = json.loads(record_path.read_text())
    recorded = record.setdefault(coursedir.db_url, {})
    known = set(source_assignments(coursedir))
    results = {}
    for assignment in sorted(set(assignments)):
        if assignment not in known:
            results[assignment] = Registration(
                assignment, "unknown",
                f"there is no assignment {assignment!r} in {coursedir.source_directory}/ "
                f"(expected a folder name among: {', '.join(sorted(known)) or 'none'}).")
            continue
        fingerprint = source_fingerprint(coursedir, assignment)
        present = _recorded(coursedir, assignment)
        if present and recorded.get(assignment) == fingerprint:
            results[assignment] = Registration(assignment, "current")
            continue
        result = _generate(config, assignment)
        if not result.get("success"):
            results[assignment] = Registration(
                assignment, "failed",
                f"the gradebook's record of {assignment!r} could not be brought up to date "
                f"with {coursedir.source_directory}/{assignment}/: {_first_error(result)}")
            continue
        recorded[assignment] = fingerprint
        results[assignment] = Registration(assignment, "updated" if present else "added")
    temporary = record_path.with_name(f"{RECORD}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.replace(temporary, record_path)
    return results
