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
(:mod:`mlkit.grading.hidden`); their results are those the trusted checker
recorded, as data, in the cell's metadata (``mlkit.checks``: one
:class:`~mlkit.testing.checks.CheckResult` each) when ``mlkit-grade
autograde`` graded it. A check with no record did not run.
"""

import logging
from pathlib import Path
from types import MappingProxyType

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from mlkit.grading import catalogues, test_texts
from mlkit.grading.catalogues import cell_context
from mlkit.grading.course import course_config
from mlkit.grading.feedback_page import TEMPLATE_DIR, TEMPLATE_FILE, PageWords
from mlkit.grading.hidden import split
from mlkit.grading.translate import translate_cell
from mlkit.grading.translations import catalogue_path
from mlkit.messages import shown, tr, translated, using
from mlkit.messages.language import of_submission
from mlkit.messages.text import Text
from mlkit.testing.checks import CheckResult

__all__ = ["HideHiddenTests", "feedback_config", "generate_feedback", "hidden_results"]

_log = logging.getLogger(__name__)

HIDDEN_CODE = tr("# The hidden checks ran here; their code is not shown.")


def hidden_results(names, recorded):
    """Each hidden check with its result, from the checker's records of a test cell.

    Args:
        names: the hidden checks' names, in order.
        recorded: the cell's ``mlkit.checks`` metadata: a list of dicts with the
            fields of :class:`~mlkit.testing.checks.CheckResult`.

    Returns:
        A list of ``(name, status, summary)``, status ``"passed"``, ``"failed"``
        or ``"not run"``, summary a sentence for a failure (in the language
        chosen now, :mod:`mlkit.messages`), else ``""``.

    Example:
        >>> recorded = [{"name": "a", "passed": True},
        ...             {"name": "b", "passed": False, "summary": "wrong shape"}]
        >>> hidden_results(["a", "b", "c"], recorded)
        [('a', 'passed', ''), ('b', 'failed', 'wrong shape.'), ('c', 'not run', '')]
    """
    results = {}
    for record in recorded or []:
        if isinstance(record, dict) and record.get("name") in names:
            result = CheckResult.from_record(record)
            results.setdefault(result.name, result)
    return [(name, "not run", "") if name not in results else
            (name, "passed" if results[name].passed else "failed", results[name].sentence())
            for name in names]


# Errors of a cell that was stopped rather than failed: they may come from the hidden part.
STOPPED = frozenset({"KeyboardInterrupt", "CellTimeoutError", "DeadKernelError", "SystemExit"})


# The statuses of a hidden check, as the feedback shows them ("[passed] f(X)").
STATUSES = MappingProxyType({
    # Translators: the status of a hidden check in a graded notebook's feedback.
    "passed": tr("passed"),
    # Translators: the status of a hidden check in a graded notebook's feedback.
    "failed": tr("failed"),
    # Translators: the status of a hidden check in a graded notebook's feedback.
    "not run": tr("not run"),
})


def _report(results, error):
    """The text shown in place of the cell's outputs; ``error`` is the cell's, if no check's."""
    lines = [shown("Hidden checks of this cell (%(count)s); their code and expected values are "
                   "not shown:", count=len(results))]
    for name, status, summary in results:
        lines.append(f"  [{translated(STATUSES[status])}] {translated(name)}"
                     + (f": {summary}" if summary else ""))
    if error is not None and error.get("ename") in STOPPED:
        lines.append(shown("The cell was stopped (its time limit, memory or a crash) before its "
                           "hidden checks finished (below)."))
    elif error is not None:
        lines.append(shown("The hidden checks did not run: a visible check failed first "
                           "(below)."))
    return "\n".join(lines) + "\n"


class HideHiddenTests(NbGraderPreprocessor):
    """Step of ``generate_feedback``: hidden checks named with their results, their code hidden.

    Its words are in the language of the notebook's release
    (:func:`mlkit.messages.language.of_submission`): Korean for the Korean release.
    """

    release = Unicode("", help="The course's release folder, whose catalogues translate the "
                               "checks' names (mlkit.grading.test_texts).").tag(config=True)

    def preprocess(self, nb, resources):
        names = resources.get("nbgrader", {})
        self._texts = {}
        if self.release and names.get("assignment") and names.get("notebook"):
            self._texts = test_texts.table(self.release, names["assignment"], names["notebook"])
        with using(of_submission(nb)):
            return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        part = split(cell.source)
        if not part.has_hidden:
            return cell, resources
        texts = getattr(self, "_texts", {})
        names = [Text(name, texts.get(name)) for name in part.names] or [
            shown("the hidden checks of %(test)s", test=cell.metadata.nbgrader["grade_id"])]
        errors = [output for output in cell.get("outputs", [])
                  if output.get("output_type") == "error"]
        error = errors[0] if errors else None
        results = hidden_results(names, cell.metadata.get("mlkit", {}).get("checks"))
        if error is not None and not part.names:
            results = [(names[0], "failed",
                        shown("the code raised %(error)s.", error=error.get("ename", "Error")))]
        visible_failed = error is not None and all(status == "not run" for _, status, _ in results)
        cell.source = "\n".join(filter(None, [part.visible.rstrip(), translated(HIDDEN_CODE),
                                              part.after.rstrip()]))
        outputs = [nbformat.v4.new_output("stream", name="stdout",
                                          text=_report(results, error if visible_failed else None))]
        if visible_failed:
            message = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}"
            outputs.append(nbformat.v4.new_output("error", ename=error.get("ename", "Error"),
                                                  evalue=error.get("evalue", ""),
                                                  traceback=[message]))
        elif error is not None:
            failed = next((f"{translated(name)}: {summary}" for name, status, summary in results
                           if status == "failed"), shown("a hidden check failed."))
            outputs.append(nbformat.v4.new_output(
                "error", ename="HiddenCheckFailed", evalue=failed,
                traceback=[shown("Hidden check failed: %(check)s", check=failed)]))
        cell.outputs = outputs
        return cell, resources


class TranslateTextCells(NbGraderPreprocessor):
    """Step of ``generate_feedback``: a translated release's text cells in its language again.

    When it grades, nbgrader puts the gradebook's (English) text back in place
    of every locked cell, the text cells of a translated release included. For
    a submission of a translated release (its notebook metadata names the
    language), each text cell is translated again from the assignment's
    catalogue in the release folder, as the release itself was written
    (:func:`mlkit.grading.translate.translate_cell`: a cell without a current
    translation stays English). The scores are not touched.
    """

    release = Unicode("", help="The course's release folder, which holds the catalogues "
                               "(<release>/locales/<language>/LC_MESSAGES/<assignment>.po)."
                      ).tag(config=True)

    def preprocess(self, nb, resources):
        language = of_submission(nb)
        if language == "en":
            return nb, resources
        assignment = resources["nbgrader"]["assignment"]
        path = catalogue_path(self.release, language, assignment)
        if not path.is_file():
            return nb, resources
        catalog = catalogues.read(path, locale=language)
        name = resources["nbgrader"]["notebook"]
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                text = translate_cell(cell.source, cell_context(name, cell, index), catalog)
                if text is not None:
                    cell.source = text
        return nb, resources


def feedback_config(course):
    """The course's nbgrader config, with :class:`HideHiddenTests` in the feedback converter,
    and its page's words in the submission's language (:mod:`mlkit.grading.feedback_page`)."""
    import nbgrader
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    config = course_config(course)
    config.GenerateFeedback.preprocessors = [GetGrades, TranslateTextCells, HideHiddenTests,
                                             PageWords, CSSHTMLHeaderPreprocessor]
    # nbgrader's template "feedback" (its folder, as nbgrader sets it when not configured), with
    # mlkit's file beside it, which extends it.
    stock = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(stock), str(TEMPLATE_DIR)]
    config.HTMLExporter.template_file = TEMPLATE_FILE
    release = config.CourseDirectory.get("release_directory", "release")
    config.TranslateTextCells.release = str(Path(course).resolve() / release)
    config.HideHiddenTests.release = str(Path(course).resolve() / release)
    return config


def generate_feedback(course, assignments=None, *, log=print):
    """Write the feedback of every autograded submission, hidden checks hidden.

    nbgrader's own ``generate_feedback`` (through its API), with
    :class:`HideHiddenTests` among its steps.

    Args:
        course: the course directory.
        assignments: names of assignments, or None for every autograded one.
        log: called with a line for each assignment whose feedback failed
            (nbgrader's own log of it goes to the logger of this module).

    Returns:
        The exit status: 0 when the feedback of every assignment was written, else 1.
    """
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = feedback_config(course)
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
            log(f"error: the feedback of {assignment!r} was not generated")
            _log.info("nbgrader's log of the feedback of %r:\n%s%s", assignment,
                      result.get("log", ""), result.get("error", ""))
    return status
