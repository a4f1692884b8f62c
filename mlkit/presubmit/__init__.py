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
notebook cannot be checked, and 0 otherwise. It prints its own lines only:
what the libraries and the kernel say goes to ``.mlkit-check.log`` beside the
notebook, named at the end when the check failed.
"""

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import nbformat

from mlkit.grading.details import Details
from mlkit.grading.release import METADATA_KEY, record
from mlkit.grading.test_texts import METADATA_KEY as TEXTS_KEY
from mlkit.messages import shown, tr, translated, using
from mlkit.messages.kernel import notebook_path
from mlkit.messages.language import choose
from mlkit.presubmit.run import FILE_ERRORS, RUNNING, asks_for_input, own_files, run
from mlkit.presubmit.structure import structure_problems

__all__ = ["Report", "check", "check_notebook", "main"]

DEFAULT_TIMEOUT = 120
# The command's details file, beside the notebook checked
LOG = ".mlkit-check.log"


@dataclasses.dataclass
class Report:
    """The result of a pre-submit check.

    Its sentences are :class:`~mlkit.messages.Message` s, English until the
    report is shown: ``str(report)`` says them in ``language``.

    Attributes:
        path: the notebook checked.
        parts: ``(grade_id, points, hidden, error)`` per test cell, in order;
            ``error`` is None when its visible checks passed, else a sentence.
        problems: sentences, one per thing that would cost points.
        warnings: sentences about things that cost nothing yet (a slow cell).
        seconds: how long the check took.
        timeout: each cell's time limit.
        language: the language of the report and of the checks' messages,
            ``"en"`` or ``"ko"`` (:func:`mlkit.messages.language.choose`).
    """

    path: Path
    parts: list
    problems: list
    warnings: list
    seconds: float
    timeout: float
    language: str = "en"

    @property
    def ok(self):
        """True when nothing would cost points."""
        return not self.problems and all(error is None for _, _, _, error in self.parts)

    def __str__(self):
        with using(self.language):
            return "\n".join(self._lines())

    def _lines(self):
        lines = [shown("Checked %(path)s as the autograder runs it: a fresh kernel, top to "
                       "bottom, at most %(timeout)s s per cell (%(seconds)s s).", path=self.path,
                       timeout=f"{self.timeout:g}", seconds=f"{self.seconds:.1f}"), "",
                 shown("Parts (visible checks only):")]
        for grade_id, points, hidden, error in self.parts:
            mark = "ok  " if error is None else "FAIL"
            hidden_text = "" if not hidden else (
                shown("; %(count)s hidden check not run here (it runs at grading)", count=hidden)
                if hidden == 1 else
                shown("; %(count)s hidden checks not run here (they run at grading)",
                      count=hidden))
            status = shown("visible checks passed") if error is None else shown(
                "failed: %(error)s", error=translated(error))
            worth = shown("%(points)s pt", points=f"{points:g}")
            lines.append(f"  [{mark}] {grade_id} ({worth}): {status}{hidden_text}")
        if not self.parts:
            lines.append("  " + shown("(no graded cells found)"))
        if self.problems:
            lines += ["", shown("Problems that would cost points:")]
            lines += [f"  - {translated(problem)}" for problem in self.problems]
        if self.warnings:
            lines += ["", shown("Warnings:")]
            lines += [f"  - {translated(warning)}" for warning in self.warnings]
        failing = sum(error is not None for _, _, _, error in self.parts)
        lines += ["", shown("Result: %(problems)s problem(s), %(failing)s of %(parts)s part(s) "
                            "failing their visible checks.", problems=len(self.problems),
                            failing=failing, parts=len(self.parts)) if not self.ok else
                  shown("Result: all %(parts)s parts pass their visible checks and nothing else "
                        "would cost points. Passing visible checks is not yet full marks: the "
                        "hidden checks run at grading.", parts=len(self.parts))]
        return lines


def _where(cell_run):
    if cell_run.grade_id:
        return tr("cell %(number)s (%(cell)s)", number=cell_run.index + 1,
                  cell=repr(cell_run.grade_id))
    return tr("cell %(number)s", number=cell_run.index + 1)


def _release_record(notebook, release):
    """The release's record: from ``release`` (a path) if given, else the notebook's metadata."""
    if release is not None:
        released = nbformat.read(str(release), as_version=4)
        return released.metadata.get(METADATA_KEY) or record(released)
    found = notebook.metadata.get(METADATA_KEY)
    if found is None:
        raise ValueError(shown(
            "the notebook holds no record of its release (metadata 'mlkit_release'): it was "
            "not released by this course, or its metadata was removed. Pass the released "
            "notebook with --release PATH."))
    return found


def check_notebook(path, *, release=None, timeout=None, kernel_output=None):
    """Check a notebook as the autograder would grade it.

    Args:
        path: the student's notebook.
        release: the released notebook to compare with; by default the record
            the release left in the notebook's metadata.
        timeout: each cell's time limit in seconds; by default the release's.
        kernel_output: a file for what the kernel process itself prints
            (:func:`mlkit.presubmit.run.run`), or None for this process's.

    Returns:
        A :class:`Report`.

    The report and the checks' messages are in the language
    :func:`mlkit.messages.language.choose` picks for the notebook: Korean for
    the Korean release (metadata ``{"mlkit": {"language": "ko"}}``) or when
    the student asks for it (``MLKIT_LANG=ko``, a Korean locale).

    Raises:
        FileNotFoundError: if there is no notebook at ``path``.
        ValueError: if the file is not a notebook, its release is unknown, or
            ``MLKIT_LANG`` or the notebook's metadata names an unknown language.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(shown("no notebook at %(path)s", path=path))
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:
        raise ValueError(shown("%(path)s is not a readable Jupyter notebook: %(error)s",
                               path=path, error=error)) from None
    language = choose(notebook)
    with using(language):
        released = _release_record(notebook, release)
    timeout = timeout or released.get("timeout") or DEFAULT_TIMEOUT
    problems = structure_problems(notebook, released)
    warnings = []

    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and asks_for_input(cell.source):
            problems.append(tr("cell %(number)s calls input(): the grader cannot type an "
                               "answer, so the cell fails there. Set the value in the code "
                               "instead.", number=index + 1))
        for name in own_files(cell.source) if cell.cell_type == "code" else []:
            problems.append(tr("cell %(number)s reads %(file)s, a file of this machine that the "
                               "grader will not have: only the notebook is submitted.",
                               number=index + 1, file=name))

    # the translated release's own translations of its test cells' texts (mlkit.grading.translate)
    texts = notebook.metadata.get(TEXTS_KEY)
    _, runs, seconds = run(notebook, timeout, language=language, kernel_output=kernel_output,
                           texts=texts if isinstance(texts, dict) else None)
    for cell_run in runs:
        ename, evalue = cell_run.error or (None, None)
        # nbgrader interrupts a cell at its time limit: it ends in KeyboardInterrupt.
        if ename in ("CellTimeoutError", "KeyboardInterrupt") or (
                (cell_run.seconds or 0) >= timeout):
            problems.append(tr("%(cell)s took longer than the limit of %(timeout)s s: the "
                               "grader stops it there, and it scores nothing.",
                               cell=_where(cell_run), timeout=f"{timeout:g}"))
        elif ename in FILE_ERRORS:
            problems.append(tr("%(cell)s reads a file the grader will not have (%(error)s). "
                               "Only the notebook is submitted: build the data in the notebook, "
                               "or use mlkit.datasets.", cell=_where(cell_run),
                               error=f"{ename}: {evalue}"))
        elif cell_run.seconds and cell_run.seconds > timeout / 2:
            warnings.append(tr("%(cell)s took %(seconds)s s, more than half the limit of "
                               "%(timeout)s s: the grader's machine may be slower.",
                               cell=_where(cell_run), seconds=f"{cell_run.seconds:.0f}",
                               timeout=f"{timeout:g}"))

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
            error = tr("not answered yet (what it tests still raises NotImplementedError)")
        parts.append((cell_run.grade_id, entry["points"], entry.get("hidden", 0), error))
    return Report(path, parts, problems, warnings, seconds, timeout, language)


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
    path = path or notebook_path()
    if path is None:
        print(shown("mlkit.presubmit.check: this kernel does not know its notebook's path; "
                    "call check('path/to/notebook.ipynb')."))
        return None
    report = check_notebook(path, release=release)
    print(report)
    return report


def _words(message):
    """``message`` in the student's language, or in English when MLKIT_LANG is what is wrong."""
    try:
        return translated(message)
    except ValueError:
        return str(message)


def main(argv=None):
    """Entry point of ``mlkit-check``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="mlkit-check", description=_words(tr(
        "Run a notebook as the autograder will and report what would cost points.")))
    parser.add_argument("notebook", help=_words(tr("the notebook to check")))
    parser.add_argument("--release", help=_words(tr(
        "the released notebook to compare with (default: the record the release left in the "
        "notebook)")))
    parser.add_argument("--timeout", type=float, help=_words(tr(
        "each cell's time limit in seconds (default: the release's)")))
    args = parser.parse_args(argv)
    notebook = Path(args.notebook)
    if not notebook.is_file():  # nothing to check, and no folder of its own for the details
        print(_words(tr("error: %(error)s", error=tr("no notebook at %(path)s",
                                                      path=notebook))), file=sys.stderr)
        return 2
    with Details(notebook.parent / LOG) as details:
        try:
            report = check_notebook(notebook, release=args.release, timeout=args.timeout,
                                    kernel_output=details.stream)
        except (FileNotFoundError, ValueError) as error:
            print(_words(tr("error: %(error)s", error=error)), file=sys.stderr)
            if details.written():
                print(_words(tr("details: %(path)s", path=details.path)), file=sys.stderr)
            return 2
    print(report)
    if not report.ok and details.written():
        with using(report.language):
            print(shown("details: %(path)s", path=details.path))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
