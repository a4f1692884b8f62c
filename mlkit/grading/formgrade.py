"""The checker's results in nbgrader's formgrader, where a TA grades by hand.

nbgrader's formgrader renders an autograded notebook with nbconvert's
``HTMLExporter``, which takes its steps from the course's configuration.
:class:`ShowCheckResults`, named in ``nbgrader_config.py``::

    c.HTMLExporter.preprocessors = ["mlkit.grading.formgrade.ShowCheckResults"]

adds under each graded test cell the list of its named checks, visible and
hidden, each passed or failed with its summary, the likely mistake it
recognised and the book section, read from the cell's ``mlkit`` metadata
(:func:`mlkit.grading.sandbox.execute`). A TA sees at a glance what the
checker found, then overrides a score or leaves a comment in the formgrader as
usual. Students never see this: nbgrader's feedback converter replaces the
exporter's steps with its own (:mod:`mlkit.grading.feedback`).
"""

import nbformat
from nbconvert.preprocessors import Preprocessor

__all__ = ["ShowCheckResults", "check_lines"]

HEADER = "The checker's results (shown to graders only):"


def check_lines(record):
    """The lines that describe a test cell's checker record.

    Args:
        record: the cell's ``mlkit`` metadata: ``{"checks": [...], "failure": ...}``.

    Returns:
        A list of strings, one per check (and one for a failure outside the named checks).

    Example:
        >>> check_lines({"checks": [{"name": "f(0)", "passed": True},
        ...                         {"name": "f(X)", "passed": False, "summary": "2 of 3 differ",
        ...                          "mistake": "x >= 0", "link": "book/a.html#f"}]})
        ['[passed] f(0)',
         '[failed] f(X): 2 of 3 differ; likely mistake: x >= 0; book: book/a.html#f']
    """
    lines = []
    items = [item for item in record.get("checks") or [] if isinstance(item, dict)]
    failure = record.get("failure")
    if isinstance(failure, dict):
        items.append({"name": "the visible checks", "passed": False, **failure})
    for item in items:
        line = f"[{'passed' if item.get('passed') else 'failed'}] {item.get('name', '?')}"
        details = [str(item["summary"])] if item.get("summary") else []
        if item.get("mistake"):
            details.append(f"likely mistake: {item['mistake']}")
        if item.get("link"):
            details.append(f"book: {item['link']}")
        lines.append(line + (": " + "; ".join(details) if details else ""))
    return lines


class ShowCheckResults(Preprocessor):
    """nbconvert step: each graded test cell's checker results as one more output."""

    def preprocess_cell(self, cell, resources, index):
        grading = cell.get("metadata", {}).get("nbgrader", {})
        record = cell.get("metadata", {}).get("mlkit")
        if cell.get("cell_type") == "code" and grading.get("grade") and isinstance(record, dict):
            lines = check_lines(record)
            if lines:
                text = "\n".join([HEADER, *(f"  {line}" for line in lines)]) + "\n"
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        return cell, resources
