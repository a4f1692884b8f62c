"""Tests of the mlkit-grade command line: roster, collect, export, report, and its errors."""

import csv
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.helpers import tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]


@pytest.fixture
def course(released_course, tmp_path):
    path = tmp_path / "course"
    shutil.copytree(released_course, path)
    return path


def test_not_a_course(tmp_path):
    """Run outside a course directory, it says so and exits 2."""
    result = mlkit_grade(tmp_path, "autograde")
    assert result.returncode == 2 and "has no nbgrader_config.py" in result.stderr


def test_roster_import(course):
    """A roster CSV puts the students, with their names, in the gradebook."""
    roster = course / "students.csv"
    roster.write_text("id,first_name,last_name,email\nkim01,Min-ji,Kim,kim@example.org\n"
                      "lee02,Jun,Lee,lee@example.org\n")
    result = mlkit_grade(course, "roster", "import", str(roster))
    assert result.returncode == 0, result.stderr[-2000:]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_student("kim01").last_name == "Kim"
        assert {s.id for s in gradebook.students} == {"kim01", "lee02"}


def test_roster_without_id_column(course):
    """A CSV without an id column is refused with what was expected and received."""
    roster = course / "students.csv"
    roster.write_text("name,email\nKim,kim@example.org\n")
    result = mlkit_grade(course, "roster", "import", str(roster))
    assert result.returncode == 2
    assert "with an `id` column" in result.stderr and "'name,email'" in result.stderr


def test_collect_an_lms_zip(course):
    """An LMS zip lands in submitted/<student>/<assignment>/ through nbgrader's zip_collect."""
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.FileNameCollectorPlugin.named_regexp = "
                     "r'.*/(?P<student_id>[a-z0-9]+)_(?P<file_id>.+\\.ipynb)'\n")
    notebook = submit(course, "template", {})
    archive = course.parent / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for student in ["kim01", "lee02"]:
            zipped.write(notebook, f"{student}_{ASSIGNMENT}.ipynb")
    shutil.rmtree(course / "submitted")
    result = mlkit_grade(course, "collect", str(archive), "--assignment", ASSIGNMENT)
    assert result.returncode == 0, result.stderr[-3000:]
    for student in ["kim01", "lee02"]:
        assert (course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_collect_missing_file(course):
    """A zip that does not exist is named in the error."""
    result = mlkit_grade(course, "collect", "nowhere.zip", "--assignment", ASSIGNMENT)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_grade_export_and_report(course):
    """After autograde, export writes one CSV row per student and report draws the class."""
    submit(course, "kim01", {})
    submit(course, "lee02", None)
    assert mlkit_grade(course, "autograde").returncode == 0
    assert mlkit_grade(course, "export", str(course / "grades.csv")).returncode == 0
    with (course / "grades.csv").open() as file:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert rows == {"kim01": 14.0, "lee02": 0.0}
    result = mlkit_grade(course, "report", str(course / "report.html"))
    assert result.returncode == 0
    page = (course / "report.html").read_text()
    assert "<img src='data:image/png;base64," in page and "2 students" in page
    assert "sigmoid_values</td><td>2</td><td>1 of 2</td>" in page


def test_without_bwrap_it_refuses_unless_told(course):
    """Where bwrap cannot be found, autograde names what is off and stops; --unsandboxed goes on."""
    submit(course, "kim01", {})
    no_bwrap = {"PATH": str(Path(sys.executable).parent)}  # the venv's bin/ only
    refused = mlkit_grade(course, "autograde", env={**tool_env(), **no_bwrap})
    assert refused.returncode == 3
    assert "bubblewrap (bwrap) is not installed" in refused.stderr
    assert "pass --unsandboxed" in refused.stderr
    assert not (course / "autograded").exists()
    accepted = mlkit_grade(course, "autograde", "--unsandboxed", env={**tool_env(), **no_bwrap})
    assert accepted.returncode == 0, accepted.stderr[-3000:]
    assert "1 graded" in accepted.stdout


# What the libraries print on their own: none of it may reach the instructor's terminal.
THIRD_PARTY_WORDS = ("Warning", "WARNING", "SAWarning", "IPKernelApp", "cuda", "CUDA",
                     "Traceback", "MissingIDField", "[NbGraderAPI]", "[AutogradeApp]")


def _foreign_lines(result):
    return [line for line in (result.stdout + result.stderr).splitlines()
            if any(word in line for word in THIRD_PARTY_WORDS)]


def test_autograde_prints_its_own_lines_only(course):
    """nbgrader's and SQLAlchemy's words go to mlkit-grade.log, named only when grading failed."""
    log = course / "mlkit-grade.log"
    submit(course, "kim01", {})
    graded = mlkit_grade(course, "autograde")
    assert graded.returncode == 0, graded.stderr[-3000:]
    assert _foreign_lines(graded) == [], graded.stderr[-3000:]
    assert "details:" not in graded.stdout + graded.stderr
    assert "SAWarning" in log.read_text()  # nbgrader's gradebook, under SQLAlchemy 2

    renamed = submit(course, "lee02", {})  # no notebook of the assignment's name: not graded
    renamed.rename(renamed.with_name("renamed.ipynb"))
    failed = mlkit_grade(course, "autograde")
    assert failed.returncode == 1
    assert _foreign_lines(failed) == [], failed.stderr[-3000:]
    assert "lee02/activations: NOT GRADED" in failed.stderr
    assert failed.stderr.splitlines()[-1] == f"details: {log}"
    details = log.read_text()
    assert "nbgrader's log of lee02/activations" in details
    assert "There was an error processing assignment" in details  # nbgrader's own words


def test_nbgrader_commands_speak_through_the_tool(course):
    """The nbgrader commands the tool runs write to the log; the tool says what was done."""
    roster = course / "students.csv"
    roster.write_text("id,first_name,last_name,email\nkim01,Min-ji,Kim,kim@example.org\n")
    result = mlkit_grade(course, "roster", "import", str(roster))
    assert result.returncode == 0
    assert result.stdout == "students of students.csv imported into the gradebook\n"
    assert result.stderr == ""
    assert "Creating/updating Student with id 'kim01'" in (course / "mlkit-grade.log").read_text()
