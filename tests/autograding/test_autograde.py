"""Tests of mlkit-grade autograde: the same grades as stock nbgrader, resumable, locked."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from mlkit.grading.autograde import MARKER, course_lock
from tests.autograding.conftest import ASSIGNMENT, class_of, mlkit_grade, submit
from tests.helpers import tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]


def _grades(course):
    """(student, grade_id) -> (score, auto_score) from the course's gradebook, and the row count."""
    rows = {}
    count = 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    rows[(submission.student.id, grade.name)] = grade.score
                    count += 1
    return rows, count


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """The class graded by mlkit-grade, and the same class graded by stock nbgrader."""
    ours = tmp_path_factory.mktemp("ours") / "course"
    stock = tmp_path_factory.mktemp("stock") / "course"
    shutil.copytree(released_course, ours)
    for student, answers in class_of(5).items():
        submit(ours, student, answers)
    shutil.copytree(ours, stock)
    result = mlkit_grade(ours, "autograde")
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=stock,
                   env=tool_env(), check=True, capture_output=True)
    return ours, stock, result


class TestGrades:
    def test_exit_status_and_summary(self, graded):
        """Every submission graded: exit status 0 and a summary line."""
        _, _, result = graded
        assert result.returncode == 0, result.stderr[-3000:]
        assert "5 graded" in result.stdout

    def test_same_grades_as_stock_nbgrader(self, graded):
        """Every grade of every student equals the one stock nbgrader gives."""
        ours, stock, _ = graded
        assert _grades(ours) == _grades(stock)
        rows, _ = _grades(ours)
        assert rows[("reference", "sigmoid_values")] == 2
        assert rows[("blank", "sigmoid_values")] == 0

    def test_autograded_notebooks_hold_the_hidden_tests_run(self, graded):
        """The autograded notebook is nbgrader's: hidden tests restored and executed."""
        ours, _, _ = graded
        text = (ours / "autograded" / "reference" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        assert "BEGIN HIDDEN TESTS" in text and '"execution_count": 1' in text


class TestResume:
    def test_rerun_grades_only_what_changed(self, graded):
        """A second run skips graded work; a changed submission is graded again."""
        ours, _, _ = graded
        again = mlkit_grade(ours, "autograde")
        assert again.returncode == 0 and "5 skipped" in again.stdout
        submit(ours, "blank", {})  # the blank student submits the reference answers
        changed = mlkit_grade(ours, "autograde")
        assert changed.returncode == 0 and "1 graded, 4 skipped" in changed.stdout
        rows, count = _grades(ours)
        assert rows[("blank", "sigmoid_values")] == 2
        forced = mlkit_grade(ours, "autograde", "--force")
        assert "5 graded" in forced.stdout
        assert _grades(ours) == (rows, count)  # the same rows, none added

    def test_a_second_run_at_once_is_refused(self, graded):
        """While one run holds the course, another exits with a clear message."""
        ours, _, _ = graded
        with course_lock(ours):
            result = mlkit_grade(ours, "autograde", "--force")
        assert result.returncode == 4
        assert "Another autograde run" in result.stderr

    def test_sigkill_then_rerun_grades_each_submission_once(self, released_course, tmp_path):
        """Killed mid-run by SIGKILL, a rerun leaves each submission graded exactly once."""
        course = tmp_path / "course"
        shutil.copytree(released_course, course)
        students = {f"student{i:02d}": {} for i in range(8)}
        for student, answers in students.items():
            submit(course, student, answers)
        process = subprocess.Popen(
            [sys.executable, "-m", "mlkit.grading.cli", "--course", str(course), "autograde",
             "--workers", "1"], env=tool_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 600
        while not list(course.glob(f"autograded/*/{ASSIGNMENT}/{MARKER}")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        finished = len(list(course.glob(f"autograded/*/{ASSIGNMENT}/{MARKER}")))
        assert 1 <= finished < 8
        result = mlkit_grade(course, "autograde")
        assert result.returncode == 0, result.stderr[-3000:]
        assert f"{8 - finished} graded, {finished} skipped" in result.stdout
        rows, count = _grades(course)
        assert count == len(rows) == 8 * len({gid for _, gid in rows})
        assert all(score == rows[("student00", gid)] for (_, gid), score in rows.items())
