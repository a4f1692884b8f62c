"""Tests of the hidden parts of test cells: their named checks, the release's note, the feedback."""

import pytest

from mlkit.grading import notebooks
from mlkit.grading.feedback import hidden_results
from mlkit.grading.hidden import global_names, split
from mlkit.grading.release import note
from tests.helpers import ASSIGNMENTS, ROOT


def _cells(folder, assignment):
    notebook = notebooks.read(ROOT / folder / assignment / f"{assignment}.ipynb")
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("grade")}


class TestSplit:
    def test_no_markers(self):
        """A cell without hidden tests is all visible."""
        part = split("assert True")
        assert part.visible == "assert True" and not part.has_hidden and part.names == []

    def test_unnamed_statements_are_listed(self):
        """Hidden code outside a named check is reported by line; imports are allowed."""
        source = ("x = 1\n### BEGIN HIDDEN TESTS\nfrom mlkit.testing import check\n"
                  "with check('one'):\n    assert x\nassert x == 1\n### END HIDDEN TESTS\n")
        part = split(source)
        assert part.names == ["one"] and part.unnamed == [4]

    def test_bad_markers(self):
        """Two BEGIN markers are refused with what was found."""
        with pytest.raises(ValueError, match="one '### BEGIN HIDDEN TESTS' line followed"):
            split("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_hidden_check_is_named(assignment):
    """Every hidden statement of every test cell is a named check, names unique in the cell."""
    for grade_id, cell in _cells("solutions", assignment).items():
        part = split(cell.source)
        if part.has_hidden:
            assert part.names and not part.unnamed, grade_id
            assert len(set(part.names)) == len(part.names), grade_id


def test_global_names_sees_every_way_to_bind_a_name():
    """Assignments, del, with/for targets, imports, def, class, walrus, global in a function."""
    code = ("def f():\n    global G\n    G = 1\ndel D\nwith open(p) as W:\n    pass\n"
            "for i in r:\n    pass\nimport a.b\nclass C:\n    pass\nv = [q for q in r]\n"
            "if (z := 2):\n    pass\n%time t = 1")
    bound, read_first = global_names(code)
    assert bound == {"f", "G", "D", "W", "i", "a", "C", "v", "z"}  # not q, local to the list
    assert read_first == {"open", "p", "r", "get_ipython"}  # %time calls get_ipython()


def hidden_reads_of_undone_names(cells):
    """Names a hidden part reads while only an earlier hidden part bound them.

    The grader undoes what a hidden part binds once its cell has run
    (:class:`mlkit.grading.runner.Runner`): a later hidden part that reads such
    a name gets the value the visible code gave it, or none.

    Args:
        cells: the sources of a notebook's code cells, in order.

    Returns:
        list of ``(reading cell, name, binding cell)`` indices into ``cells``.
    """
    found, from_hidden = [], {}
    for index, source in enumerate(cells):
        part = split(source)
        for name in global_names(part.visible)[0]:
            from_hidden.pop(name, None)
        if part.has_hidden:
            bound, read_first = global_names(part.hidden)
            found += [(index, name, from_hidden[name])
                      for name in sorted(read_first & set(from_hidden))]
            from_hidden.update(dict.fromkeys(bound, index))
        for name in global_names(part.after)[0]:
            from_hidden.pop(name, None)
    return found


def test_hidden_reads_of_undone_names_are_found():
    """The check below finds a hidden read of an earlier hidden value, and only that one."""
    hidden = "\n### BEGIN HIDDEN TESTS\n{}\n### END HIDDEN TESTS"
    cells = ["X = 1",
             "assert X == 1" + hidden.format("X = 2\nrng = 3"),
             "rng = 4" + hidden.format("assert X + rng == 6"),
             "%time y = rng" + hidden.format("assert X == 2")]
    assert hidden_reads_of_undone_names(cells) == [(2, "X", 1), (3, "X", 1)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_code_needs_no_earlier_hidden_code(assignment):
    """No hidden part relies on a name that only an earlier hidden part bound.

    Each hidden part imports its own ``check`` and makes its own data: what it
    binds is undone when its cell has run, so that a student's later cells see,
    when graded, the values they saw in the student's own run.
    """
    notebook = notebooks.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert hidden_reads_of_undone_names(cells) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_note_counts_the_hidden_checks(assignment):
    """Each released test cell announces exactly the number of hidden checks of its source."""
    released = _cells("exercises", assignment)
    for grade_id, cell in _cells("solutions", assignment).items():
        count = len(split(cell.source).names)
        if count:
            assert released[grade_id].source.endswith(note(count)), grade_id
        else:
            assert "hidden check" not in released[grade_id].source, grade_id


class TestHiddenResults:
    def test_nothing_recorded(self):
        """A cell whose visible checks failed recorded no hidden check: none ran."""
        assert [s for _, s, _ in hidden_results(["a", "b"], [])] == ["not run", "not run"]

    def test_all_passed(self):
        """Every hidden check recorded as passed is reported passed."""
        assert hidden_results(["a"], [{"name": "a", "passed": True}]) == [("a", "passed", "")]

    def test_records_are_read_as_data(self):
        """The failure's sentence comes from the record's fields; an unknown name is ignored."""
        recorded = [{"name": "a", "passed": True}, {"name": "zz", "passed": False},
                    {"name": "b", "passed": False, "summary": "2 of 6 values differ",
                     "link": "book/x.html#y", "extra": 1}]
        assert hidden_results(["a", "b", "c"], recorded) == [
            ("a", "passed", ""),
            ("b", "failed", "2 of 6 values differ. See the book's section on it: book/x.html#y"),
            ("c", "not run", "")]


class TestHideHiddenTests:
    SOURCE = ("assert_close(f(1), 1)\n### BEGIN HIDDEN TESTS\nfrom mlkit.testing import check\n"
              "with check('f of a big number'):\n    assert_close(f(10 ** 9), 12345)\n"
              "with check('f of a list'):\n    assert_close(f([1, 2]), [67890, 2])\n"
              "### END HIDDEN TESTS")

    def _feedback(self, outputs, checks=()):
        import nbformat

        from mlkit.grading.feedback import HideHiddenTests

        cell = nbformat.v4.new_code_cell(self.SOURCE, outputs=outputs, metadata={"nbgrader": {
            "grade": True, "grade_id": "f_values", "points": 1, "locked": True,
            "solution": False, "schema_version": 3}, "mlkit": {"checks": list(checks)}})
        cell, _ = HideHiddenTests().preprocess_cell(cell, {}, 0)
        return cell

    def test_hidden_failure(self):
        """The failed check is named with its summary; no hidden code or value is left."""
        import nbformat

        error = nbformat.v4.new_output("error", ename="CheckError", traceback=["12345 67890"],
                                       evalue="Check 'f of a list' failed: 1 of 2 values "
                                              "differ.\nexpected: [67890, 2]")
        cell = self._feedback([nbformat.v4.new_output("stream", name="stdout", text="12345"),
                               error],
                              [{"name": "f of a big number", "passed": True},
                               {"name": "f of a list", "passed": False,
                                "summary": "1 of 2 values differ"}])
        text = cell.source + "".join(str(output) for output in cell.outputs)
        assert "12345" not in text and "67890" not in text and "check(" not in text
        assert "[passed] f of a big number" in text
        assert "[failed] f of a list: 1 of 2 values differ." in text
        assert cell.source.startswith("assert_close(f(1), 1)\n# The hidden checks ran here")

    def test_stopped_cell(self):
        """A cell stopped at its time limit says so, without blaming the visible checks."""
        import nbformat

        error = nbformat.v4.new_output("error", ename="KeyboardInterrupt", evalue="",
                                       traceback=["Cell In[3], line 5: assert_close(f(10 ** 9)"])
        cell = self._feedback([error])
        text = "".join(str(output) for output in cell.outputs)
        assert "was stopped" in text and "10 ** 9" not in text
