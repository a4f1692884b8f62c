"""A class that submits both languages, graded by mlkit-grade and by stock nbgrader alike."""

import shutil
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from mlkit.grading import notebooks, translations
from tests.autograding.conftest import ASSIGNMENT, mlkit_grade
from tests.grading.harness import load_variants
from tests.helpers import ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

KOREAN = translations.translated_dir(ROOT / "exercises", "ko", ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
ENGLISH = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _class():
    """Student -> (release, answers): the reference, blank and one mistake, in both languages."""
    mistake = next(iter(load_variants(ASSIGNMENT)[1].values()))["answers"]
    return {f"{who}_{lang}": (release, answers)
            for lang, release in [("ko", KOREAN), ("en", ENGLISH)]
            for who, answers in [("reference", {}), ("blank", None), ("mistake", mistake)]}


def _submit(course):
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    for student, (release, answers) in _class().items():
        filled = {} if answers is None else {**reference, **answers}
        notebooks.write(notebooks.make_submission(notebooks.read(release), filled),
                        course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def _scores(course):
    """student -> {test grade_id: score}, and the assignment's maximum."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s.student.id: {g.name: g.score for n in s.notebooks for g in n.grades}
                  for s in gradebook.assignment_submissions(ASSIGNMENT)}
        return scores, gradebook.find_assignment(ASSIGNMENT).max_score


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """The bilingual class graded by mlkit-grade in one course and stock nbgrader in another."""
    ours = tmp_path_factory.mktemp("bilingual") / "course"
    stock = tmp_path_factory.mktemp("bilingual-stock") / "course"
    shutil.copytree(released_course, ours)
    _submit(ours)
    shutil.copytree(ours, stock)
    result = mlkit_grade(ours, "autograde")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=stock,
                   env=tool_env(), check=True, capture_output=True)
    return ours, stock


@pytest.mark.parametrize("grader", ["mlkit-grade", "nbgrader"])
def test_either_language_gets_the_same_grades(graded, grader):
    """Reference full and blank zero in both languages; a mistake costs the same cells."""
    scores, maximum = _scores(graded[0] if grader == "mlkit-grade" else graded[1])
    for lang in ["ko", "en"]:
        assert sum(scores[f"reference_{lang}"].values()) == maximum, scores[f"reference_{lang}"]
        assert sum(scores[f"blank_{lang}"].values()) == 0
    assert scores["mistake_ko"] == scores["mistake_en"]
    assert sum(scores["mistake_ko"].values()) < maximum


def test_mlkit_grade_gives_stock_nbgrader_grades(graded):
    """Every student's score in every test cell is the same under both graders."""
    assert _scores(graded[0]) == _scores(graded[1])


def test_graded_korean_notebook_keeps_its_language(graded):
    """The autograded notebook still says it is the Korean release (for Korean feedback)."""
    for course in graded:
        path = course / "autograded" / "reference_ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert notebooks.read(path).metadata["mlkit"] == {"language": "ko"}
        english = course / "autograded" / "reference_en" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert "mlkit" not in notebooks.read(english).metadata
