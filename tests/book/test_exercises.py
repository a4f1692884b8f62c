"""The worked solutions of the chapters' exercises (instructors/exercises/) run top to bottom."""

import jupytext
import nbclient
import pytest

from tests.helpers import ROOT

SOLUTIONS = sorted((ROOT / "instructors" / "exercises").glob("*.md"))


def test_every_chapter_with_exercises_has_solutions():
    """A chapter's "Exercises" section has its worked solutions for instructors."""
    with_exercises = {path.stem for path in (ROOT / "book").glob("*.md")
                      if "\n## Exercises\n" in path.read_text(encoding="utf-8")}
    assert with_exercises <= {path.stem for path in SOLUTIONS}


@pytest.mark.slow
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.stem)
def test_solutions_run_in_a_fresh_kernel(path, tmp_path):
    """Every code cell of the solutions runs, in order, in a new kernel, without an error."""
    notebook = jupytext.read(path)
    assert any(cell.cell_type == "code" for cell in notebook.cells), "no code to run"
    # Run in an empty folder, as a reader's fresh download would.
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
