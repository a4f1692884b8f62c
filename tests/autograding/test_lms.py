"""``mlkit-grade export --format canvas|moodle``: the files the LMSs' gradebooks import.

A small class is graded with a due date in the gradebook (nbgrader's ``db
assignment add --duedate``), a late-penalty plugin in ``nbgrader_config.py``
(nbgrader's documented example: one point per hour late) and submissions
stamped on time and late (``timestamp.txt``, as nbgrader's collect writes it).
Each file is then read by the column rules its LMS documents.
"""

import csv
import shutil
import subprocess
import sys

import pytest

from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.helpers import tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

# nbgrader's documentation, "Late submission plugin": subtract one point per hour late.
LATE_PLUGIN = '''
import math
from nbgrader.plugins import LateSubmissionPlugin

class SubtractPerHour(LateSubmissionPlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return math.ceil(total_seconds_late / 3600)

c.AssignLatePenalties.plugin_class = SubtractPerHour
'''

ROSTER = ("id,first_name,last_name,email,lms_user_id\n"
          "kim01,Min-ji,Kim,kim@example.org,1001\n"
          "lee02,Jun,Lee,lee@example.org,\n"
          "park03,\"Seo, Yeon\",Park,park@example.org,1003\n")


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """The class graded: kim01 on time, lee02 2.5 hours late, park03 without a submission."""
    course = tmp_path_factory.mktemp("lms") / "course"
    shutil.copytree(released_course, course)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(LATE_PLUGIN)
    (course / "students.csv").write_text(ROSTER)
    assert mlkit_grade(course, "roster", "import", str(course / "students.csv")).returncode == 0
    subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "add", ASSIGNMENT,
                    "--duedate=2026-10-01 12:00:00 UTC"], cwd=course, env=tool_env(), check=True,
                   capture_output=True)
    for student, stamp in [("kim01", "2026-10-01 11:00:00.000000 UTC"),
                           ("lee02", "2026-10-01 14:30:00.000000 UTC")]:
        path = submit(course, student, {})
        (path.parent / "timestamp.txt").write_text(stamp)
    result = mlkit_grade(course, "autograde")
    assert result.returncode == 0, result.stderr[-3000:]
    return course


def _export(course, fmt, *extra):
    target = course / f"{fmt}.csv"
    result = mlkit_grade(course, "export", str(target), "--format", fmt, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    with target.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def _number(text):
    value = float(text)  # a gradebook rejects what is not a number
    assert value >= 0
    return value


def test_canvas_file_follows_canvas_column_rules(graded):
    """Canvas: Student, ID, SIS User ID, SIS Login ID, Section, then the assignments; a
    Points Possible row; each student identified by ID or SIS User ID; numbers only."""
    rows = _export(graded, "canvas")
    header, points, *students = rows
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert points[0] == "Points Possible" and _number(points[5]) == 14
    by_sis = {}
    for row in students:
        assert len(row) == len(header)
        assert row[1] or row[2] or row[3], f"row {row} identifies no student"
        assert _number(row[5]) <= _number(points[5])
        by_sis[row[2]] = row
    assert by_sis["kim01"][:2] == ["Kim, Min-ji", "1001"]  # the roster's lms_user_id
    assert by_sis["lee02"][1] == ""                         # none in the roster: SIS id only
    assert by_sis["park03"][:2] == ["Park, Seo, Yeon", "1003"]
    # 14 points; lee02 was 2.5 hours late: the plugin takes 3; park03 submitted nothing
    assert {sis: float(row[5]) for sis, row in by_sis.items()} == {
        "kim01": 14.0, "lee02": 11.0, "park03": 0.0}


def test_moodle_file_follows_moodle_column_rules(graded):
    """Moodle: a column to map to useridnumber (unique), one to useremail, grade columns."""
    header, *students = _export(graded, "moodle")
    assert header == ["ID number", "Email address", "First name", "Last name", ASSIGNMENT]
    ids = [row[0] for row in students]
    assert len(set(ids)) == len(ids) and all(ids)
    grades = {row[0]: _number(row[4]) for row in students}
    assert grades == {"1001": 14.0, "lee02": 11.0, "1003": 0.0}
    assert {row[1] for row in students} == {"kim@example.org", "lee@example.org",
                                            "park@example.org"}


def test_penalty_is_nbgraders(graded):
    """The penalty is the one nbgrader's own export reports (assigned at autograde)."""
    target = graded / "nbgrader.csv"
    assert mlkit_grade(graded, "export", str(target)).returncode == 0
    with target.open() as file:
        stock = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert stock == {"kim01": 14.0, "lee02": 11.0, "park03": 0.0}


def test_unknown_assignment_is_named(graded):
    """An assignment that is not in the gradebook is refused with the ones that are."""
    result = mlkit_grade(graded, "export", str(graded / "x.csv"), "--format", "canvas",
                         "--assignment", "nope")
    assert result.returncode == 2
    assert "not in the gradebook: nope" in result.stderr and ASSIGNMENT in result.stderr
