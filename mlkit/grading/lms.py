"""Grades in the CSV files that Canvas's and Moodle's gradebooks import.

Both files have one row per student of the gradebook (a student with no
submission scores 0, as in ``nbgrader export``) and one column per assignment,
holding the score after the late penalty. The late penalty is nbgrader's own:
the course's ``AssignLatePenalties.plugin_class`` (a
``nbgrader.plugins.LateSubmissionPlugin``, configured in ``nbgrader_config.py``,
e.g. ``c.LateSubmissionPlugin.penalty_method = "zero"`` or a subclass), asked
for each late notebook with its current score (so a score a TA changed in the
formgrader is penalised as it now stands), and bounded by
``AssignLatePenalties`` as nbgrader bounds it. How late a submission is comes
from nbgrader too: its ``timestamp.txt`` and the assignment's due date in the
gradebook (``nbgrader db assignment add NAME --duedate="2026-10-01 23:59 UTC"``).

Canvas (:func:`canvas_rows`): the columns of Canvas's gradebook export, which
its gradebook import reads back — ``Student`` ("Last, First"), ``ID`` (Canvas's
user id), ``SIS User ID``, ``SIS Login ID``, ``Section`` — then one column per
assignment, and a ``Points Possible`` row under the header. Canvas matches a
row to a student by ``ID``, ``SIS User ID`` or ``SIS Login ID``; an assignment
column that is not yet in the course becomes a new assignment. See Canvas's
"How do I import grades in the Gradebook?" and "How do I export grades in the
Gradebook?" (community.canvaslms.com, Instructor Guide).

Moodle (:func:`moodle_rows`): Moodle's CSV grade import needs one column that
identifies the user, mapped at import ("Map from" a column, "Map to"
``useridnumber``, ``useremail`` or ``username``), and one column per grade
item; see "Grade import" in MoodleDocs (docs.moodle.org/en/Grade_import). The
file has ``ID number`` (for ``useridnumber``), ``Email address`` (for
``useremail``), ``First name``, ``Last name``, then the assignments.

In both, the LMS's id of a student is the roster's ``lms_user_id`` (nbgrader's
``Student.lms_user_id``, imported with ``mlkit-grade roster import``) where the
roster gives one; for Moodle's ``ID number``, the nbgrader student id otherwise.
"""

import csv
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from nbgrader.api import Gradebook, MissingEntry

__all__ = ["CANVAS_COLUMNS", "FORMATS", "MOODLE_COLUMNS", "Grade", "canvas_rows", "grades",
           "moodle_rows", "write_csv"]

# Canvas's gradebook export and import: these five columns, then the assignments.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
# Moodle's grade import: a user identifier column (mapped at import), then grade items.
MOODLE_COLUMNS = ("ID number", "Email address", "First name", "Last name")


@dataclass
class Grade:
    """One student's grade for one assignment.

    Attributes:
        raw: the score before the late penalty (0 without a submission).
        penalty: the late penalty nbgrader's plugin gave (0 when on time).
        max_score: the assignment's points.
        seconds_late: how late the submission was (0 when on time or missing).
    """

    raw: float
    penalty: float
    max_score: float
    seconds_late: float = 0.0

    @property
    def score(self):
        """The score after the penalty, never below zero."""
        return max(0.0, self.raw - self.penalty)


def _penalties(config):
    """nbgrader's step that assigns late penalties, with the course's plugin."""
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties(config=config)
    step.init_plugin()
    return step


def grades(db_url, config, assignments=None):
    """Every student's grade for every assignment, with nbgrader's late penalties.

    Args:
        db_url: the gradebook's URL.
        config: the course's nbgrader configuration (a traitlets ``Config``).
        assignments: the names of the assignments (default: every one, by due date, then name).

    Returns:
        ``(students, names, table)``: the gradebook's students (dicts of
        ``id, first_name, last_name, email, lms_user_id``, sorted by id), the
        assignment names, and ``{(student, assignment): Grade}``.

    Raises:
        ValueError: if an assignment named is not in the gradebook.
    """
    step = _penalties(config)
    table = {}
    with Gradebook(db_url) as gradebook:
        known = sorted(gradebook.assignments,
                       key=lambda a: (a.duedate is None, a.duedate or datetime.min, a.name))
        names = [a.name for a in known]
        if assignments is not None:
            unknown = sorted(set(assignments) - set(names))
            if unknown:
                raise ValueError(f"not in the gradebook: {', '.join(unknown)} (expected some of: "
                                 f"{', '.join(names) or 'none'})")
            names = [name for name in names if name in assignments]
        students = [{"id": s.id, "first_name": s.first_name or "", "last_name": s.last_name or "",
                     "email": s.email or "", "lms_user_id": s.lms_user_id or ""}
                    for s in sorted(gradebook.students, key=lambda s: s.id)]
        for assignment in (a for a in known if a.name in names):
            for student in students:
                try:
                    submission = gradebook.find_submission(assignment.name, student["id"])
                except MissingEntry:
                    table[student["id"], assignment.name] = Grade(0.0, 0.0, assignment.max_score)
                    continue
                late = submission.total_seconds_late
                penalty = 0.0
                if late > 0:
                    for notebook in submission.notebooks:
                        value = step.plugin_inst.late_submission_penalty(
                            student["id"], notebook.score, late)
                        if value is not None:
                            penalty += step._check_late_penalty(notebook, value)
                table[student["id"], assignment.name] = Grade(
                    submission.score, penalty, assignment.max_score, late)
    return students, names, table


def _number(value):
    """A score as the gradebooks read it: no trailing zeros, no float noise.

    Example:
        >>> _number(13.0), _number(2.5), _number(0.1 + 0.2)
        ('13', '2.5', '0.3')
    """
    return f"{round(value, 4):g}"


def canvas_rows(students, names, table):
    """The rows of Canvas's gradebook import file (header, ``Points Possible``, students)."""
    rows = [[*CANVAS_COLUMNS, *names]]
    points = {name: next((g.max_score for (_, a), g in table.items() if a == name), 0)
              for name in names}
    rows.append(["Points Possible", "", "", "", ""] + [_number(points[n]) for n in names])
    for student in students:
        name = ", ".join(part for part in (student["last_name"], student["first_name"]) if part)
        rows.append([name or student["id"], student["lms_user_id"], student["id"], "", ""]
                    + [_number(table[student["id"], n].score) for n in names])
    return rows


def moodle_rows(students, names, table):
    """The rows of Moodle's CSV grade import file (header, then students)."""
    rows = [[*MOODLE_COLUMNS, *names]]
    for student in students:
        rows.append([student["lms_user_id"] or student["id"], student["email"],
                     student["first_name"], student["last_name"]]
                    + [_number(table[student["id"], n].score) for n in names])
    return rows


FORMATS = MappingProxyType({"canvas": canvas_rows, "moodle": moodle_rows})


def write_csv(course, path, fmt, assignments=None):
    """Write the course's grades to ``path`` in an LMS's import format.

    Args:
        course: the course directory.
        path: the CSV file to write (UTF-8, comma-separated, fields quoted as needed).
        fmt: ``"canvas"`` or ``"moodle"``.
        assignments: the assignments to include (default: all).

    Returns:
        The number of students written.

    Raises:
        ValueError: for an unknown format or assignment.
    """
    from nbgrader.coursedir import CourseDirectory

    from mlkit.grading.course import course_config

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(sorted(FORMATS))}")
    config = course_config(course)
    students, names, table = grades(CourseDirectory(config=config).db_url, config, assignments)
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(FORMATS[fmt](students, names, table))
    return len(students)
