"""The README's worked example of autograding, run as written on a fresh copy of the course."""

import csv
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from nbgrader.api import Gradebook

from tests.autograding.conftest import submit
from tests.helpers import ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

STUDENTS = {"kim01": {}, "lee02": None, "park03": {"step": "def step(x):\n    return x"}}


def _worked_example():
    """The commands of the README's worked example, in order, without the install line."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Autograding a class"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and "apt-get" not in line]


def test_the_example_is_the_whole_routine():
    """The example imports a roster, collects, grades, writes feedback, exports, reports."""
    commands = " ".join(_worked_example())
    for step in ["roster import", "collect", "autograde", "feedback", "export", "report"]:
        assert f"mlkit-grade {step}" in commands


def test_the_worked_example_runs_as_written(tmp_path):
    """On a fresh copy of what a clone holds, the commands grade a class from an LMS zip."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ["nbgrader_config.py", "solutions", "exercises"]:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, course / name)
    if (ROOT / ".venv").is_dir():  # what ./dev.sh setup made, for the example's PATH line
        (course / ".venv").symlink_to(ROOT / ".venv")
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    with (course / "students.csv").open("w", newline="") as roster:
        writer = csv.writer(roster)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for student in STUDENTS:
            writer.writerow([student, "Given", student.capitalize(), f"{student}@example.org"])
    scratch = tmp_path / "scratch"
    with zipfile.ZipFile(home / "Downloads" / "activations.zip", "w") as archive:
        for student, answers in STUDENTS.items():
            notebook = submit(scratch, student, answers)
            archive.write(notebook, f"activations/{student}_activations.ipynb")
    script = "set -euo pipefail\n" + "\n".join(_worked_example()) + "\n"
    result = subprocess.run(["bash", "-c", script], cwd=course, env=tool_env(HOME=str(home)),
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "3 graded" in result.stdout
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission("activations", s).score for s in STUDENTS}
        maximum = gradebook.find_assignment("activations").max_score
    assert scores == {"kim01": maximum, "lee02": 0, "park03": maximum - 1}
    for student in STUDENTS:
        assert (course / "feedback" / student / "activations" / "activations.html").is_file()
    with (course / "grades.csv").open() as exported:
        rows = [row for row in csv.DictReader(exported) if row["assignment"] == "activations"]
    assert {row["student_id"]: float(row["score"]) for row in rows} == scores
    assert "<html" in (course / "report.html").read_text().lower()
    assert os.path.getsize(course / "report.html") > 1000
