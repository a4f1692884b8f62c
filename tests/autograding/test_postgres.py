"""The gradebook in PostgreSQL (nbgrader's db_url): mlkit-grade grades into it the same way."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from nbgrader.api import Gradebook

from tests.autograding import postgres as pg
from tests.autograding.conftest import ASSIGNMENT, class_of, mlkit_grade, release_course, submit
from tests.helpers import ROOT

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


def test_a_killed_run_leaves_no_server_behind():
    """A killed test run's server is stopped by the next run; a live run's is left alone."""
    if not pg.available():
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")

    def start():
        """A process that starts a server, prints its URL and waits to be killed."""
        child = subprocess.Popen(
            [sys.executable, "-c", "import time\nfrom tests.autograding import postgres as pg\n"
             "with pg.server() as url:\n    print(url('x'), flush=True)\n    time.sleep(600)"],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        return child, urlparse(child.stdout.readline().strip()).port

    def listening(port):
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    killed, killed_port = start()
    running, running_port = start()
    try:
        os.kill(killed.pid, signal.SIGKILL)  # no chance to stop its server
        killed.wait()
        assert listening(killed_port), "the killed run's server should outlive it"
        stopped = pg.stop_orphans()
        assert stopped and not any(directory.exists() for directory in stopped)
        assert not listening(killed_port)
        assert listening(running_port), "a live run's server must be left alone"
    finally:
        running.terminate()  # SIGTERM: its `with` block does not run, so clean up as a next run
        running.wait()
        killed.stdout.close()
        running.stdout.close()
        pg.stop_orphans()
    assert not listening(running_port)
