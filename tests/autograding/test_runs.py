"""Two autograde runs in one process share nothing: each run owns its executions and repairs."""

import shutil

import nbformat
import pytest

from mlkit.grading.autograde import autograde
from tests.autograding.conftest import ASSIGNMENT, submit

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox"),
              # nbgrader's own add_submission warns under SQLAlchemy 2; the rows are written
              pytest.mark.filterwarnings("default::sqlalchemy.exc.SAWarning")]


def _duplicate_a_graded_cell(path):
    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id") == "step")
    copy = nbformat.from_dict(dict(notebook.cells[index]))
    copy["id"] = "pasted-copy"
    notebook.cells.append(copy)
    nbformat.write(notebook, path)


def test_a_run_reports_only_its_own_repairs(released_course, tmp_path):
    """The repairs of one run's submission are not reported for the same student in the next run.

    In the first course kim's notebook has a graded cell twice, which is repaired
    and reported. In the second, kim's folder holds no notebook of that name:
    nothing is repaired, so nothing may be reported.
    """
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(released_course, first)
    shutil.copytree(released_course, second)
    _duplicate_a_graded_cell(submit(first, "kim", {}))
    renamed = submit(second, "kim", {})
    renamed.rename(renamed.with_name("renamed.ipynb"))

    lines = []
    [graded] = autograde(first, progress=False, workers=1, log=lines.append)
    assert graded.status == "graded"
    assert graded.notes == [f"{ASSIGNMENT}.ipynb: cell 'step' appears 2 times: the first copy "
                            "is graded, the others run as ordinary cells."]

    lines.clear()
    [again] = autograde(second, progress=False, workers=1, log=lines.append)
    assert not any("appears 2 times" in note for note in again.notes), again.notes
    assert not any("appears 2 times" in line for line in lines), lines
