"""The Colab and Binder set-up cell: first in every assignment, and silent where mlkit is installed.

Running it in a fresh environment, as on Colab, is
``tests/test_packaging.py::test_released_notebook_installs_mlkit_in_a_fresh_environment``;
that it gives every point to the reference when graded is ``tests/grading/test_harness.py``.
"""

import re
import subprocess
import sys
from importlib.metadata import packages_distributions

import nbformat
import pytest

from mlkit.grading import setup_cell, translations
from tests import test_packaging
from tests.helpers import ASSIGNMENTS, ROOT, tool_env

URL, BRANCH = setup_cell.repository(ROOT)
LANGUAGES = ["en", *translations.languages(ROOT / "exercises")]


def _notebook(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _source_notebook(assignment):
    return nbformat.read(str(ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
                         as_version=4)


def _release(assignment, language):
    folder = ROOT / "exercises" / ("" if language == "en" else language) / assignment
    return nbformat.read(str(folder / f"{assignment}.ipynb"), as_version=4)


def _run_in_ipython(source, tmp_path, *, hide_mlkit):
    """Run ``source`` in a real IPython shell in a new process; its output, stdout and stderr."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        + ("sys.modules['mlkit'] = None  # as where mlkit is not installed\n" if hide_mlkit else "")
        + "from IPython.core.interactiveshell import InteractiveShell\n"
        f"result = InteractiveShell.instance().run_cell({source!r})\n"
        "sys.exit(0 if result.success else 3)\n", encoding="utf-8")
    missing = (tmp_path / "no-such-copy").as_uri()
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path,
                            env=tool_env(MLKIT_INSTALL_SOURCE=missing,
                                         PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


class TestCellSource:
    def test_installs_from_the_configured_repository_with_the_extras(self):
        """The cell names repository.url and .branch of _config.yml, and the extras asked for."""
        source = setup_cell.cell_source(URL, BRANCH, ["tensorflow", "plots", "tensorflow"])
        compile(source, "<set-up cell>", "exec")
        assert f'"git+{URL}@{BRANCH}"' in source
        assert "'mlkit[plots,tensorflow] @ {source}'" in source
        assert "'mlkit @ {source}'" in setup_cell.cell_source(URL, BRANCH)

    @pytest.mark.parametrize("assignment", [False, True])
    def test_does_nothing_where_mlkit_is_installed(self, tmp_path, assignment):
        """With mlkit importable the cell runs no pip: nothing is printed, not even pip's error
        about the install source, which does not exist (an assignment's cell imports the
        module whose import lets its test cells speak their notebook's language, silently)."""
        source = setup_cell.cell_source(URL, BRANCH, assignment=assignment)
        assert ("\n    import mlkit.testing\n" in source) == assignment
        assert _run_in_ipython(source, tmp_path, hide_mlkit=False) == ""

    def test_runs_pip_with_the_overriding_source_where_mlkit_is_missing(self, tmp_path):
        """Without mlkit the cell runs pip on MLKIT_INSTALL_SOURCE (here a missing folder)."""
        output = _run_in_ipython(setup_cell.cell_source(URL, BRANCH), tmp_path, hide_mlkit=True)
        assert "no-such-copy" in output, output
        assert "github.com" not in output


class TestExtras:
    @pytest.mark.parametrize(("sources", "expected"), [
        (["import numpy as np"], []),
        (["import numpy as np", "import tensorflow as tf"], ["tensorflow"]),
        (["import keras"], ["tensorflow"]),
        (["from mlkit import tensorflow as mk"], ["tensorflow"]),
        (["from mlkit import numpy as mk", "from mlkit.datasets import load_mnist"], []),
        (["%matplotlib inline\nimport matplotlib.pyplot as plt", "from tensorflow import keras"],
         ["plots", "tensorflow"]),
    ])
    def test_extras_follow_the_imports(self, sources, expected):
        """Each import of a module outside mlkit's core asks for the extra that installs it."""
        assert setup_cell.extras(_notebook(*sources)) == expected

    @pytest.mark.parametrize(("module", "extra"), sorted(setup_cell.EXTRAS.items()))
    def test_each_extra_installs_its_module(self, module, extra):
        """pyproject.toml's extra installs the module (for mlkit's parts: the part's extra)."""
        if module.startswith("mlkit."):
            relative = module.replace(".", "/")
            path = next(p for p in (f"{relative}.py", f"{relative}/__init__.py")
                        if (ROOT / p).is_file())
            assert test_packaging._part(path) == extra
        else:
            top = module.split(".")[0]
            distributions = {test_packaging._name(d)
                             for d in packages_distributions().get(top, [])}
            assert distributions & test_packaging._allowed(extra), (module, extra)


class TestAssignments:
    def test_source_notebooks_are_up_to_date(self, monkeypatch):
        """Each solutions/ notebook starts with today's set-up cell (./dev.sh release writes it)."""
        monkeypatch.chdir(ROOT)
        assert setup_cell.main(["--check"]) == 0

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_an_assignment_that_imports_tensorflow_installs_its_extra(self, assignment):
        """The cell asks for mlkit[tensorflow] exactly when a code cell imports TensorFlow or
        Keras (read here line by line, not with the module's parser)."""
        notebook = _source_notebook(assignment)
        imports_tensorflow = any(
            re.search(r"^\s*(import|from) (tensorflow|keras)\b", cell.source, re.MULTILINE)
            for cell in notebook.cells if cell.cell_type == "code")
        assert ("'mlkit[tensorflow] @ {source}'" in notebook.cells[0].source) == imports_tensorflow
        if assignment == "keras_mlp":
            assert imports_tensorflow

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_every_release_starts_with_the_locked_set_up_cell(self, assignment, language):
        """The release's first cell is the source's set-up cell: locked, neither graded nor
        a solution, in English code in every language's release."""
        source = _source_notebook(assignment).cells[0]
        first = _release(assignment, language).cells[0]
        assert first.cell_type == "code"
        assert first.source == source.source == setup_cell.cell_source(
            URL, BRANCH, setup_cell.extras(_source_notebook(assignment)), assignment=True)
        nbgrader = first.metadata["nbgrader"]
        assert (nbgrader["grade_id"], nbgrader["locked"], nbgrader["grade"],
                nbgrader["solution"]) == (setup_cell.GRADE_ID, True, False, False)
        assert first.metadata["editable"] is False and first.metadata["deletable"] is False


class TestWriting:
    def test_the_cell_is_put_first_once_and_then_kept_up_to_date(self):
        """A second run changes nothing; a new branch changes the cell in place."""
        notebook = _notebook("import numpy as np", "import keras")
        assert setup_cell.with_setup_cell(notebook, URL, "main")
        assert not setup_cell.with_setup_cell(notebook, URL, "main")
        assert setup_cell.with_setup_cell(notebook, URL, "fall-term")
        assert [c.source for c in notebook.cells[1:]] == ["import numpy as np", "import keras"]
        assert notebook.cells[0].source == setup_cell.cell_source(URL, "fall-term",
                                                                  ["tensorflow"], assignment=True)
