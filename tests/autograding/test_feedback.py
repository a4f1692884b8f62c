"""Tests of mlkit-grade feedback: hidden checks named with their results, never their code."""

import re
import shutil
import subprocess
import sys
from html import unescape

import pytest

from mlkit.grading import notebooks
from mlkit.grading.hidden import split
from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.helpers import ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

# Right on the visible 1-d input, wrong on the hidden 2-d one.
STEP_FAILS_HIDDEN = ("def step(x):\n    x = np.asarray(x, dtype=float)\n"
                     "    return (x > 0).astype(float) if x.ndim == 1 else np.zeros_like(x)")
# Wrong on the visible input too.
RELU_FAILS_VISIBLE = "def relu(x):\n    return np.abs(x)"
# Tokens of the hidden code of activations' step and sigmoid cells: their inputs, the
# expected values' formula, and nbgrader's markers.
HIDDEN_TOKENS = ["[[-1e-12, 1e-12, 0.0]", "-300.0", "np.logaddexp(0.0, -X)", "BEGIN HIDDEN TESTS",
                 "np.linspace(-30.0, 30.0, 24)", "[[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]"]


def _text(html):
    """The text of an HTML page, tags removed, so that highlighted code reads as code."""
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def feedback(released_course, tmp_path_factory):
    """Feedback pages of a graded class, by mlkit-grade and by stock nbgrader."""
    pages = {}
    for tool in ["mlkit", "stock"]:
        course = tmp_path_factory.mktemp(tool) / "course"
        shutil.copytree(released_course, course)
        submit(course, "reference", {})
        submit(course, "careless", {"step": STEP_FAILS_HIDDEN, "relu": RELU_FAILS_VISIBLE})
        assert mlkit_grade(course, "autograde").returncode == 0
        if tool == "mlkit":
            result = mlkit_grade(course, "feedback", ASSIGNMENT)
        else:
            result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback",
                                     ASSIGNMENT, "--force"], cwd=course, env=tool_env(),
                                    capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        for student in ["reference", "careless"]:
            path = course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
            pages[tool, student] = _text(path.read_text())
    return pages


def _hidden_names():
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return [name for cell in source.cells for name in split(cell.source).names]


def test_tokens_are_hidden_only():
    """The tokens looked for are in the hidden code and nowhere in the release."""
    release = (ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    hidden = "\n".join(split(cell.source).hidden for cell in source.cells)
    for token in HIDDEN_TOKENS:
        assert token in hidden or token == "BEGIN HIDDEN TESTS"
        assert token not in release.replace('\\"', '"')


def test_stock_feedback_leaks_the_hidden_tests(feedback):
    """Stock nbgrader's feedback shows the hidden code (what this feature is for)."""
    assert all(token in feedback["stock", "careless"] for token in HIDDEN_TOKENS)


@pytest.mark.parametrize("student", ["reference", "careless"])
def test_no_hidden_code_or_values(feedback, student):
    """Neither the hidden code nor its expected values are in the feedback page."""
    page = feedback["mlkit", student]
    assert [token for token in HIDDEN_TOKENS if token in page] == []


def test_every_hidden_check_named(feedback):
    """Every hidden check of the assignment is named, and all pass for the reference."""
    page = feedback["mlkit", "reference"]
    for name in _hidden_names():
        assert f"[passed] {name}" in page
    assert "[failed]" not in page and "[not run]" not in page


def test_failed_hidden_check_says_why(feedback):
    """A hidden check that failed is named with a summary that shows no value, and its section."""
    page = feedback["mlkit", "careless"]
    assert ("[failed] step(X) for a 2x3 array X: 2 of 6 values differ. See the book's "
            "section on it: book/activations.html#activations-step") in page
    assert "[passed] sigmoid(X) for a 4x6 array X" in page


def test_visible_failure_kept_hidden_not_run(feedback):
    """A visible failure keeps its message; the cell's hidden checks are listed as not run."""
    page = feedback["mlkit", "careless"]
    assert "[not run] relu(X) for a 2x2 array X" in page
    assert "a visible check failed first" in page
    assert "relu(x) = max(0, x), not |x|" in page  # the named mistake of the visible check
