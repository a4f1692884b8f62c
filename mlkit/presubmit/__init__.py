"""The check before submitting: run a notebook as the grader will; say what would cost points.

From a terminal (or a student's own CI)::

    mlkit-check exercises/softmax/softmax.ipynb

From inside the notebook, after saving it::

    from mlkit.presubmit import check; check()

The notebook runs in a fresh kernel, top to bottom, with the grader's time
limit per cell (:mod:`mlkit.presubmit.run`), and the report lists

- each graded part (test cell): passing or failing its visible checks, and
  how many hidden checks it has, not run here;
- graded or locked cells deleted, duplicated, split, moved, retyped or edited,
  compared with the released notebook (:mod:`mlkit.presubmit.structure`);
- cells that call ``input()``, read a file the grader will not have, or take
  too long.

The command exits with 1 when something would cost points, 2 when the
notebook cannot be checked, and 0 otherwise.
"""

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import nbformat

from mlkit.grading.release import METADATA_KEY, hidden_checks, record
from mlkit.presubmit.run import FILE_ERRORS, RUNNING, asks_for_input, own_files, run
from mlkit.presubmit.structure import structure_problems

__all__ = ["Report", "check", "check_notebook", "main"]

DEFAULT_TIMEOUT = 120


@dataclasses.dataclass
class Report:
    """The result of a pre-submit check.

    Attributes:
        path: the notebook checked.
        parts: ``(grade_id, points, hidden, error)`` per test cell, in order;
            ``error`` is None when its visible checks passed, else a sentence.
        problems: sentences, one per thing that would cost points.
        warnings: sentences about things that cost nothing yet (a slow cell).
        seconds: how long the check took.
        timeout: each cell's time limit.
    """

    path: Path
    parts: list
    problems: list
    warnings: list
    seconds: float
    timeout: float

    @property
    def ok(self):
        """True when nothing would cost points."""
        return not self.problems and all(error is None for _, _, _, error in self.parts)

    def __str__(self):
        lines = [f"Checked {self.path} as the autograder runs it: a fresh kernel, top to "
                 f"bottom, at most {self.timeout:g} s per cell ({self.seconds:.1f} s).", "",
                 "Parts (visible checks only):"]
        for grade_id, points, hidden, error in self.parts:
            mark = "ok  " if error is None else "FAIL"
            they = "it runs" if hidden == 1 else "they run"
            hidden_text = (f"; {hidden_checks(hidden)} not run here ({they} at grading)"
                           if hidden else "")
            status = "visible checks passed" if error is None else f"failed: {error}"
            lines.append(f"  [{mark}] {grade_id} ({points:g} pt): {status}{hidden_text}")
        if not self.parts:
            lines.append("  (no graded cells found)")
        if self.problems:
            lines += ["", "Problems that would cost points:"]
            lines += [f"  - {problem}" for problem in self.problems]
        if self.warnings:
            lines += ["", "Warnings:"]
            lines += [f"  - {warning}" for warning in self.warnings]
        failing = sum(error is not None for _, _, _, error in self.parts)
        lines += ["", (f"Result: {len(self.problems)} problem(s), {failing} of {len(self.parts)} "
                       "part(s) failing their visible checks." if not self.ok else
                       f"Result: all {len(self.parts)} parts pass their visible checks and "
                       "nothing else would cost points. Passing visible checks is not yet full "
                       "marks: the hidden checks run at grading.")]
        return "\n".join(lines)


def _where(cell_run):
    name = f" ({cell_run.grade_id!r})" if cell_run.grade_id else ""
    return f"cell {cell_run.index + 1}{name}"


def _release_record(notebook, release):
    """The release's record: from ``release`` (a path) if given, else the notebook's metadata."""
    if release is not None:
        released = nbformat.read(str(release), as_version=4)
        return released.metadata.get(METADATA_KEY) or record(released)
    found = notebook.metadata.get(METADATA_KEY)
    if found is None:
        raise ValueError(
            "the notebook holds no record of its release (metadata 'mlkit_release'): it was "
            "not released by this course, or its metadata was removed. Pass the released "
            "notebook with --release PATH.")
    return found


def check_notebook(path, *, release=None, timeout=None):
    """Check a notebook as the autograder would grade it.

    Args:
        path: the student's notebook.
        release: the released notebook to compare with; by default the record
            the release left in the notebook's metadata.
        timeout: each cell's time limit in seconds; by default the release's.

    Returns:
        A :class:`Report`.

    Raises:
        FileNotFoundError: if there is no notebook at ``path``.
        ValueError: if the file is not a notebook, or its release is unknown.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:
        raise ValueError(f"{path} is not a readable Jupyter notebook: {error}") from None
    released = _release_record(notebook, release)
    timeout = timeout or released.get("timeout") or DEFAULT_TIMEOUT
    problems = structure_problems(notebook, released)
    warnings = []

    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and asks_for_input(cell.source):
            problems.append(f"cell {index + 1} calls input(): the grader cannot type an answer, "
                            "so the cell fails there. Set the value in the code instead.")
        for name in own_files(cell.source) if cell.cell_type == "code" else []:
            problems.append(f"cell {index + 1} reads {name}, a file of this machine that the "
                            "grader will not have: only the notebook is submitted.")

    _, runs, seconds = run(notebook, timeout)
    for cell_run in runs:
        ename, evalue = cell_run.error or (None, None)
        # nbgrader interrupts a cell at its time limit: it ends in KeyboardInterrupt.
        if ename in ("CellTimeoutError", "KeyboardInterrupt") or (
                (cell_run.seconds or 0) >= timeout):
            problems.append(f"{_where(cell_run)} took longer than the limit of {timeout:g} s: "
                            "the grader stops it there, and it scores nothing.")
        elif ename in FILE_ERRORS:
            problems.append(f"{_where(cell_run)} reads a file the grader will not have "
                            f"({ename}: {evalue}). Only the notebook is submitted: build the "
                            "data in the notebook, or use mlkit.datasets.")
        elif cell_run.seconds and cell_run.seconds > timeout / 2:
            warnings.append(f"{_where(cell_run)} took {cell_run.seconds:.0f} s, more than half "
                            f"the limit of {timeout:g} s: the grader's machine may be slower.")

    kinds = {entry["grade_id"]: entry for entry in released["cells"]}
    parts, seen = [], set()
    for cell_run in runs:
        entry = kinds.get(cell_run.grade_id)
        if entry is None or entry["kind"] != "test" or cell_run.grade_id in seen:
            continue
        seen.add(cell_run.grade_id)
        error = None if cell_run.error is None else (
            f"{cell_run.error[0]}: {cell_run.error[1]}".rstrip(": "))
        if cell_run.error and cell_run.error[0] == "NotImplementedError":
            error = "not answered yet (what it tests still raises NotImplementedError)"
        parts.append((cell_run.grade_id, entry["points"], entry.get("hidden", 0), error))
    return Report(path, parts, problems, warnings, seconds, timeout)


def _notebook_path():
    """The path of the notebook this kernel runs, as Jupyter or VS Code tell it, or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else {}
    for found in (namespace.get("__session__"), namespace.get("__vsc_ipynb_file__"),
                  os.environ.get("JPY_SESSION_NAME")):
        if found and str(found).endswith(".ipynb") and Path(found).is_file():
            return Path(found)
    return None


def check(path=None, *, release=None):
    """Check the notebook before submitting it; print the report and return it.

    Called with no argument inside a notebook, it finds the notebook's path from
    Jupyter (save the notebook first: the file on disk is what is checked).

    Args:
        path: the notebook; by default the one this kernel runs.
        release: as in :func:`check_notebook`.

    Returns:
        The :class:`Report`, or None when there is nothing to check: inside the
        check's own run of the notebook, or when the notebook's path is unknown.
    """
    if os.environ.get(RUNNING):
        return None  # the notebook calls check() and is being checked: do not recurse
    path = path or _notebook_path()
    if path is None:
        print("mlkit.presubmit.check: this kernel does not know its notebook's path; "
              "call check('path/to/notebook.ipynb').")
        return None
    report = check_notebook(path, release=release)
    print(report)
    return report


def main(argv=None):
    """Entry point of ``mlkit-check``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="mlkit-check",
        description="Run a notebook as the autograder will and report what would cost points.")
    parser.add_argument("notebook", help="the notebook to check")
    parser.add_argument("--release", help="the released notebook to compare with (default: "
                        "the record the release left in the notebook)")
    parser.add_argument("--timeout", type=float, help="each cell's time limit in seconds "
                        "(default: the release's)")
    args = parser.parse_args(argv)
    try:
        report = check_notebook(args.notebook, release=args.release, timeout=args.timeout)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
