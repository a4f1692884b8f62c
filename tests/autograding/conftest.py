"""A small course to autograde: the activations assignment and a class built from its variants."""

import shutil
import subprocess
import sys

import pytest

from mlkit.grading import notebooks
from tests.grading.harness import load_variants
from tests.helpers import ROOT, tool_env

ASSIGNMENT = "activations"


def release_course(course, assignment=ASSIGNMENT, config=""):
    """A course directory with the repository's config (plus ``config`` lines) and
    ``assignment`` released in it."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    with (course / "nbgrader_config.py").open("a") as config_file:
        config_file.write(config)
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
                    "--force"], cwd=course, env=tool_env(), check=True, capture_output=True)
    return course


def submit(course, student, answers, assignment=ASSIGNMENT):
    """Write ``student``'s submission: the release with ``answers`` (None: left blank)."""
    release = notebooks.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb")
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb"))
    filled = {} if answers is None else {**reference, **answers}
    path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
    notebooks.write(notebooks.make_submission(release, filled), path)
    return path


def class_of(size=4):
    """Student -> answers: the reference, the blank release, an alternative, mistakes."""
    alternatives, mistakes = load_variants(ASSIGNMENT)
    students = {"reference": {}, "blank": None,
                "alternative": next(iter(alternatives.values()))}
    for name, spec in list(mistakes.items())[:max(size - 3, 0)]:
        students[f"mistake_{name}"] = spec["answers"]
    return students


def mlkit_grade(course, *args, **kwargs):
    """Run the ``mlkit-grade`` command line in ``course``."""
    kwargs.setdefault("env", tool_env())
    return subprocess.run([sys.executable, "-m", "mlkit.grading.cli", "--course", str(course),
                           *args], capture_output=True, text=True, timeout=1800, **kwargs)


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A released course with no submissions, to copy."""
    return release_course(tmp_path_factory.mktemp("released") / "course")


@pytest.fixture(scope="session")
def postgres():
    """``postgres(name)``: the URL of a new database on a PostgreSQL server on 127.0.0.1."""
    import os

    from tests.autograding import postgres as pg

    if not pg.available():
        if os.environ.get("MLKIT_REQUIRE_SANDBOX") == "1":
            pytest.fail("PostgreSQL is required here: ./dev.sh test installs it")
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    with pg.server() as url:
        yield url
