"""A submission of the Korean release graded by the same source: Korean feedback, one mistake.

Two students make the same mistakes, one in the English release and one in
the Korean release (notebook metadata ``{"mlkit": {"language": "ko"}}``). The
real grader (``mlkit-grade autograde``, then ``feedback``) speaks Korean to the
second; what it records is the same for both, so the class report counts each
mistake once, made by two students.
"""

import re
import shutil
from html import unescape

import pytest
from nbgrader.api import Gradebook

from mlkit.grading import catalogues, notebooks
from mlkit.grading.checks import read_class
from mlkit.grading.misconceptions import ranked
from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.autograding.test_feedback import RELU_FAILS_VISIBLE, STEP_FAILS_HIDDEN
from tests.helpers import ROOT
from tests.messages.oracle import ko

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

STEP = "step(X) for a 2x3 array X"
RELU = "relu(X) for a 2x2 array X"
LINK = "book/activations.html#activations-step"
ANSWERS = {"step": STEP_FAILS_HIDDEN, "relu": RELU_FAILS_VISIBLE}


def _text(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """A class of two careless students, in English and in Korean, graded with feedback."""
    course = tmp_path_factory.mktemp("korean") / "course"
    shutil.copytree(released_course, course)
    submit(course, "careless_en", ANSWERS)
    path = submit(course, "careless_ko", ANSWERS)
    notebook = notebooks.read(path)
    notebook.metadata["mlkit"] = {"language": "ko"}
    notebooks.write(notebook, path)
    # A third student answers the Korean release itself, as released, with the reference.
    shutil.copytree(ROOT / "exercises" / "locales", course / "exercises" / "locales")
    korean = notebooks.read(ROOT / "exercises" / "ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    notebooks.write(notebooks.make_submission(korean, reference),
                    course / "submitted" / "reference_ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert mlkit_grade(course, "autograde").returncode == 0
    result = mlkit_grade(course, "feedback", ASSIGNMENT)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {student: _text((course / "feedback" / student / ASSIGNMENT /
                             f"{ASSIGNMENT}.html").read_text())
             for student in ("careless_en", "careless_ko", "reference_ko")}
    return course, pages


def _plain_translations():
    """The catalogue's translated sentences, their emphasis and code marks removed, as a
    page's text shows them (formulas, links and tables left out)."""
    catalog = catalogues.read(ROOT / "exercises" / "locales" / "ko" / "LC_MESSAGES" /
                              f"{ASSIGNMENT}.po", locale="ko")

    def plain(text):
        return " ".join(re.sub(r"[*`#]", "", text).split())

    return [(plain(m.id), plain(m.string)) for m in catalog
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
            and m.context != f"{ASSIGNMENT}:test cells"  # the text cells' messages only
            and not re.search(r"[$|\\]|\]\(|^\s*[-\d]", m.id + m.string) and len(m.id) > 30]


def test_the_korean_release_keeps_its_korean_text_in_feedback(graded):
    """nbgrader puts the English text back into locked cells when it grades; the feedback of
    a Korean release shows its text cells in Korean again, and its score is the full one."""
    course, pages = graded
    page = " ".join(pages["reference_ko"].split())
    pairs = _plain_translations()
    assert len(pairs) >= 3
    for english, korean in pairs:
        assert korean in page
        assert english not in page
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "reference_ko")
        assert submission.score == submission.max_score > 0


def test_korean_feedback_words(graded):
    """The Korean submission's feedback says its hidden checks' results in Korean."""
    _, pages = graded
    page = pages["careless_ko"]
    summary = ko("%(count)s of %(size)s values differ", count=2, size=6)
    see = ko("See the book's section on it: %(link)s", link=LINK)
    names = _check_names()
    assert f"[{ko('failed')}] {names[STEP]}: {summary}. {see}" in page
    assert f"[{ko('passed')}] {names['sigmoid(X) for a 4x6 array X']}" in page
    assert f"[{ko('not run')}] {names[RELU]}" in page
    assert ko("The hidden checks did not run: a visible check failed first (below).") in page
    assert ko("# The hidden checks ran here; their code is not shown.") in page
    assert "[failed]" not in page and "Hidden checks of this cell" not in page


def _check_names():
    """English -> Korean of the assignment's test cells' texts, from its catalogue."""
    catalog = catalogues.read(ROOT / "exercises" / "locales" / "ko" / "LC_MESSAGES" /
                              f"{ASSIGNMENT}.po", locale="ko")
    return {m.id: m.string for m in catalog
            if m.context == f"{ASSIGNMENT}:test cells" and m.string and not m.fuzzy}


def test_korean_feedback_names_the_checks_in_korean(graded):
    """The hidden checks' names come from the catalogue in the Korean feedback, English in the
    English one; the records keep the English names."""
    course, pages = graded
    names = _check_names()
    assert re.search("[가-힣]", names[STEP]) and re.search("[가-힣]", names[RELU])
    korean, english = pages["careless_ko"], pages["careless_en"]
    assert f"[{ko('failed')}] {names[STEP]}: " in korean
    assert f"[{ko('passed')}] {names['sigmoid(X) for a 4x6 array X']}" in korean
    assert f"[{ko('not run')}] {names[RELU]}" in korean
    assert STEP not in korean and RELU not in korean
    assert f"[failed] {STEP}: " in english and f"[not run] {RELU}" in english
    assert not any(name in english for name in names.values() if re.search("[가-힣]", name))
    notebook = notebooks.read(course / "autograded" / "careless_ko" / ASSIGNMENT /
                              f"{ASSIGNMENT}.ipynb")
    recorded = [check["name"] for cell in notebook.cells
                for check in cell.metadata.get("mlkit", {}).get("checks", [])]
    assert STEP in recorded and names[STEP] not in recorded


def test_korean_check_messages(graded):
    """The checker ran the test cells in Korean: the visible failure names the mistake in Korean."""
    _, pages = graded
    assert ko("Likely mistake: %(mistake)s", mistake=ko("relu(x) = max(0, x), not |x|")) \
        in pages["careless_ko"]


def test_english_feedback_unchanged(graded):
    """The English submission's feedback is English, as before."""
    _, pages = graded
    page = pages["careless_en"]
    assert (f"[failed] {STEP}: 2 of 6 values differ. See the book's section on it: {LINK}"
            in page)
    assert "Likely mistake: relu(x) = max(0, x), not |x|" in page
    assert not re.search("[가-힣]", page.split("Hidden checks")[0][-2000:] + page[-3000:])


def test_records_are_the_same_in_both_languages(graded):
    """Both autograded notebooks record the same English checks; the Korean keeps its language."""
    course, _ = graded
    records = {}
    for student in ("careless_en", "careless_ko"):
        notebook = notebooks.read(course / "autograded" / student / ASSIGNMENT /
                                  f"{ASSIGNMENT}.ipynb")
        records[student] = [cell.metadata.get("mlkit") for cell in notebook.cells
                            if "mlkit" in cell.metadata]
        if student == "careless_ko":
            assert notebook.metadata["mlkit"]["language"] == "ko"
    assert records["careless_ko"] == records["careless_en"]


def test_one_mistake_counted_once_for_two_students(graded):
    """The class report counts each mistake once, made by both students, whatever their language."""
    course, _ = graded
    found = {item.text: item.students for item in ranked(read_class(course))[ASSIGNMENT]}
    assert found["relu(x) = max(0, x), not |x|"] == ["careless_en", "careless_ko"]
    assert found[f"failed: {STEP}"] == ["careless_en", "careless_ko"]
    assert all(students == ["careless_en", "careless_ko"] for students in found.values()), found
