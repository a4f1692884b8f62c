"""The gradebook in PostgreSQL (nbgrader's db_url): mlkit-grade grades into it the same way."""

import shutil

import pytest
from nbgrader.api import Gradebook

from tests.autograding.conftest import ASSIGNMENT, class_of, mlkit_grade, release_course, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]


def _scores(db_url):
    with Gradebook(db_url) as gradebook:
        return {(s.student.id, g.name): g.score
                for s in gradebook.assignment_submissions(ASSIGNMENT)
                for n in s.notebooks for g in n.grades}


def test_grades_land_in_postgresql(postgres, tmp_path, released_course):
    """With db_url pointing at PostgreSQL, a class is graded there, as in SQLite, and resumes."""
    url = postgres("course")
    course = release_course(tmp_path / "course", config=f"\nc.CourseDirectory.db_url = {url!r}\n")
    sqlite_course = tmp_path / "sqlite"
    shutil.copytree(released_course, sqlite_course)
    for student, answers in class_of(4).items():
        submit(course, student, answers)
        submit(sqlite_course, student, answers)
    result = mlkit_grade(course, "autograde")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (course / "gradebook.db").exists()
    assert mlkit_grade(sqlite_course, "autograde").returncode == 0
    assert _scores(url) == _scores(f"sqlite:///{sqlite_course / 'gradebook.db'}")
    again = mlkit_grade(course, "autograde")
    assert "4 skipped" in again.stdout
