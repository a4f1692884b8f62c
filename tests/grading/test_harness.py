"""Every assignment graded for real: reference full, blank zero, alternatives full, mistakes caught.

See ``harness.py`` in this folder for how the class of synthetic students is
built and graded (by ``mlkit-grade autograde``), and the last test here for the
check that stock ``nbgrader autograde`` gives the same grades.
"""

import json

import pytest

from mlkit.grading import notebooks, setup_cell
from mlkit.grading.hidden import split
from tests.grading.harness import grade_with_stock_nbgrader, load_variants, students
from tests.helpers import ASSIGNMENTS, ROOT

pytestmark = pytest.mark.slow

ALTERNATIVE_CASES = [(a, name) for a in ASSIGNMENTS for name in load_variants(a)[0]]
MISTAKE_CASES = [(a, name) for a in ASSIGNMENTS for name in load_variants(a)[1]]


def _grouped(cases):
    """One xdist group per assignment, so that each assignment is graded by one worker only."""
    return [pytest.param(*case, marks=pytest.mark.xdist_group(case[0])) for case in cases]


def _record(request, assignment, kind, ok):
    request.node.user_properties.append(
        ("harness", json.dumps({"assignment": assignment, "kind": kind, "ok": ok})))


@pytest.mark.parametrize("assignment", _grouped([(a,) for a in ASSIGNMENTS]))
class TestRelease:
    def test_release_is_up_to_date(self, assignment, graded_class):
        """The committed exercises/ notebook is what nbgrader generates from solutions/ today."""
        graded = graded_class(assignment)
        generated = graded.course / "exercises" / assignment
        committed = ROOT / "exercises" / assignment
        names = sorted(p.name for p in generated.iterdir())
        assert sorted(p.name for p in committed.iterdir()) == names, (
            f"exercises/{assignment} holds other files than the release would; "
            "regenerate it with `./dev.sh release`")
        for name in names:
            assert (committed / name).read_bytes() == (generated / name).read_bytes(), (
                f"exercises/{assignment}/{name} is out of date with solutions/{assignment}; "
                "regenerate it with `./dev.sh release`")

    def test_set_up_cell_does_nothing_when_graded(self, assignment, graded_class):
        """In the sandbox (mlkit installed, no network) the Colab set-up cell runs no pip: it
        runs first, without an error and without a line of output."""
        graded = graded_class(assignment)
        for path in sorted((graded.course / "autograded" / "reference" / assignment)
                           .glob("*.ipynb")):
            first = notebooks.read(path).cells[0]
            assert first.metadata["nbgrader"]["grade_id"] == setup_cell.GRADE_ID
            assert first.execution_count is not None, f"{path.name}: the set-up cell did not run"
            assert first.outputs == [], f"{path.name}: the set-up cell printed {first.outputs}"

    def test_variants_catch_every_graded_cell(self, assignment):
        """Each graded cell is broken by at least one listed mistake, and no mistake is vacuous."""
        alternatives, mistakes = load_variants(assignment)
        graded_ids = set()
        for path in notebooks.assignment_notebooks(ROOT / "solutions" / assignment):
            graded_ids.update(notebooks.grade_ids(notebooks.read(path)))
        assert len(alternatives) >= 3, "list at least three alternative correct answers"
        for name, spec in mistakes.items():
            assert spec["fails"], f"mistake {name!r} lists no failing cell"
            assert set(spec["fails"]) <= graded_ids, f"mistake {name!r} names unknown cells"
        caught = set().union(*(spec["fails"] for spec in mistakes.values()))
        assert caught == graded_ids, f"no listed mistake breaks {sorted(graded_ids - caught)}"

    def test_every_mistake_is_caught_by_a_visible_check(self, assignment, graded_class):
        """No kind of mistake meets a student first in the grade: each variant that loses
        points fails some visible check too (not only a hidden one), which the student
        sees before submitting.

        A cell's failure is a hidden check's when its error is that check's own
        ``Check 'name' failed`` (the names of the hidden ``with check(...)`` blocks of the
        source); any other error comes from the visible part, which runs first.
        """
        graded = graded_class(assignment)
        hidden = {}
        for path in notebooks.assignment_notebooks(ROOT / "solutions" / assignment):
            for cell in notebooks.read(path).cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                    hidden[meta["grade_id"]] = split(cell.source).names

        def by_a_hidden_check(grade_id, error):
            return any(error.startswith(f"CheckError: Check {name!r} failed")
                       for name in hidden.get(grade_id, ()))

        only_hidden = {}
        for variant in load_variants(assignment)[1]:
            student = f"mistake_{variant}"
            failing = graded.failing(student)
            errors = graded.errors[student]
            if failing and all(by_a_hidden_check(gid, errors.get(gid, "")) for gid in failing):
                only_hidden[variant] = {gid: errors.get(gid, "")[:200] for gid in failing}
        assert only_hidden == {}, f"caught by hidden checks only: {only_hidden}"

    def test_reference_gets_full_marks(self, assignment, graded_class, request):
        """The reference solution of the source notebook gets every point."""
        graded = graded_class(assignment)
        failing = graded.failing("reference")
        _record(request, assignment, "reference", not failing)
        assert not failing, graded.explain("reference", failing)

    def test_blank_release_gets_zero(self, assignment, graded_class, request):
        """The untouched release is graded without crashing and gets no point."""
        graded = graded_class(assignment)
        scores = graded.scores["blank"]
        _record(request, assignment, "blank", sum(scores.values()) == 0)
        assert scores and set(scores) == set(graded.max_scores), "the blank release was not graded"
        assert sum(scores.values()) == 0, f"the blank release scored: {scores}"


@pytest.mark.parametrize(("assignment", "variant"), _grouped(ALTERNATIVE_CASES))
def test_alternative_gets_full_marks(assignment, variant, graded_class, request):
    """A correct answer written another way gets every point."""
    graded = graded_class(assignment)
    failing = graded.failing(f"alt_{variant}")
    _record(request, assignment, "alternative", not failing)
    assert not failing, graded.explain(f"alt_{variant}", failing)


@pytest.mark.parametrize(("assignment", "variant"), _grouped(MISTAKE_CASES))
def test_mistake_loses_exactly_its_parts(assignment, variant, graded_class, request):
    """A typical mistake loses the points of the cells it breaks, and no others."""
    graded = graded_class(assignment)
    expected = set(load_variants(assignment)[1][variant]["fails"])
    failing = graded.failing(f"mistake_{variant}")
    _record(request, assignment, "mistake", failing == expected)
    assert failing == expected, (
        f"expected to lose {sorted(expected)}, lost {sorted(failing)}\n"
        + graded.explain(f"mistake_{variant}", failing ^ expected))
    for grade_id, words in load_variants(assignment)[1][variant].get("says", {}).items():
        error = graded.errors[f"mistake_{variant}"].get(grade_id, "")
        assert words in error, f"{grade_id} should say {words!r}; it says:\n{error}"


# A TensorFlow assignment that trains Keras models: where a forked, pre-warmed worker is most
# likely to differ from a fresh kernel (thread pools, random state, Keras's global state).
CROSS_CHECK = "keras_mlp"


@pytest.mark.xdist_group(CROSS_CHECK)
def test_mlkit_grade_gives_stock_nbgrader_grades(graded_class, tmp_path):
    """Stock ``nbgrader autograde`` gives every student the harness's grade, cell by cell."""
    ours = graded_class(CROSS_CHECK)
    names = list(students(CROSS_CHECK))
    stock = grade_with_stock_nbgrader(CROSS_CHECK, tmp_path / "stock", names)
    assert stock.max_scores == ours.max_scores
    # Stock nbgrader lets a submission import the course's reference; mlkit-grade does not.
    uses_reference = {f"mistake_{name}" for name, spec in load_variants(CROSS_CHECK)[1].items()
                      if spec.get("uses_reference")}
    for student in uses_reference:
        assert sum(ours.scores[student].values()) < sum(stock.scores[student].values())
    for student in [name for name in names if name not in uses_reference]:
        assert ours.scores[student] == stock.scores[student], (
            f"{student}: mlkit-grade {ours.scores[student]}, stock nbgrader "
            f"{stock.scores[student]}\n" + ours.explain(student, ours.failing(student)))
        assert ours.errors[student] == stock.errors[student], student


def _stderr_of_graded_cells(course, assignment, student):
    """grade_id -> the stderr text of each graded cell of the student's autograded notebook."""
    found = {}
    for path in (course / "autograded" / student / assignment).glob("*.ipynb"):
        for cell in notebooks.read(path).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade"):
                text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                               if o.get("output_type") == "stream" and o.get("name") == "stderr")
                if text:
                    found[meta["grade_id"]] = text
    return found


@pytest.mark.parametrize("assignment", _grouped([(a,) for a in ASSIGNMENTS]))
def test_reference_gets_full_marks_under_stock_nbgrader(assignment, tmp_path):
    """Stock ``nbgrader autograde`` gives the reference every point, on this machine.

    nbgrader scores zero any graded cell that writes to stderr; so no graded cell
    may, whatever the machine prints on its own (TensorFlow's logging when there is
    no GPU driver, for one): a setup cell starts TensorFlow before any graded cell.
    """
    stock = grade_with_stock_nbgrader(assignment, tmp_path / "stock", ["reference"])
    assert _stderr_of_graded_cells(tmp_path / "stock", assignment, "reference") == {}
    assert stock.scores["reference"] == stock.max_scores
