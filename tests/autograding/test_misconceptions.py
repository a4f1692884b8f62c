"""The checker's records read as data, and what the report counts of them (no grading needed)."""

import json

from mlkit.grading import checks, misconceptions
from mlkit.grading.checks import VISIBLE, Outcome
from mlkit.grading.cli import main

SIGMOID = "book/activations.html#activations-sigmoid"


def _cell(grade_id, record):
    return {"cell_type": "code", "source": "", "outputs": [], "execution_count": 1,
            "metadata": {"nbgrader": {"grade": True, "grade_id": grade_id}, "mlkit": record}}


def test_records_are_read_from_cell_metadata(tmp_path):
    """Named checks and a failure outside them become outcomes; odd records are skipped."""
    notebook = {"cells": [
        _cell("sigmoid_values", {"checks": [
            {"name": "sigmoid(X)", "passed": False, "summary": "4 of 5 values differ",
             "mistake": "a missing minus sign", "link": SIGMOID},
            {"name": "sigmoid(0)", "passed": True}], "failure": None}),
        _cell("step_values", {"checks": [], "failure": {"summary": "the code raised NameError",
                                                       "mistake": None, "link": None}}),
        _cell("odd", {"checks": ["not a dict", {"passed": False}], "failure": "text"}),
        {"cell_type": "markdown", "source": "", "metadata": {}}]}
    path = tmp_path / "autograded" / "kim01" / "activations" / "activations.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(notebook))
    (tmp_path / "autograded" / "lee02" / "activations").mkdir(parents=True)
    (tmp_path / "autograded" / "lee02" / "activations" / "activations.ipynb").write_text("{")
    outcomes = checks.read_class(tmp_path)
    assert outcomes == [
        Outcome("activations", "kim01", "activations", "sigmoid_values", "sigmoid(X)", False,
                "4 of 5 values differ", "a missing minus sign", SIGMOID),
        Outcome("activations", "kim01", "activations", "sigmoid_values", "sigmoid(0)", True),
        Outcome("activations", "kim01", "activations", "step_values", VISIBLE, False,
                "the code raised NameError")]
    assert outcomes[2].misconception == "failed: the visible checks of step_values"


def _failed(assignment, student, test, mistake, link=SIGMOID):
    return Outcome(assignment, student, "nb", test, "check", False, mistake=mistake, link=link)


def test_struggling_across_assignments_and_within_one():
    """Again means: the same section in two assignments, or two mistakes about it in one."""
    outcomes = [
        _failed("activations", "kim", "sigmoid_values", "sign"),
        _failed("backprop", "kim", "sigmoid_backward", "derivative of x"),        # across
        _failed("activations", "lee", "sigmoid_values", "sign"),
        _failed("activations", "lee", "sigmoid_grad_values", "derivative of x"),  # within
        _failed("activations", "park", "sigmoid_values", "sign"),
        _failed("activations", "park", "sigmoid_stable", "sign"),                 # one mistake
        _failed("activations", "choi", "t1", "no link", link=None),
        _failed("backprop", "choi", "t1", "no link", link=None),  # no section: tests differ
    ]
    found = {(s.student, s.idea): s for s in misconceptions.struggling(outcomes)}
    assert set(found) == {("kim", SIGMOID), ("lee", SIGMOID)}
    assert found["kim", SIGMOID].assignments == ["activations", "backprop"]
    assert found["lee", SIGMOID].mistakes == ["derivative of x", "sign"]
    assert [s.student for s in misconceptions.struggling(outcomes)] == ["kim", "lee"]


def test_ranking_counts_students_not_failures():
    """A mistake failing three tests of one student counts one student."""
    outcomes = [_failed("a", "kim", test, "sign") for test in ("t1", "t2", "t3")]
    outcomes += [_failed("a", student, "t1", "shape") for student in ("lee", "park")]
    ranked = misconceptions.ranked(outcomes)["a"]
    assert [(m.text, len(m.students), m.tests) for m in ranked] == [
        ("shape", 2, ["t1"]), ("sign", 1, ["t1", "t2", "t3"])]
    per_test = misconceptions.by_test(outcomes)["a"]
    assert [(m.text, len(m.students)) for m in per_test["t1"]] == [("shape", 2), ("sign", 1)]


def test_report_options_are_checked(tmp_path, capsys):
    """A similarity share outside (0, 1] is refused with what was expected."""
    (tmp_path / "nbgrader_config.py").write_text("")
    assert main(["--course", str(tmp_path), "report", "--similarity", "3"]) == 2
    assert "--similarity must be a share in (0, 1] (got 3.0)" in capsys.readouterr().err
