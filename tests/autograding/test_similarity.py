"""Similar submissions: a renamed copy is found, students who wrote alike by chance are not.

The class is written straight into ``autograded/`` (what is compared is the
code as graded): no grading is needed to compare it.
"""

import shutil

import pytest

from mlkit.grading import notebooks, similarity
from tests.autograding import planted
from tests.helpers import ROOT

ASSIGNMENT = "activations"


def _course(tmp_path, students):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / ASSIGNMENT, course / "exercises" / ASSIGNMENT)
    release = notebooks.read(ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    for student, answers in students.items():
        notebook = notebooks.make_submission(release, {**reference, **answers})
        notebooks.write(notebook, course / "autograded" / student / ASSIGNMENT
                        / f"{ASSIGNMENT}.ipynb")
    return course


@pytest.fixture(scope="module")
def class_code(tmp_path_factory):
    students = planted.variant_class(60)
    students.update({"ana": planted.ORIGINAL, "ben": planted.RENAMED,
                     "cho": planted.ALIKE_1, "dan": planted.ALIKE_2})
    return similarity.class_code(_course(tmp_path_factory.mktemp("similar"), students),
                                 ASSIGNMENT)


def test_own_code_leaves_out_the_template_and_the_course(class_code):
    """Only solution cells are compared, without the template's lines."""
    submissions, released = class_code
    ana = next(s for s in submissions if s.student == "ana").code
    assert "YOUR CODE HERE" not in ana and "def step(x):" not in ana
    assert "out[arr > 0] = 1.0" in ana
    assert "assert_close" in released and "assert_close" not in ana  # the tests are the course's


def test_the_renamed_copy_is_found_and_the_chance_pair_is_not(class_code):
    """Of 64 students, only the pair that copied (names changed) is listed."""
    pairs = similarity.compare(*class_code)
    assert [(p.first, p.second) for p in pairs] == [("ana", "ben")]
    pair = pairs[0]
    assert pair.score > 0.25 and min(pair.overlap) > 0.9  # 4 of its 7 cells copied
    chance = similarity.compare(*class_code, threshold=0.01)
    cho_dan = [p for p in chance if {p.first, p.second} == {"cho", "dan"}]
    assert not cho_dan or cho_dan[0].score < 0.1


def test_shared_passages_point_at_the_copied_code(class_code):
    """The passages are character ranges of each one's code that cover the copied lines."""
    pair = similarity.compare(*class_code)[0]
    marked = "".join(pair.second_code[start:end] for start, end in pair.second_passages)
    assert "result[values > 0] = 1.0" in marked
    assert "d[v > 0] = 1.0" in marked


def test_a_copy_of_code_the_whole_class_writes_is_not_evidence(tmp_path):
    """Twelve students with the same reference answers are not twelve copies."""
    students = {f"r{index:02d}": {} for index in range(12)}
    assert similarity.compare(*similarity.class_code(_course(tmp_path, students),
                                                     ASSIGNMENT)) == []


def test_bad_settings_say_what_was_expected():
    with pytest.raises(ValueError, match=r"threshold must be a share in \(0, 1\]; got 40"):
        similarity.compare([], threshold=40)
    with pytest.raises(ValueError, match="guarantee"):
        similarity.compare([], noise=30, guarantee=20)
