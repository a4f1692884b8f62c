"""The class report on a graded class with planted mistakes, a planted copy and a roster
entry that tries to inject a script."""

import re
import shutil

import pytest

from mlkit.grading import checks, misconceptions
from tests.autograding import planted
from tests.autograding.conftest import mlkit_grade, submit
from tests.grading.harness import load_variants

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """15 students: 4 with the step mistake, 3 with the sigmoid sign, 1 with two mistakes
    about the sigmoid, a copy with its names changed, and a script in a roster name."""
    _, mistakes = load_variants("activations")
    course = tmp_path_factory.mktemp("report") / "course"
    shutil.copytree(released_course, course)
    step, sign, grad = (mistakes[name]["answers"] for name in
                        ("step_fires_at_zero", "sigmoid_exponent_sign", "sigmoid_grad_of_x"))
    students = {"ref1": {}, "ref2": {}, "blank": None,
                **{f"step{i}": step for i in range(4)},
                **{f"sign{i}": sign for i in range(2)},
                "twice": {**sign, **grad},
                "ana": planted.ORIGINAL,
                "ben": {**planted.RENAMED,
                        "relu": f"# {planted.UNSAFE}\n" + planted.RENAMED["relu"]},
                "cho": planted.ALIKE_1, "dan": planted.ALIKE_2, "xss": {}}
    for student, answers in students.items():
        submit(course, student, answers)
    (course / "roster.csv").write_text(f"id,first_name,last_name\nxss,\"{XSS}\",O'Neil & Co\n")
    assert mlkit_grade(course, "roster", "import", str(course / "roster.csv")).returncode == 0
    result = mlkit_grade(course, "autograde")
    assert result.returncode == 0, result.stderr[-3000:]
    result = mlkit_grade(course, "report", str(course / "report.html"))
    assert result.returncode == 0, result.stderr[-3000:]
    return course, (course / "report.html").read_text(encoding="utf-8")


def test_mistakes_are_ranked_by_students_as_planted(graded):
    """The checker's mistakes, read as data, rank as planted: step 4, sign 3, grad 1."""
    course, _ = graded
    ranked = misconceptions.ranked(checks.read_class(course))["activations"]
    counts = {item.text: len(item.students) for item in ranked if item.link}
    step = next(text for text in counts if text.startswith("step(0) should be 0"))
    sign = next(text for text in counts if text.startswith("a missing minus sign"))
    grad = next(text for text in counts if "instead of sigmoid(x)" in text)
    assert (counts[step], counts[sign], counts[grad]) == (4, 3, 1)
    order = [item.text for item in ranked]
    assert order.index(step) < order.index(sign) < order.index(grad)
    # the blank submission's failures name no mistake: grouped by test cell
    assert any(item.text == "failed: the visible checks of step_values" for item in ranked)


def test_report_lists_mistakes_with_book_sections(graded):
    """Each ranked mistake is in the table with its count and a link to its section."""
    _, page = graded
    # (ranked with the sigmoid's stability failure, which its wrong sign also causes)
    row = re.search(r"<tr><td>[12]</td><td class='text'>step\(0\) should be 0[^<]*</td>"
                    r"<td>4</td>.*?</tr>", page)
    assert row, "the step mistake should be ranked among the first, by 4 students"
    assert "href='book/activations.html#activations-step'" in row.group(0)


def test_report_says_what_each_tests_failures_got_wrong(graded):
    """The per-test table names the mistakes of the students who failed each test."""
    _, page = graded
    row = re.search(r"<tr><td>sigmoid_values</td>.*?</tr>", page).group(0)
    assert "4 of 15" in row and "a missing minus sign" in row and "(3)" in row


def test_report_names_the_student_who_fails_an_idea_again(graded):
    """'twice' made two different mistakes about the sigmoid's section: listed; those with
    one mistake (even one that fails two tests) are not."""
    course, page = graded
    struggles = misconceptions.struggling(checks.read_class(course))
    assert [(s.student, s.idea) for s in struggles] == [
        ("twice", "book/activations.html#activations-sigmoid")]
    section = page.split("id='reach-out'", 1)[1].split("<h2", 1)[0]
    assert "<td>twice</td>" in section and "sign0" not in section


def test_report_lists_the_copy_not_the_chance_pair(graded):
    """ana & ben (renamed copy) are listed with their shared passages; cho & dan are not."""
    _, page = graded
    similar = page.split("id='activations-similar'", 1)[1]
    assert "<td>ana &amp; ben</td>" in similar
    assert "cho &amp; dan" not in similar and "dan &amp; cho" not in similar
    assert "<mark>" in similar and "no grade was changed" in similar


def test_report_escapes_submissions_and_roster(graded):
    """A script in a roster name or in a submission's code is shown as text, never run."""
    _, page = graded
    assert "<script" not in page.lower()
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # ben's comment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_is_self_contained(graded):
    """Figures are embedded; nothing is loaded from elsewhere (and a policy forbids it)."""
    _, page = graded
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert re.findall(r"<img src='([a-z]+):", page) and \
        set(re.findall(r"<img src='([a-z]+):", page)) == {"data"}
    assert not re.search(r"<(link|script|iframe)\b", page)
    assert not re.search(r"(src|href)=['\"](https?:)?//", page)
