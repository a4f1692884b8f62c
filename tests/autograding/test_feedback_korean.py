"""A submission of the Korean release graded by the same source: Korean feedback, one mistake.

Two students make the same mistakes, one in the English release and one in
the Korean release (notebook metadata ``{"mlkit": {"language": "ko"}}``). The
real grader (``mlkit-grade autograde``, then ``feedback``) speaks Korean to the
second; what it records is the same for both, so the class report counts each
mistake once, made by two students.
"""

import json
import re
import shutil
from html import unescape

import pytest
from nbgrader.api import Gradebook

from mlkit.grading import catalogues, notebooks, test_texts
from mlkit.grading.checks import read_class
from mlkit.grading.hidden import split
from mlkit.grading.misconceptions import ranked
from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.autograding.test_feedback import RELU_FAILS_VISIBLE, STEP_FAILS_HIDDEN
from tests.helpers import ROOT
from tests.messages.oracle import ko

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

STEP = "step(X) for a 2x3 array X"
RELU = "relu(X) for a 2x2 array X"
LINK = "book/activations.html#activations-step"
COMMENT = "Look again at relu."
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
    _forge(submit(course, "forger_ko", ANSWERS))
    # A third student answers the Korean release itself, as released, with the reference.
    shutil.copytree(ROOT / "exercises" / "locales", course / "exercises" / "locales")
    korean = notebooks.read(ROOT / "exercises" / "ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    notebooks.write(notebooks.make_submission(korean, reference),
                    course / "submitted" / "reference_ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert mlkit_grade(course, "autograde").returncode == 0
    # The instructor comments on an answer of each careless student (a page's "Comments").
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ("careless_en", "careless_ko", "forger_ko"):
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            notebook.comments[0].manual_comment = COMMENT
        gradebook.db.commit()
    result = mlkit_grade(course, "feedback", ASSIGNMENT)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {student: _text(_html(course, student))
             for student in ("careless_en", "careless_ko", "forger_ko", "reference_ko")}
    return course, pages


FORGED = "FORGED-by-the-submission"


def _forge(path):
    """The careless Korean submission, with the metadata the grader reads forged in it: its own
    translations of the test cells' texts (every one of them FORGED, in English and Korean),
    each cell's record of its checks (all passed) and the notebook's record of its run."""
    notebook = notebooks.read(path)
    notebook.metadata["mlkit"] = {"language": "ko",
                                  "execution": {"status": "died", "reason": FORGED}}
    notebook.metadata[test_texts.METADATA_KEY] = {
        english: {"en": FORGED, "ko": FORGED} for english in _check_names()}
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    hidden = {cell.metadata["nbgrader"]["grade_id"]: split(cell.source).names
              for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    forged = 0
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" or nbgrader.get("grade"):
            names = hidden.get(nbgrader.get("grade_id")) or ["every check of this cell"]
            cell.metadata["mlkit"] = {"failure": None, "checks": [
                {"name": name, "passed": True} for name in names]}
            forged += 1
    assert forged >= 3 and len(notebook.metadata[test_texts.METADATA_KEY]) >= 10
    notebooks.write(notebook, path)


def _html(course, student):
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


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
    """The class report counts each mistake once, made by every careless student, whatever their
    language (the one who forged the records of passed checks too)."""
    course, _ = graded
    careless = ["careless_en", "careless_ko", "forger_ko"]
    found = {item.text: item.students for item in ranked(read_class(course))[ASSIGNMENT]}
    assert found["relu(x) = max(0, x), not |x|"] == careless
    assert found[f"failed: {STEP}"] == careless
    assert all(students == careless for students in found.values()), found


def _all_grades(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_forged_metadata_changes_nothing(graded):
    """A submission that brings its own translations of the test cells' texts, records of passed
    checks and a record of its run is graded, told and recorded as the same answers without
    them: the translations are the course's, the records the checker's."""
    course, pages = graded
    assert _all_grades(course, "forger_ko") == _all_grades(course, "careless_ko")
    assert _all_grades(course, "careless_ko") == _all_grades(course, "careless_en")
    assert pages["forger_ko"] == pages["careless_ko"]
    assert FORGED not in pages["forger_ko"]
    names = _check_names()
    assert f"[{ko('failed')}] {names[STEP]}: " in pages["forger_ko"]

    def autograded(student):
        notebook = notebooks.read(course / "autograded" / student / ASSIGNMENT /
                                  f"{ASSIGNMENT}.ipynb")
        return notebook, [cell.metadata.get("mlkit") for cell in notebook.cells]

    forged, forged_records = autograded("forger_ko")
    careless, careless_records = autograded("careless_ko")
    assert forged_records == careless_records
    assert FORGED not in json.dumps(forged)
    assert forged.metadata["mlkit"] == careless.metadata["mlkit"] == {"language": "ko"}
    assert test_texts.METADATA_KEY not in forged.metadata


# nbgrader's feedback page: its own words, around the notebook.
PAGE_WORDS = ["Score", "Test cell", "(Top)", "Student's answer", "Grade cell", "Comments",
              "Comment"]


def _soup(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _page_parts(soup):
    """The parts of the page nbgrader writes around the notebook: the title with the score, the
    contents, and each graded cell's heading and footer."""
    return [soup.select_one("div.panel-default > div.panel-heading > h4"),
            *soup.select("#toc li"),
            *soup.select("div.nbgrader_cell > div.panel-heading"),
            *soup.select("div.nbgrader_cell > div.panel-footer")]


def _stock_pages(course, directory):
    """The pages nbgrader's own feedback template writes for the graded class: the course copied,
    its feedback converter mlkit's (the same steps), its template nbgrader's."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from mlkit.grading.feedback import feedback_config

    copy = directory / "course"
    shutil.copytree(course, copy)
    shutil.rmtree(copy / "feedback")
    config = feedback_config(copy)
    for name in ("template_name", "template_file", "extra_template_basedirs"):
        config.HTMLExporter.pop(name)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    assert api.generate_feedback(ASSIGNMENT, force=True)["success"]
    return {student: _html(copy, student) for student in ("careless_en", "careless_ko")}


@pytest.fixture(scope="module")
def stock_pages(graded, tmp_path_factory):
    course, _ = graded
    return _stock_pages(course, tmp_path_factory.mktemp("stock"))


def _scores(course, student):
    """``(score, points)`` of the notebook and of each graded cell, by grade id (None)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        scores = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
        scores[None] = (notebook.score, notebook.max_score)
    return {name: (round(float(score), 2), round(float(points), 2))
            for name, (score, points) in scores.items()}


def test_korean_page_words(graded):
    """The Korean submission's page says nbgrader's words in Korean, with the scores of the
    gradebook, and none of them in English."""
    course, _ = graded
    soup = _soup(_html(course, "careless_ko"))
    parts = [" ".join(part.get_text().split()) for part in _page_parts(soup)]
    scores = _scores(course, "careless_ko")
    title, contents = parts[0], soup.select("#toc li")
    score, points = scores[None]
    said = ko("Score: %(score)s / %(points)s", score=score, points=points)
    assert title == f"{ASSIGNMENT} ({said})"
    tests = [item for item in contents if item.a.get_text() == ko("Test cell")]
    assert len(tests) >= 3
    for item in tests:
        score, points = scores[item.a["href"].lstrip("#")]
        said = ko("Score: %(score)s / %(points)s", score=score, points=points)
        assert " ".join(item.get_text().split()) == f"{ko('Test cell')} ({said})"
    labels = [label.get_text(" ", strip=True) for label in soup.select("span.nbgrader-label")]
    assert ko("Student's answer") in labels
    assert any(label.startswith(f"{ko('Grade cell')}: ") for label in labels)
    tops = {link.get_text() for link in soup.select('a[href="#top"]')}
    assert tops == {ko("(Top)")}
    footers = [" ".join(footer.get_text().split())
               for footer in soup.select("div.nbgrader_cell > div.panel-footer")]
    assert footers == [f"{ko('Comments')}: {COMMENT}"]
    assert any(item.a.get_text() == ko("Comment") for item in contents)
    for word in PAGE_WORDS:
        assert not any(word in part for part in parts), (word, parts)
    assert re.search("[가-힣]", ko("Score: %(score)s / %(points)s", score=1, points=2))


def test_english_page_is_nbgrader_s(graded, stock_pages):
    """The English submission's page is the one nbgrader's own template writes, its words
    English."""
    course, _ = graded
    html = _html(course, "careless_en")
    assert html == stock_pages["careless_en"]
    soup = _soup(html)
    parts = " ".join(" ".join(part.get_text().split()) for part in _page_parts(soup))
    for word in PAGE_WORDS:
        assert word in parts, word
    assert {link.get_text() for link in soup.select('a[href="#top"]')} == {"(Top)"}
    assert not re.search("[가-힣]", parts)


def test_korean_page_is_nbgrader_s_but_its_words(graded, stock_pages):
    """The Korean page is nbgrader's page (the same elements, the same notebook), its words
    aside: the template follows nbgrader's."""
    course, _ = graded
    ours, stock = _soup(_html(course, "careless_ko")), _soup(stock_pages["careless_ko"])

    def elements(soup):
        return [(tag.name, sorted((name, str(value)) for name, value in tag.attrs.items()))
                for tag in soup.find_all(True)]

    assert elements(ours) == elements(stock)
    korean = [" ".join(part.get_text().split()) for part in _page_parts(ours)]
    english = [" ".join(part.get_text().split()) for part in _page_parts(stock)]
    assert korean != english and len(korean) == len(english)
    for soup in (ours, stock):
        for part in _page_parts(soup):
            part.decompose()
    assert ours.get_text().split() == stock.get_text().split()


# A typical mistake a test cell describes itself, in a dict (assert_close(..., mistakes={...})).
BACKPROP = "backprop"
IGNORED = ("the activation argument was ignored: that is the loss of a tanh layer; use the "
           "forward and backward functions picked for `activation`")


@pytest.fixture(scope="module")
def backprop_graded(tmp_path_factory):
    """The backprop course: a student of each release who ignores the activation asked for,
    graded with feedback."""
    from tests.autograding.conftest import release_course
    from tests.grading.harness import load_variants

    course = release_course(tmp_path_factory.mktemp("mistakes") / "course", BACKPROP)
    shutil.copytree(ROOT / "exercises" / "locales", course / "exercises" / "locales")
    answers = load_variants(BACKPROP)[1]["train_always_tanh"]["answers"]
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / BACKPROP / f"{BACKPROP}.ipynb"))
    for student, release in [("tanh_en", ROOT / "exercises" / BACKPROP),
                             ("tanh_ko", ROOT / "exercises" / "ko" / BACKPROP)]:
        notebooks.write(
            notebooks.make_submission(notebooks.read(release / f"{BACKPROP}.ipynb"),
                                      {**reference, **answers}),
            course / "submitted" / student / BACKPROP / f"{BACKPROP}.ipynb")
    result = mlkit_grade(course, "autograde", BACKPROP)
    assert result.returncode == 0, result.stderr[-3000:]
    result = mlkit_grade(course, "feedback", BACKPROP)
    assert result.returncode == 0, result.stderr[-3000:]
    return course


def _graded_cell(course, student, grade_id):
    notebook = notebooks.read(course / "autograded" / student / BACKPROP / f"{BACKPROP}.ipynb")
    return next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_a_mistake_the_test_cell_describes_is_said_in_korean(backprop_graded):
    """The Korean submission is told the test cell's own description of its mistake in Korean,
    in its graded notebook and its feedback; the English one in English; both records, and so
    the class report, keep the English."""
    course = backprop_graded
    catalog = catalogues.read(ROOT / "exercises" / "locales" / "ko" / "LC_MESSAGES" /
                              f"{BACKPROP}.po", locale="ko")
    korean = catalog.get(IGNORED, context=f"{BACKPROP}:test cells").string
    assert re.search("[가-힣]", korean) and "`activation`" in korean
    said = ko("Likely mistake: %(mistake)s", mistake=korean)
    cells = {student: _graded_cell(course, student, "train_mlp_steps")
             for student in ("tanh_en", "tanh_ko")}
    outputs = {student: json.dumps(cell.outputs, ensure_ascii=False)
               for student, cell in cells.items()}
    assert said in outputs["tanh_ko"] and IGNORED not in outputs["tanh_ko"]
    assert f"Likely mistake: {IGNORED}" in outputs["tanh_en"] and korean not in outputs["tanh_en"]
    pages = {student: _text((course / "feedback" / student / BACKPROP /
                             f"{BACKPROP}.html").read_text()) for student in cells}
    assert said in pages["tanh_ko"] and IGNORED not in pages["tanh_ko"]
    assert f"Likely mistake: {IGNORED}" in pages["tanh_en"]
    assert [cell.metadata["mlkit"]["failure"]["mistake"] for cell in cells.values()] == \
        [IGNORED, IGNORED]
    found = {item.text: item.students for item in ranked(read_class(course))[BACKPROP]}
    assert found[IGNORED] == ["tanh_en", "tanh_ko"]
