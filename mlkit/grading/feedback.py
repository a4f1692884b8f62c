"""Feedback that names each hidden check and its result, and shows none of its code or values.

Stock ``nbgrader generate_feedback`` renders the autograded notebook as it is:
the hidden tests' code, their expected values and the tracebacks that quote
them are all in the student's HTML (nbgrader issues #1363 and #917).
:class:`HideHiddenTests` is a step of nbgrader's feedback converter that, in
each test cell holding hidden tests,

- keeps the visible code and replaces the hidden code by one comment line;
- replaces the cell's outputs (which may print hidden inputs) by a list of its
  hidden checks, each ``passed``, ``failed`` with a summary that shows no
  value (and the likely mistake, if one was named, and the book section that
  explains it), or ``not run``;
- keeps an error of the visible checks, without its traceback (whose context
  lines may quote the hidden code).

The checks are named by their ``with check("name"):`` blocks
(:mod:`mlkit.grading.hidden`), and a failed one by the first line of its
:class:`~mlkit.testing.CheckError`, which holds no value.
"""

from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from mlkit.grading.hidden import split

__all__ = ["HideHiddenTests", "generate_feedback", "hidden_results"]

HIDDEN_CODE = "# The hidden checks ran here; their code is not shown."


def _failure_line(error, name):
    """The summary line of ``error`` if it is the failure of the check ``name``, else None."""
    prefix = f"Check {name!r} failed: "
    first = error.get("evalue", "").split("\n", 1)[0]
    return first[len(prefix):] if first.startswith(prefix) else None


def hidden_results(names, error):
    """Each hidden check with its result, from the error a test cell ended with.

    The checks run in order, and the first failure stops the cell: before it,
    every check passed; after it, none ran. An error that is no hidden check's
    failure came from the visible part, before any hidden check.

    Args:
        names: the hidden checks' names, in order.
        error: the cell's ``error`` output (a dict), or None if the cell passed.

    Returns:
        A list of ``(name, status, summary)``, status ``"passed"``, ``"failed"``
        or ``"not run"``, summary a sentence for a failure, else ``""``.

    Example:
        >>> error = {"evalue": "Check 'b' failed: wrong shape.\\nexpected: (3,)"}
        >>> hidden_results(["a", "b", "c"], error)
        [('a', 'passed', ''), ('b', 'failed', 'wrong shape.'), ('c', 'not run', '')]
    """
    if error is None:
        return [(name, "passed", "") for name in names]
    for index, name in enumerate(names):
        summary = _failure_line(error, name)
        if summary is not None:
            return ([(n, "passed", "") for n in names[:index]] + [(name, "failed", summary)]
                    + [(n, "not run", "") for n in names[index + 1:]])
    return [(name, "not run", "") for name in names]


# Errors of a cell that was stopped rather than failed: they may come from the hidden part.
STOPPED = {"KeyboardInterrupt", "CellTimeoutError", "DeadKernelError", "SystemExit"}


def _report(results, error):
    """The text shown in place of the cell's outputs; ``error`` is the cell's, if no check's."""
    lines = [f"Hidden checks of this cell ({len(results)}); their code and expected values "
             "are not shown:"]
    for name, status, summary in results:
        lines.append(f"  [{status}] {name}" + (f": {summary}" if summary else ""))
    if error is not None and error.get("ename") in STOPPED:
        lines.append("The cell was stopped (its time limit, memory or a crash) before its "
                     "hidden checks finished (below).")
    elif error is not None:
        lines.append("The hidden checks did not run: a visible check failed first (below).")
    return "\n".join(lines) + "\n"


class HideHiddenTests(NbGraderPreprocessor):
    """Step of ``generate_feedback``: hidden checks named with their results, their code hidden."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        part = split(cell.source)
        if not part.has_hidden:
            return cell, resources
        names = part.names or [f"the hidden checks of {cell.metadata.nbgrader['grade_id']}"]
        errors = [output for output in cell.get("outputs", [])
                  if output.get("output_type") == "error"]
        error = errors[0] if errors else None
        results = hidden_results(names, error)
        if error is not None and not part.names:
            results = [(names[0], "failed", f"the code raised {error.get('ename', 'an error')}.")]
        visible_failed = error is not None and all(status == "not run" for _, status, _ in results)
        cell.source = "\n".join(filter(None, [part.visible.rstrip(), HIDDEN_CODE,
                                              part.after.rstrip()]))
        outputs = [nbformat.v4.new_output("stream", name="stdout",
                                          text=_report(results, error if visible_failed else None))]
        if visible_failed:
            message = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}"
            outputs.append(nbformat.v4.new_output("error", ename=error.get("ename", "Error"),
                                                  evalue=error.get("evalue", ""),
                                                  traceback=[message]))
        elif error is not None:
            failed = next(f"{name}: {summary}" for name, status, summary in results
                          if status == "failed")
            outputs.append(nbformat.v4.new_output("error", ename="HiddenCheckFailed",
                                                  evalue=failed,
                                                  traceback=[f"Hidden check failed: {failed}"]))
        cell.outputs = outputs
        return cell, resources


def _config(course):
    """The course's nbgrader config, with :class:`HideHiddenTests` in the feedback converter."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config_file = Path(course) / "nbgrader_config.py"
    if config_file.exists():
        config.merge(PyFileConfigLoader(str(config_file)).load_config())
    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests,
                                             CSSHTMLHeaderPreprocessor]
    config.CourseDirectory.root = str(Path(course).resolve())
    return config


def generate_feedback(course, assignments=None, *, log=print):
    """Write the feedback of every autograded submission, hidden checks hidden.

    nbgrader's own ``generate_feedback`` (through its API), with
    :class:`HideHiddenTests` among its steps.

    Args:
        course: the course directory.
        assignments: names of assignments, or None for every autograded one.
        log: called with each line of nbgrader's log when a step fails.

    Returns:
        The exit status: 0 when the feedback of every assignment was written, else 1.
    """
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = _config(course)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    if assignments is None:
        autograded = Path(course) / coursedir.autograded_directory
        assignments = sorted({path.name for path in autograded.glob("*/*") if path.is_dir()})
    status = 0
    for assignment in assignments:
        result = api.generate_feedback(assignment, force=True)
        if not result["success"]:
            status = 1
            log(f"error: the feedback of {assignment!r} was not generated; nbgrader says:")
            for line in (result.get("log", "") + result.get("error", "")).splitlines():
                log(line)
    return status
